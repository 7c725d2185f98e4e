import { TopResponse } from '@syscall-counter/proto';
import { renderTopResponse } from './top';

const resp = (over: Partial<TopResponse>): TopResponse => ({
  rows: [{ nr: 110, key: '', count: '900', label: '' }],
  total: '900',
  firstUnixMs: '1000',
  lastUnixMs: '11000',
  arch: 'x86_64',
  unattributed: '0',
  ...over,
});

describe('renderTopResponse: calls the agents could not attribute', () => {
  it('says nothing when every call was attributed', () => {
    expect(renderTopResponse(resp({}), { by: 'syscall', format: 'table', top: 5 }, 't', undefined, false)).not.toMatch(
      /Unattributed/,
    );
  });

  it('under a breakdown, names them as part of "other"', () => {
    const r = resp({ rows: [{ nr: 0, key: '0', count: '900', label: 'other' }], unattributed: '40' });
    expect(renderTopResponse(r, { by: 'process', format: 'table', top: 5 }, 't', undefined, false)).toMatch(
      /\nUnattributed: 40 calls \(all syscalls\) found the agents' per-process map full \(agent --proc-entries\); they are in "other"\.\n$/,
    );
  });

  it('under a --pid/--comm/--container scope, warns that the counts are a lower bound', () => {
    expect(
      renderTopResponse(resp({ unattributed: '7' }), { by: 'syscall', format: 'table', top: 5 }, 't', undefined, false),
    ).toMatch(/\nUnattributed: 7 calls in this window .* the counts above are a lower bound\.\n$/);
  });

  it('carries the count in JSON, not in CSV', () => {
    const r = resp({ rows: [{ nr: 0, key: '', count: '900', label: 'other' }], unattributed: '40' });
    expect(
      JSON.parse(renderTopResponse(r, { by: 'container', format: 'json', top: 5 }, 't', undefined, false)).unattributed,
    ).toBe('40');
    expect(renderTopResponse(r, { by: 'container', format: 'csv', top: 5 }, 't', undefined, false)).toBe(
      'container,cgroup,count\nother,,900\n',
    );
  });
});
