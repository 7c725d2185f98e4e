import { runAgent, WORKLOAD } from '@syscall-counter/test-support';

// The agent's own output a person reads (issue 13): numbers right-aligned, µs as the CLI spells
// it, --help examples that argp does not break mid-sentence at 80 columns.
describe('syscall-counter-agent output for people', () => {
  it("--help: every example line fits argp's 79 columns, so none is wrapped mid-sentence", () => {
    const r = runAgent(['--help']);
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    const examples = lines.slice(lines.indexOf('EXAMPLES:') + 1, lines.findIndex((l) => /^ +(-\w, )?--\w/.test(l)) - 1);
    expect(examples.length).toBeGreaterThan(10);
    // A wrapped line would start in column 0 with the rest of a sentence.
    for (const l of examples.filter(Boolean)) expect(l).toMatch(/^ {2}(syscall-counter-agent |\s+(#|--token-file) )/);
    expect(lines.every((l) => l.length <= 79)).toBe(true);
  });

  it('right-aligns the counts and spells µs as the CLI does', () => {
    const plain = runAgent(['-T', '2', '--', WORKLOAD, 'getppid', '1234']).stdout.split('\n');
    expect(plain[1]).toMatch(/^SYSCALL# \| NAME {21}\| {8}COUNT$/);
    expect(plain[2]).toMatch(/^ {5}110 \| getppid +\| {9}1234$/);
    const timed = runAgent(['--latency', '-T', '1', '--', WORKLOAD, 'getppid', '50']).stdout.split('\n');
    expect(timed[1]).toMatch(/\| {5}AVG µs \| {5}P50 µs \| {5}P99 µs$/);
    expect(timed[2]).toMatch(/^ {5}110 \| getppid +\| {11}50 \| +[\d.]+ \| +[\d.]+ \| +[\d.]+$/);
  });
});
