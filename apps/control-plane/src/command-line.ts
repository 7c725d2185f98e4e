import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const HELP = `Usage: syscall-counter-control-plane [--version] [--help]
Stores agents' syscall counts and answers queries over gRPC. Configured by the environment:
  SC_LISTEN        HOST:PORT to listen on (default 127.0.0.1:50051)
  SC_DB_PATH       the SQLite file (default ./data/syscall-counter.db)
  SC_DB_URL        postgres://USER[:PASS]@HOST:PORT/DB: PostgreSQL instead (several replicas may share it)
  SC_TOKENS_FILE   per-host credentials, one a line: TOKEN agent|reader|admin [HOST_ID] (SIGHUP rereads)
  SC_TOKEN_FILE    a file holding the shared token (or SC_TOKEN): an admin credential that trusts every agent
  SC_TLS_CERT, SC_TLS_KEY, SC_TLS_CA   TLS, and mTLS with a CA (the client certificate names the host id)
  SC_MAX_MESSAGE_BYTES, SC_LOG_FORMAT=text|json
  SC_METRICS_LISTEN  HOST:PORT of /metrics for Prometheus (default 127.0.0.1:9436; off)
  SC_METRICS_TOKEN   a bearer token scrapers must present; SC_METRICS_CONTAINERS=K per-container series
  SC_HELLO_TIMEOUT_MS (10000), SC_IDLE_TIMEOUT_MS (300000), SC_MAX_STREAMS_PER_TOKEN (1024, admin)
`;

/** The version in the package.json beside dist/ (the same file in a checkout and when installed). */
export function version(): string {
  return (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Answers --version and --help without starting anything; any other argument is a usage error
 * (exit 2), since every setting comes from the environment. Returns when the server should start.
 */
export function handleCommandLine(argv: string[]): void {
  if (argv.length === 0) return;
  if (argv.length === 1 && argv[0] === '--version') {
    process.stdout.write(`syscall-counter-control-plane ${version()}\n`);
    process.exit(0);
  }
  if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h')) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  process.stderr.write(`control-plane: unexpected argument '${argv[0]}': settings come from SC_* variables (--help)\n`);
  process.exit(2);
}
