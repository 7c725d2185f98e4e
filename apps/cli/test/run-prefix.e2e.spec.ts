import { cli, ControlPlane, startControlPlane } from '@syscall-counter/test-support';

// The run id a local top prints is 8 characters: --run takes any unique prefix (issue 13).
describe('--run takes a unique prefix of a run id (real agent, real control plane)', () => {
  const A = 'de523dc5-1111-4aaa-8bbb-000000000001';
  const B = 'de52aaaa-2222-4aaa-8bbb-000000000002';
  let cp: ControlPlane;
  const q = (args: string[]) => cli([...args, ...cp.conn]);

  beforeAll(async () => {
    cp = await startControlPlane();
    expect(cp.runAgent('h-prefix', A, ['getppid', '1234']).status).toBe(0);
    expect(cp.runAgent('h-prefix', B, ['getppid', '4321']).status).toBe(0);
  });
  afterAll(() => cp.close());

  it('top --run de523dc5 shows that run exactly', () => {
    const r = q(['top', '--run', 'de523dc5', '--format', 'csv']);
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[1]).toBe('110,getppid,1234');
  });

  it('an ambiguous prefix lists the candidates and exits 2', () => {
    const r = q(['top', '--run', 'de52', '--format', 'csv']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`syscall-counter: run 'de52' is ambiguous: it starts 2 runs (${A}, ${B})\n`);
  });
});
