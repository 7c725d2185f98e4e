import { PLAIN_DISPLAY as PLAIN } from '../options/format';
import { renderErrors } from './errors-table';
import { renderLatency } from './latency-table';
import { renderSummary } from './summary-table';
import { renderTop } from './top-table';

// Titles above tables name hosts, runs and containers from the server: as inert as the cells.
const HOSTILE = 'host web\u001b[2J-1\u202eevil\u0085';
const SHOWN = 'host web\\x1b[2J-1\\u202eevil\\x85';

describe('titles above tables escape control and bidi characters', () => {
  it.each([
    ['top', (title: string) => renderTop({ title, seconds: 1, rows: [], top: 5, display: PLAIN })],
    [
      'top, in colour',
      (title: string) => renderTop({ title, seconds: 1, rows: [], top: 5, display: { ...PLAIN, color: true } }),
    ],
    ['summary', (title: string) => renderSummary([], { format: 'table', title, color: false })],
    ['latency', (title: string) => renderLatency([], { format: 'table', top: 5, title, display: PLAIN })],
    ['errors', (title: string) => renderErrors([], 0, { format: 'table', top: 5, title, display: PLAIN })],
  ])('%s', (_, render) => {
    const out = render(HOSTILE);
    expect(out).toContain(SHOWN);
    expect(out).not.toMatch(/[\u0085\u202e]|\u001b\[2J/);
  });
});
