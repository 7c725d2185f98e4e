import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Throw-away P-256 keys and certificates made with openssl in @dir (fast: no RSA). */
function ssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

const KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A CA in @dir: ca.pem and ca.key. */
export function makeCa(dir: string): string {
  ssl(dir, 'req', '-x509', ...KEY, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=test CA');
  return join(dir, 'ca.pem');
}

/** @name.pem and @name.key in @dir, signed by its CA, with subject CN @cn and @san (e.g. "DNS:web-1"). */
export function makeCert(dir: string, name: string, cn: string, san: string): { cert: string; key: string } {
  ssl(dir, 'req', ...KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
  writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\n`);
  ssl(
    dir,
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    `${name}.pem`,
    '-days',
    '1',
    '-extfile',
    `${name}.ext`,
  );
  return { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
}
