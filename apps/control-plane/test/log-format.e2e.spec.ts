import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTROL_PLANE_MAIN, freePort, spawnCollecting, TOKEN, waitForOutput } from '@syscall-counter/test-support';

// Issue 13: SC_LOG_FORMAT=text into a file or a pipe (the journal) carries no colour codes.
describe('control plane: SC_LOG_FORMAT=text', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sc-log-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes plain text, no ANSI colour codes, when stdout and stderr are not terminals', async () => {
    writeFileSync(join(dir, 'token'), TOKEN);
    const cp = spawnCollecting(process.execPath, [CONTROL_PLANE_MAIN], {
      env: {
        ...process.env,
        SC_LOG_FORMAT: 'text',
        SC_LISTEN: `127.0.0.1:${await freePort()}`,
        SC_DB_PATH: join(dir, 'history.db'),
        SC_TOKEN_FILE: join(dir, 'token'),
        SC_DB_URL: '',
        SC_METRICS_LISTEN: 'off',
      },
    });
    // The text logger prints the object of the JSON logger's "listening" line.
    await waitForOutput(cp.proc, 'stdout', "'listening'", 'the control plane');
    cp.proc.kill('SIGTERM');
    const { stdout, stderr } = await cp.done;
    expect(stdout).toMatch(/\[control-plane\] \d+ +- .* LOG \[Main\] Object\(4\) \{\n +msg: 'listening',\n/);
    expect(stdout + stderr).not.toContain('\x1b[');
  });
});
