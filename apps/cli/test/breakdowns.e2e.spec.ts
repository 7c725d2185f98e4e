import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  cgroup2Root,
  cli,
  ControlPlane,
  csvRows,
  inCgroup,
  makeCgroup,
  removeCgroup,
  startControlPlane,
  WORKLOAD,
} from '@syscall-counter/test-support';

// Names of this run's own: suites running at once on the machine must not share cgroups.
const ID = `abc${randomBytes(31).toString('hex').slice(0, 61)}`;
const SHORT = ID.slice(0, 12);
const DOCKER = join('system.slice', `docker-${ID}.scope`);
const UNIT_NAME = `sc-test-batch-${process.pid}.service`;
const UNIT = join('system.slice', UNIT_NAME);

describe(
  'per-process and per-container history: ' + 'top --by, scopes, diff --by, export (real agents, real cgroups)',
  () => {
    let cp: ControlPlane;
    const q = (args: string[]) => cli([...args, ...cp.conn]);
    let dirs: string[] = [];
    // A shell moves itself into a cgroup, then becomes a workload of n getppid calls.
    const getppidIn = (cgroup: string, n: number) => inCgroup(join(cgroup2Root(), cgroup), `${WORKLOAD} getppid ${n}`);

    beforeAll(async () => {
      dirs = [DOCKER, UNIT].map(makeCgroup);
      cp = await startControlPlane();
      const runs: Array<[string, string, string, string]> = [
        ['h-p', 'procs-a', '-P', `${WORKLOAD} getppid 1500 & ${WORKLOAD} getppid 2500; wait`],
        ['h-p', 'procs-b', '-P', `${WORKLOAD} getppid 6000`],
        ['h-c', 'cg-a', '-C', getppidIn(DOCKER, 3000)],
        ['h-c', 'cg-b', '-C', `${getppidIn(DOCKER, 1000)}; ${getppidIn(UNIT, 2000)}`],
        ['h-t', 'tiny-map', '-P --proc-entries 4', `${WORKLOAD} getppid 3000 & ${WORKLOAD} getppid 5000; wait`],
        ['h-e', 'errs', '--errors', `${WORKLOAD} close 1000 300`],
        ['h-l', 'lat', '--latency', `${WORKLOAD} getppid 2000`],
      ];
      for (const [host, run, mode, script] of runs) {
        const r = cp.runAgent(host, run, ['sh', '-c', script], mode.split(' '));
        expect({ run, status: r.status, stderr: r.stderr }).toMatchObject({ status: 0 });
      }
    });

    afterAll(async () => {
      await cp.close();
      dirs.forEach(removeCgroup);
    });

    it('--comm and --pid scope a top to one program or one process, exactly', () => {
      const byComm = csvRows(q(['top', '--run', 'procs-a', '--comm', 'workload', '--format', 'csv']).stdout);
      expect(byComm.find((r) => r[1] === 'getppid')).toEqual(['110', 'getppid', '4000']);
      const procs = csvRows(
        q(['top', '--run', 'procs-a', '--by', 'process', '--syscall', 'getppid', '--format', 'csv']).stdout,
      ).filter((r) => r[1] === 'workload');
      for (const [pid, , count] of procs) {
        const one = q(['top', '--run', 'procs-a', '--pid', pid, '--format', 'csv']);
        expect(csvRows(one.stdout).find((r) => r[1] === 'getppid')?.[2]).toBe(count);
      }
      expect(procs.map((r) => r[2]).sort()).toEqual(['1500', '2500']);
      const title = q(['top', '--run', 'procs-a', '--comm', 'workload', '-n', '1']).stdout.split('\n')[0];
      expect(title).toMatch(/^Busiest syscalls, run procs-a, comm workload, /);
    });

    it('top --by container names containers by runtime id and units by name, with their cgroup', () => {
      const table = q(['top', '--run', 'cg-b', '--by', 'container', '--syscall', 'getppid']);
      expect(table.status).toBe(0);
      expect(table.stdout).toMatch(/\n CONTAINER +\| CGROUP +\| COUNT \| +RATE\/s \| +%\n/);
      expect(table.stdout).toMatch(
        new RegExp(
          `\\n ${UNIT_NAME.replace('.', '\\.')} +\\| /system\\.slice/${UNIT_NAME.replace('.', '\\.')} +\\| +2000 \\|`,
        ),
      );
      expect(table.stdout).toMatch(
        new RegExp(`\\n docker:${SHORT} +\\| /system\\.slice/docker-${SHORT}\\S+\\.scope +\\| +1000 \\|`),
      );
      const csv = q(['export', 'top', '--run', 'cg-b', '--by', 'container', '--syscall', 'getppid']).stdout;
      expect(csv.split('\n')[0]).toBe('container,cgroup,count');
      expect(csvRows(csv).find((r) => r[0] === `docker:${SHORT}`)).toEqual([`docker:${SHORT}`, `/${DOCKER}`, '1000']);
    });

    it('--container scopes by label, bare id, unit or path, exactly', () => {
      for (const container of [`docker:${SHORT}`, SHORT, `/${DOCKER}`]) {
        const rows = csvRows(q(['top', '--host', 'h-c', '--container', container, '--format', 'csv']).stdout);
        expect(rows.find((r) => r[1] === 'getppid')?.[2]).toBe('4000');
      }
      const unit = csvRows(q(['top', '--run', 'cg-b', '--container', UNIT_NAME, '--format', 'csv']).stdout);
      expect(unit.find((r) => r[1] === 'getppid')?.[2]).toBe('2000');
      // The same scope over time: the series' buckets add up to the container's calls.
      const series = csvRows(q(['export', 'series', '--run', 'cg-b', '--container', SHORT, '--bucket', '1s']).stdout);
      expect(series.filter((r) => r[3] === 'getppid').reduce((sum, r) => sum + Number(r[4]), 0)).toBe(1000);
    });

    it('diff --by process compares programs by name across runs', () => {
      const csv = q([
        'diff',
        'procs-a',
        'procs-b',
        '--by',
        'process',
        '--syscall',
        'getppid',
        '--format',
        'csv',
      ]).stdout;
      expect(csv.split('\n')[0]).toBe(
        'comm,count_a,count_b,delta_count,rate_a,rate_b,delta_rate,relative_change,status',
      );
      expect(
        csvRows(csv)
          .find((r) => r[0] === 'workload')
          ?.slice(0, 4),
      ).toEqual(['workload', '4000', '6000', '2000']);
      const table = q(['diff', 'procs-a', 'procs-b', '--by', 'process']).stdout;
      expect(table).toMatch(/\n COMM +\| A COUNT \| B COUNT \| Δ COUNT \|/);
    });

    it('diff --by container shows a container that calls less and a unit that is new', () => {
      const doc = JSON.parse(
        q(['diff', 'cg-a', 'cg-b', '--by', 'container', '--syscall', 'getppid', '--format', 'json']).stdout,
      );
      expect(doc.by).toBe('container');
      const row = (name: string) => doc.containers.find((c: { name: string }) => c.name === name);
      expect(row(`docker:${SHORT}`)).toMatchObject({ countA: '3000', countB: '1000', deltaCount: '-2000' });
      expect(row(UNIT_NAME)).toMatchObject({ countA: '0', countB: '2000', status: 'new' });
      const scoped = csvRows(q(['diff', 'cg-a', 'cg-b', '--container', SHORT, '--format', 'csv']).stdout);
      expect(scoped.find((r) => r[1] === 'getppid')?.slice(2, 5)).toEqual(['3000', '1000', '-2000']);
    });

    it('a per-process map that was too small shows as unattributed calls, still inside the totals', () => {
      const table = q(['top', '--run', 'tiny-map', '--by', 'process']).stdout;
      expect(table).toMatch(
        new RegExp(
          /\nUnattributed: [1-9]\d* calls \(all syscalls\) found the agents' per-process map full /.source +
            /\(agent --proc-entries\); they are in "other"\.\n$/.source,
        ),
      );
      const doc = JSON.parse(q(['top', '--run', 'tiny-map', '--by', 'process', '--format', 'json']).stdout);
      const other = doc.rows.find((r: { pid: number }) => r.pid === 0);
      expect(BigInt(other.count)).toBeGreaterThanOrEqual(BigInt(doc.unattributed));
      expect(doc.rows.reduce((s: bigint, r: { count: string }) => s + BigInt(r.count), 0n)).toBe(BigInt(doc.total));
    });

    it('top --failed counts the failing calls of a run exactly, and --by errno says why', () => {
      const csv = csvRows(q(['top', '--run', 'errs', '--failed', '--format', 'csv']).stdout);
      expect(csv.find((r) => r[1] === 'close')).toEqual(['3', 'close', '300']);
      const why = q(['export', 'top', '--run', 'errs', '--failed', '--by', 'errno', '--syscall', 'close']).stdout;
      expect(why).toBe('errno,name,count\n9,EBADF,300\n');
      const table = q(['top', '--run', 'errs', '--failed', '--by', 'errno', '--syscall', 'close']).stdout;
      expect(table).toMatch(/^Failed close calls by errno, run errs, /);
      expect(table).toMatch(/\n ERRNO \| NAME +\| COUNT \| +RATE\/s \| +%\n +9 \| EBADF \| +300 \|/);
    });

    it('latency reads the stored histograms of a run: every call timed, once', () => {
      const csv = csvRows(q(['latency', '--run', 'lat', '--format', 'csv']).stdout);
      const getppid = csv.find((r) => r[1] === 'getppid')!;
      // The workload's 2000 and the shell's own: the same number the run's counts hold.
      const counted = csvRows(q(['top', '--run', 'lat', '--format', 'csv']).stdout).find((r) => r[1] === 'getppid')![2];
      expect(Number(counted)).toBeGreaterThanOrEqual(2000);
      expect(getppid.slice(0, 4)).toEqual(['110', 'getppid', counted, counted]);
      expect(Number(getppid[4])).toBeGreaterThan(0); // avg µs
      // exit_group never returns: each one the run counted is unreturned, none timed.
      const exits = csvRows(q(['top', '--run', 'lat', '--format', 'csv']).stdout).find(
        (r) => r[1] === 'exit_group',
      )![2];
      const exitRow = csv.find((r) => r[1] === 'exit_group')!;
      expect([exitRow[2], exitRow[3], exitRow[8]]).toEqual([exits, '0', exits]);
      const table = q(['latency', '--run', 'lat', '-n', '2', '--sort', 'count']).stdout;
      expect(table).toMatch(
        /^Syscall latency, run lat, \d{4}-\d\d-\d\d [\d:]+ – [\d:]+ UTC\S* \([\d.]+ s\), by count\n/,
      );
      expect(table).toMatch(/\n +110 \| getppid +\| +200\d \| +200\d \|/);
    });

    it.each([
      [['latency', '--run', 'lat', '-p', '5'], 2, /a command, -p and --comm apply on this host/],
      [
        ['latency', '--run', 'procs-a'],
        1,
        /no run of run 'procs-a' was streamed with latency data \(agent --latency\)/,
      ],
      [['latency', '--run', 'lat', '--syscall', 'read,write'], 2, /--syscall takes one syscall/],
      [['top', '--by', 'errno'], 2, /--by errno goes with --failed/],
      [['top', '--failed', '--by', 'process'], 2, /failed calls are counted per host/],
      [
        ['top', '--run', 'procs-a', '--failed'],
        1,
        /no run of run 'procs-a' was streamed with failed-call data \(agent --errors\)/,
      ],
      [
        ['top', '--run', 'procs-a', '--by', 'container'],
        1,
        /no run of run 'procs-a' was streamed with per-cgroup data \(agent -C\)/,
      ],
      [
        ['top', '--run', 'cg-a', '--comm', 'workload'],
        1,
        /no run of run 'cg-a' was streamed with per-process data \(agent -P\)/,
      ],
      [['top', '--pid', '1', '--container', 'x'], 2, /per-process and per-container counts are kept apart/],
      [['top', '--by', 'process', '--container', 'x'], 2, /kept apart/],
      [['top', '--comm', 'a-name-of-16-byt'], 2, /a process name \(comm\) is 1 to 15 bytes/],
      [['top', '--pid', '5000000'], 2, /a pid is at most 4194304/],
      [
        ['diff', 'cg-a', 'cg-b', '--syscall', 'getppid'],
        2,
        /--syscall drills down a diff --by process or --by container/,
      ],
      [['diff', 'cg-a', 'cg-b', '--by', 'host'], 2, /argument 'host' is invalid/],
    ])('%j fails with a clear message', (args, status, message) => {
      const r = q(args as string[]);
      expect(r.stderr).toMatch(message);
      expect(r.status).toBe(status);
      expect(r.stdout).toBe('');
    });
  },
);
