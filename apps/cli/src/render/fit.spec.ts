import { columnsToShow, elideMiddle, fitRows, fitWidths, lineWidth, terminalWidth } from './fit';
import { renderGrid } from './grid';

describe('tables that fit the terminal', () => {
  it('cuts long paths and ids in the middle, the tail keeping the odd column', () => {
    const path = '/sys/fs/cgroup/system.slice/docker-3f2a9c1b7d4e5f60.scope';
    expect(elideMiddle(path, 24)).toBe('/sys/fs/cgr…4e5f60.scope');
    expect(elideMiddle('de523dc5-1a2b-4c3d-8e9f-a0b1c2d3e4f5', 13)).toBe('de523d…d3e4f5');
    expect(elideMiddle('short', 13)).toBe('short');
  });

  it('counts East Asian wide characters and emoji as two columns', () => {
    expect(elideMiddle('数据库服务器-一号机', 9)).toBe('数据…号机');
    expect(elideMiddle('🐳🐳🐳🐳🐳🐳', 7)).toBe('🐳…🐳🐳');
  });

  it('shrinks the widest elidable column first, never a number, never below its header', () => {
    const head = ['RUN', 'HOST', 'TOTAL'];
    const rows = [['de523dc5-1a2b-4c3d-8e9f-a0b1c2d3e4f5', 'web-1.example.com', '123456789']];
    expect(lineWidth(fitWidths(head, rows, [true, true, false]))).toBe(1 + 36 + 17 + 9 + 6);
    const widths = fitWidths(head, rows, [true, true, false], 50);
    expect(lineWidth(widths)).toBe(50);
    expect(widths).toEqual([17, 17, 9]);
    expect(fitWidths(head, rows, [true, true, false], 20)).toEqual([12, 12, 9]);
    expect(fitRows(head, rows, [true, true, false], 50)[0]).toEqual([
      'de523dc5…c2d3e4f5',
      'web-1.example.com',
      '123456789',
    ]);
  });

  it('draws a grid within the width; --wide (no width) keeps every cell whole', () => {
    const head = ['CONTAINER', 'CGROUP', 'COUNT'];
    const rows = [['docker:3f2a9c1b7d4e', '/system.slice/docker-3f2a9c1b7d4e5f60718293a4b5c6d7e8.scope', '2000']];
    const fit = renderGrid(head, rows, ['left', 'left', 'right'], false, { elidable: [true, true, false], width: 60 });
    expect(fit.split('\n').every((l) => l.length <= 60)).toBe(true);
    expect(fit).toMatch(/\| \/system\.slice\/…\S+\.scope \| +2000$/m);
    const wide = renderGrid(head, rows, ['left', 'left', 'right'], false, { elidable: [true, true, false] });
    expect(wide).toContain(rows[0][1]);
  });

  it('takes COLUMNS, else the tty width, else no limit; --wide never limits', () => {
    const tty = { isTTY: true, columns: 100 } as NodeJS.WriteStream;
    const pipe = { isTTY: false, columns: 0 } as unknown as NodeJS.WriteStream;
    expect(terminalWidth(false, { COLUMNS: '72' }, tty)).toBe(72);
    expect(terminalWidth(false, {}, tty)).toBe(100);
    expect(terminalWidth(false, { COLUMNS: 'wide' }, pipe)).toBeUndefined();
    expect(terminalWidth(true, { COLUMNS: '72' }, tty)).toBeUndefined();
  });
});

describe('columns left out when cut ids do not fit', () => {
  const head = ['HOST', 'KERNEL', 'LAST SEEN', 'BPF NS'];
  const rows = [['web-1.example.com', '6.1.0-28-cloud-amd64', '2026-11-30 08:15:02', '37']];

  it('keeps every column when cutting is enough, else drops the optional ones in order', () => {
    expect(columnsToShow(head, rows, [true, true, false, false], [3, 1], 80)).toEqual([0, 1, 2, 3]);
    expect(columnsToShow(head, rows, [true, true, false, false], [3, 1], 50)).toEqual([0, 1, 2]);
    expect(columnsToShow(head, rows, [true, true, false, false], [3, 1], 40)).toEqual([0, 2]);
    expect(columnsToShow(head, rows, [true, true, false, false], [3, 1])).toEqual([0, 1, 2, 3]);
  });

  it('says how many were left out', () => {
    const grid = renderGrid(head, rows, ['left', 'left', 'left', 'right'], false, {
      elidable: [true, true, false, false],
      optional: [3, 1],
      width: 40,
    });
    expect(grid.split('\n')).toEqual([
      ' HOST              | LAST SEEN',
      ' web-1.example.com | 2026-11-30 08:15:02',
      '(2 columns left out to fit 40 columns: --wide shows all)',
    ]);
  });
});
