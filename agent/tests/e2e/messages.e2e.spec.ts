import { existsSync, readFileSync } from 'node:fs';
import { runAgent } from '@syscall-counter/test-support';

// Messages a new user meets (issue 13).
describe('syscall-counter-agent: messages', () => {
  it('-p of a process that does not exist warns, then counts (nothing) to the end', () => {
    // The highest free pid: pids are handed out upwards, so it is the last to be taken.
    let pid = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8')) - 1;
    while (existsSync(`/proc/${pid}`)) pid--;
    const r = runAgent(['-p', String(pid), '-d', '1', '-o', 'csv']);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(
      `syscall-counter-agent: warning: no process ${pid}: nothing is counted unless one with that pid starts\n`,
    );
    expect(r.stdout).toBe('syscall_nr,name,count\n');
  });
});
