import { parseTokensFile } from './credentials';

describe('parseTokensFile', () => {
  it('reads one credential a line, with comments and blank lines', () => {
    const text = '# fleet\n\nagent-token-web1-000000 agent web-1\n  reader-token-000000000   reader  # grafana\n';
    expect(parseTokensFile(text, 'tokens')).toEqual([
      { token: 'agent-token-web1-000000', role: 'agent', hostId: 'web-1', source: 'tokens file line 3' },
      { token: 'reader-token-000000000', role: 'reader', hostId: undefined, source: 'tokens file line 4' },
    ]);
  });

  it.each([
    ['short-token agent web-1', /tokens:2: a token is 16 to 4096 printable characters/],
    ['agent-token-web1-000000 agent', /tokens:2: an agent credential names its HOST_ID/],
    ['agent-token-web1-000000 root', /tokens:2: role 'root' is not agent, reader or admin/],
    ['agent-token-web1-000000 reader web-1', /tokens:2: only an agent credential names a host/],
    ['agent-token-web1-000000 agent web/1', /tokens:2: host id must be/],
    ['agent-token-web1-000000 agent web-1 extra', /tokens:2: expected "TOKEN ROLE \[HOST_ID\]"/],
    ['admin-token-0000000000 admin', /tokens:2: this token is already on an earlier line/],
  ])('stops at a malformed line with its number: %s', (line, message) => {
    expect(() => parseTokensFile(`admin-token-0000000000 admin\n${line}\n`, 'tokens')).toThrow(message);
  });
});
