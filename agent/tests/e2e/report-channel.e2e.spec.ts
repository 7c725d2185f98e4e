import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countOf, parseCsv, runAgent, WORKLOAD } from '@syscall-counter/test-support';

// The report travels on a channel of its own: never mixed with the traced command's output.
describe('syscall-counter-agent: the report channel (real BPF)', () => {
  it('-P -o json -- CMD: stdout is the JSON report alone, the command writes to stderr', () => {
    // The command's text is in the report's scope: its output (42) is not.
    const r = runAgent(['-P', '-o', 'json', '--', 'sh', '-c', 'echo $((6*7))']);
    expect(r.status).toBe(0);
    expect(() => JSON.parse(r.stdout)).not.toThrow();
    expect(r.stdout).not.toMatch(/^42$/m);
    expect(r.stderr).toBe('42\n');
  });

  it('--out FILE: the report goes to FILE and the command keeps its stdout', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sc-out-'));
    try {
      const file = join(dir, 'report.csv');
      const r = runAgent(['--out', file, '-o', 'csv', '--', 'sh', '-c', `echo $((6*7)); exec ${WORKLOAD} getppid 300`]);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe('42\n');
      const rows = parseCsv(readFileSync(file, 'utf8'));
      expect(countOf(rows, 'execve')).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--out to a file it cannot write: one line, exit 1', () => {
    const r = runAgent(['--out', '/nonexistent-dir/r.csv', '-d', '1']);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      'syscall-counter-agent: cannot write the report to /nonexistent-dir/r.csv: No such file or directory',
    ]);
  });
});
