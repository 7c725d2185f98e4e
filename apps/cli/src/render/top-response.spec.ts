import { TopResponse } from '@syscall-counter/proto';
import { SYSCALL_NR_OTHER } from '@syscall-counter/syscall-table';
import { SYSCALL_NR_OTHER } from '@syscall-counter/syscall-table';
import { renderTopResponse, TopRendering } from './top-response';

const resp = (over: Partial<TopResponse>): TopResponse => ({
  rows: [{ nr: 110, key: '', count: '900', label: '' }],
  total: '900',
  firstUnixMs: '1000',
  lastUnixMs: '11000',
  arch: 'x86_64',
  unattributed: '0',
  ...over,
});

const as = (by: TopRendering['by'], format: TopRendering['format'] = 'table'): TopRendering => ({
  by,
  format,
  top: 5,
  title: 't',
  arch: undefined,
  display: { color: false, exact: false, utc: true },
});

describe('renderTopResponse: calls the agents could not attribute', () => {
  it('says nothing when every call was attributed', () => {
    expect(renderTopResponse(resp({}), as('syscall'))).not.toMatch(/Unattributed/);
  });

  it('under a breakdown, names them as part of "other"', () => {
    const r = resp({ rows: [{ nr: 0, key: '0', count: '900', label: 'other' }], unattributed: '40' });
    expect(renderTopResponse(r, as('process'))).toMatch(
      new RegExp(
        "\\nUnattributed: 40 calls \\(all syscalls\\) found the agents' per-process map full " +
          '\\(agent --proc-entries\\); they are in "other"\\.\\n$',
      ),
    );
  });

  it('under a --pid/--comm/--container scope, warns that the counts are a lower bound', () => {
    expect(renderTopResponse(resp({ unattributed: '7' }), as('syscall'))).toMatch(
      /\nUnattributed: 7 calls in this window .* the counts above are a lower bound\.\n$/,
    );
  });

  it('carries the count in JSON, not in CSV', () => {
    const r = resp({ rows: [{ nr: 0, key: '', count: '900', label: 'other' }], unattributed: '40' });
    expect(JSON.parse(renderTopResponse(r, as('container', 'json'))).unattributed).toBe('40');
    expect(renderTopResponse(r, as('container', 'csv'))).toBe('container,cgroup,count\nother,,900\n');
  });
});

describe('renderTopResponse: one layout per grouping', () => {
  const rows = [
    { nr: 0, key: 'web-1', count: '30', label: '' },
    { nr: 0, key: 'web-2', count: '10', label: '' },
  ];

  it('names host rows by key in JSON and by column in CSV', () => {
    expect(JSON.parse(renderTopResponse(resp({ rows, total: '40' }), as('host', 'json')))).toEqual({
      by: 'host',
      seconds: 10,
      total: '40',
      rows: [
        { key: 'web-1', count: '30' },
        { key: 'web-2', count: '10' },
      ],
    });
    expect(renderTopResponse(resp({ rows }), as('host', 'csv'))).toBe('host,count\nweb-1,30\nweb-2,10\n');
  });

  it('gives errno rows their name, and numbers as numbers in JSON', () => {
    const errnos = [{ nr: 0, key: '2', count: '7', label: '' }];
    expect(JSON.parse(renderTopResponse(resp({ rows: errnos, total: '7' }), as('errno', 'json'))).rows).toEqual([
      { errno: 2, name: 'ENOENT', count: '7' },
    ]);
    expect(renderTopResponse(resp({ rows: errnos }), as('errno'))).toMatch(/ERRNO \| NAME +\| COUNT/);
  });

  it('shows the other syscall bucket without a number: "-" in a table, empty in CSV, null in JSON', () => {
    const r = resp({ rows: [{ nr: SYSCALL_NR_OTHER, key: '', count: '4', label: '' }], total: '4' });
    expect(renderTopResponse(r, as('syscall'))).toMatch(/\n +- \| other \| +4 \|/);
    expect(renderTopResponse(r, as('syscall', 'csv'))).toBe('syscall_nr,name,count\n,other,4\n');
    expect(JSON.parse(renderTopResponse(r, as('syscall', 'json'))).syscalls).toEqual([
      { nr: null, name: 'other', count: '4' },
    ]);
  });
});
