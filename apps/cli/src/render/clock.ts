import { spanSeconds } from '../time-window';
import { humanSeconds } from './human';

/**
 * Times in tables and titles: the reader's local time with its zone shown ("2026-11-30 08:15:02
 * UTC+01:00"), or UTC with --utc. CSV and JSON keep ISO 8601 UTC (formatTime): programs read those.
 * The zone is an offset, not an abbreviation: "CST" names three zones, "UTC+08:00" one offset.
 */

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

interface Parts {
  date: string;
  time: string;
  zone: string;
}

/** Minutes ahead of UTC at @unixMs (summer time included): of @timeZone, else of this process (TZ). */
function offsetMinutes(unixMs: number, timeZone?: string): number {
  // getTimezoneOffset is minutes behind UTC: UTC+01:00 is -60.
  if (!timeZone) return -new Date(unixMs).getTimezoneOffset();
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(unixMs)
    .find((p) => p.type === 'timeZoneName')?.value;
  const m = /GMT([+-])(\d\d):(\d\d)/.exec(name ?? '');
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

/** Where times are shown: UTC (--utc), an IANA zone (tests), or this process' local time. */
export type Zone = boolean | { timeZone: string };

function parts(unixMs: number, zone: Zone): Parts {
  const offset = zone === true ? 0 : offsetMinutes(unixMs, zone === false ? undefined : zone.timeZone);
  const at = new Date(unixMs + offset * 60_000); // its UTC fields are the local wall clock
  const sign = offset < 0 ? '-' : '+';
  return {
    date: `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())}`,
    time: `${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())}`,
    // A zero offset is UTC's clock, whatever the zone's name.
    zone: offset === 0 ? 'UTC' : `UTC${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`,
  };
}

/** "2026-11-30 08:15:02 UTC+01:00", or '-' for no time (0). */
export function displayTime(unixMs: number | string, utc: Zone): string {
  const n = Number(unixMs);
  if (!(n > 0)) return '-';
  const p = parts(n, utc);
  return `${p.date} ${p.time} ${p.zone}`;
}

/** "2026-11-30 08:15:02" without the zone: table cells, whose header names it once. */
export function displayClock(unixMs: number | string, utc: Zone): string {
  const n = Number(unixMs);
  if (!(n > 0)) return '-';
  const p = parts(n, utc);
  return `${p.date} ${p.time}`;
}

/** The zone of times shown now ("UTC+01:00", "UTC"), for column headers and chart axes. */
export function zoneName(utc: Zone, at = Date.now()): string {
  return parts(at, utc).zone;
}

/**
 * "2026-11-30 08:15:02 – 08:16:02 UTC+01:00 (60.0 s)": what an answer covers; the end's date only
 * when it differs, the zone once unless a DST change lies in between.
 */
export function displaySpan(first: string, last: string, utc: Zone): string {
  const a = parts(Number(first), utc);
  const b = parts(Number(last), utc);
  const seconds = humanSeconds(spanSeconds(first, last));
  const end = `${b.date === a.date ? '' : `${b.date} `}${b.time}`;
  const start = `${a.date} ${a.time}`;
  const range = a.zone === b.zone ? `${start} – ${end} ${a.zone}` : `${start} ${a.zone} – ${end} ${b.zone}`;
  return `${range} (${seconds})`;
}
