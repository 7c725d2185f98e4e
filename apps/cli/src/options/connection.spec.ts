import { CliError } from '../errors';
import { serverAddresses } from './connection';
import { hostList } from './scope';

describe('serverAddresses: --server HOST means HOST:50051, in a list too', () => {
  it.each([
    ['cp.example', 'cp.example:50051'],
    ['cp.example:6000', 'cp.example:6000'],
    ['10.0.0.5', '10.0.0.5:50051'],
    ['a,b:6000', 'a:50051,b:6000'],
    ['[::1]', '[::1]:50051'],
    ['[::1]:6000', '[::1]:6000'],
    ['[fe80::1],c', '[fe80::1]:50051,c:50051'],
  ])('%s -> %s', (given, want) => {
    expect(serverAddresses(given)).toBe(want);
  });

  it.each([[''], ['a,'], ['a b'], ['[::1'], ['h:123456'], ['h:port']])('%j is a usage error', (given) => {
    const err = (() => {
      try {
        serverAddresses(given);
      } catch (e) {
        return e as CliError;
      }
    })();
    expect(err?.message).toBe(`--server '${given}' is not HOST[:PORT][,HOST[:PORT]...]`);
    expect(err?.exitCode).toBe(2);
  });
});

describe('hostList: a repeated --host, or a,b', () => {
  it('collects every host once, in order', () => {
    expect(hostList('c', hostList('a,b', undefined))).toEqual(['a', 'b', 'c']);
    expect(hostList('a', ['a'])).toEqual(['a']);
  });
  it('refuses an empty host', () => {
    expect(() => hostList('a,', undefined)).toThrow('a host id is not empty');
  });
});
