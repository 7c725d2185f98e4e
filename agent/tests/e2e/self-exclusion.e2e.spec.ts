import { AGENT, spawnAgent } from '@syscall-counter/test-support';

/** The rows of a -P CSV report: pid,comm,syscall_nr,name,count. */
function parseProcCsv(text: string) {
  const [header, ...lines] = text.trim().split('\n');
  expect(header).toBe('pid,comm,syscall_nr,name,count');
  return lines.map((l) => {
    const [pid, comm, nr, name, count] = l.split(',');
    return { pid, comm, nr, name, count: Number(count) };
  });
}

/** Runs `agent -P -d 1 -o csv` (plus @extra) and returns its rows with its own pid. */
async function perProcessRun(extra: string[]) {
  const agent = spawnAgent([...extra, '-P', '-d', '1', '-o', 'csv']);
  const r = await agent.done;
  expect(r.status).toBe(0);
  return { pid: String(agent.proc.pid), rows: parseProcCsv(r.stdout) };
}

// The agent's own map reads (bpf calls) are not the workload's: left out unless asked for.
describe(`${AGENT.split('/').pop()}: its own syscalls (real BPF)`, () => {
  it('-P leaves out the agent itself by default', async () => {
    const { pid, rows } = await perProcessRun([]);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.pid === pid)).toEqual([]);
  });

  it('--include-self counts them: its bpf calls show under its pid', async () => {
    const { pid, rows } = await perProcessRun(['--include-self']);
    const own = rows.filter((r) => r.pid === pid);
    expect(own.find((r) => r.name === 'bpf')?.count).toBeGreaterThan(0);
  });
});
