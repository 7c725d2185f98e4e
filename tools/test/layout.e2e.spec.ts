import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '@syscall-counter/test-support';

// One naming convention for test files, checked: a spec that no jest config matches would
// never run, silently. Unit specs are *.spec.ts under a project's src/; end-to-end specs are
// *.e2e.spec.ts in its e2e folder (agent/tests/e2e, apps/*/test, tools/test, packaging/test).
const UNIT = /(^|\/)src\/(.+\/)?[^/]+(?<!\.e2e)\.spec\.ts$/;
const E2E = /^(agent\/tests\/e2e|apps\/[^/]+\/test|[^/]+\/test)\/(.+\/)?[^/]+\.e2e\.spec\.ts$/;

describe('test file layout', () => {
  it('every spec file is a unit spec in src/ or an *.e2e.spec.ts in an e2e folder', () => {
    const r = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '--', '*.spec.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    const specs = r.stdout.split('\n').filter(Boolean);
    expect(specs.length).toBeGreaterThan(20);
    expect(specs.filter((f) => !UNIT.test(f) && !E2E.test(f))).toEqual([]);
  });

  // Issue 12: the CLI's specs run on both engines. One that starts a control plane but is missing
  // from the PostgreSQL list would only ever be checked on SQLite.
  it('every CLI spec that starts a control plane also runs on PostgreSQL (apps/cli/jest.postgres.config.ts)', () => {
    const dir = join(ROOT, 'apps/cli/test');
    const config = readFileSync(join(ROOT, 'apps/cli/jest.postgres.config.ts'), 'utf8');
    const usesControlPlane = readdirSync(dir)
      .filter((f) => f.endsWith('.e2e.spec.ts'))
      .filter((f) => /\bControlPlane\b|startControlPlane/.test(readFileSync(join(dir, f), 'utf8')))
      .map((f) => f.replace('.e2e.spec.ts', ''));
    expect(usesControlPlane.length).toBeGreaterThan(5);
    expect(usesControlPlane.filter((name) => !config.includes(`'${name}'`))).toEqual([]);
  });
});
