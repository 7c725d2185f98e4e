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
  SC_RETAIN_RAW    per-snapshot rows kept (default 14d; e.g. 36h; 0 or off: forever)
  SC_RETAIN_HOURLY hourly rollups kept (default 400d; at least SC_RETAIN_RAW; 0 or off: forever)
  SC_EXPIRE_EVERY  time between expiry passes (default 1h; off: none); SC_EXPIRE_FIRST the first (10m)
Options: --expire-once  run one expiry pass on the configured database, print what it removed (JSON), exit
`;

/** The version in the package.json beside dist/ (the same file in a checkout and when installed). */
export function version(): string {
  return (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Answers --version and --help without starting anything; any other argument but --expire-once is
 * a usage error (exit 2), since every setting comes from the environment. Returns what to do:
 * serve, or run one expiry pass (the benchmarks time it).
 */
export function handleCommandLine(argv: string[]): 'serve' | 'expire-once' {
  if (argv.length === 0) return 'serve';
  if (argv.length === 1 && argv[0] === '--expire-once') return 'expire-once';
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
