import { countOf, csvRows, getppidCount, parseCsv } from './csv';

const REPORT = 'syscall_nr,name,count\n110,getppid,4000\n,other,3\n-1,syscall_-1,5\n';

describe('CSV reports', () => {
  it('parseCsv reads every row of the agent report, the other bucket with an empty nr', () => {
    expect(parseCsv(REPORT)).toEqual([
      { nr: '110', name: 'getppid', count: 4000 },
      { nr: '', name: 'other', count: 3 },
      { nr: '-1', name: 'syscall_-1', count: 5 },
    ]);
  });

  it('countOf is the count of a name, 0 when absent', () => {
    const rows = parseCsv(REPORT);
    expect([countOf(rows, 'getppid'), countOf(rows, 'read')]).toEqual([4000, 0]);
  });

  it('csvRows splits any CSV into cells without its header', () => {
    expect(csvRows('a,b\n1,2\n3,4\n')).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
  });

  it('getppidCount is exact beyond 2^53', () => {
    expect(getppidCount('syscall_nr,name,count\n110,getppid,9007199254740993\n')).toBe(9007199254740993n);
    expect(getppidCount('syscall_nr,name,count\n')).toBe(0n);
  });
});
