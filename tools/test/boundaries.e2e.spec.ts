import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { ROOT } from '@syscall-counter/test-support';

// The checked-in lint fixtures (ignored by the normal lint) hold forbidden imports on
// purpose: linting them with the repository's config must report each boundary, so the
// rules cannot silently stop working (a renamed tag, a rule dropped from a block).
const FIXTURES = {
  cliImportsControlPlane: 'apps/cli/lint-fixtures/src/imports-control-plane.ts',
  srcImportsTestSupport: 'apps/cli/lint-fixtures/src/imports-test-support.ts',
  testImportsTestSupport: 'apps/cli/lint-fixtures/test/uses-test-support.ts',
  libImportsTestSupport: 'libs/syscall-table/lint-fixtures/src/imports-test-support.ts',
};

interface LintResult {
  filePath: string;
  messages: Array<{ ruleId: string | null; message: string }>;
}

/**
 * eslint on @files with the repository's config and its ignores off: "rule: first line of
 * the message" per file. The boundary rule reads nx's cached project graph (and is skipped,
 * with a mere warning, when there is none): an nx command refreshes it first.
 */
function lint(files: string[]): { status: number | null; messages: Record<string, string[]> } {
  const bin = (name: string) => join(ROOT, 'node_modules/.bin', name);
  const graph = spawnSync(bin('nx'), ['show', 'projects'], { cwd: ROOT, encoding: 'utf8' });
  if (graph.status !== 0) throw new Error(`nx show projects failed: ${graph.stderr}`);
  const r = spawnSync(bin('eslint'), ['--no-ignore', '--format', 'json', ...files], { cwd: ROOT, encoding: 'utf8' });
  if (!r.stdout) throw new Error(`eslint printed no report (exit ${r.status}): ${r.stderr}`);
  const results = JSON.parse(r.stdout) as LintResult[];
  const messages = Object.fromEntries(
    results.map((x) => [relative(ROOT, x.filePath), x.messages.map((m) => `${m.ruleId}: ${m.message.split('\n')[0]}`)]),
  );
  return { status: r.status, messages };
}

describe('module boundaries (eslint.config.mjs and the tags of each project.json)', () => {
  const { status, messages } = lint(Object.values(FIXTURES));
  const BOUNDARY = '@nx/enforce-module-boundaries';

  it('fails lint on the fixtures (exit 1)', () => {
    expect(status).toBe(1);
  });

  it('the CLI never imports control-plane code', () => {
    expect(messages[FIXTURES.cliImportsControlPlane]).toEqual([`${BOUNDARY}: Imports of apps are forbidden`]);
  });

  it('only test files import the test kit: not application code, not a library', () => {
    expect(messages[FIXTURES.srcImportsTestSupport]).toEqual([
      `${BOUNDARY}: A project tagged with "*" can not depend on libs tagged with "type:test-support"`,
    ]);
    expect(messages[FIXTURES.libImportsTestSupport]).toEqual([
      `${BOUNDARY}: A project tagged with "type:lib" can only depend on libs tagged with "type:lib"`,
    ]);
    expect(messages[FIXTURES.testImportsTestSupport]).toEqual([]);
  });
});
