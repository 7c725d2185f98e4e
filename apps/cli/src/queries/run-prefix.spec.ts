import { CliError } from '../errors';
import { matchRunPrefix } from './run-prefix';

describe('matchRunPrefix', () => {
  const ids = ['de523dc5-1111-4aaa-8bbb-000000000001', 'de52aaaa-2222-4aaa-8bbb-000000000002', 'run-deploy'];

  it('keeps a whole id, expands a unique prefix, keeps a prefix of nothing', () => {
    expect(matchRunPrefix('run-deploy', ids)).toBe('run-deploy');
    expect(matchRunPrefix('de523dc5', ids)).toBe(ids[0]);
    expect(matchRunPrefix('nope', ids)).toBe('nope');
  });

  it('refuses an ambiguous prefix as a usage error naming the candidates', () => {
    expect(() => matchRunPrefix('de52', ids)).toThrow(
      `run 'de52' is ambiguous: it starts 2 runs (${ids[0]}, ${ids[1]})`,
    );
    try {
      matchRunPrefix('de52', ids);
    } catch (e) {
      expect((e as CliError).exitCode).toBe(2);
    }
  });
});
