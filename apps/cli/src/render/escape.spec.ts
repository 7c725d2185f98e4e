import { csvSafe, printable } from './escape';

describe('printable', () => {
  it('shows controls and bidi overrides as escapes', () => {
    expect(printable('web\u001b[2J-1\u0085\u202eevil\n')).toBe('web\\x1b[2J-1\\x85\\u202eevil\\x0a');
    expect(printable('plain host-1 ünïcode')).toBe('plain host-1 ünïcode');
  });

  it('keeps the colour sequences the CLI writes when colour is on, and nothing else', () => {
    expect(printable('\u001b[31m+5\u001b[39m', true)).toBe('\u001b[31m+5\u001b[39m');
    expect(printable('\u001b[2J\u0007', true)).toBe('\\x1b[2J\\x07');
  });
});

describe('csvSafe', () => {
  it.each([
    ['=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'],
    ['+cmd', "'+cmd"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['-50.7', '-50.7'],
    ['+12.5%', '+12.5%'],
    ['-3e5', '-3e5'],
    ['web-1', 'web-1'],
  ])('%s -> %s', (cell, safe) => expect(csvSafe(cell)).toBe(safe));
});
