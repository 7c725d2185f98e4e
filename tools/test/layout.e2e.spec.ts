import { spawnSync } from 'node:child_process';
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
});
