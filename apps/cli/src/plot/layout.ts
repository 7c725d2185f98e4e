import type { Size } from './charts';

/**
 * Where a chart's parts go so that nothing overprints: the title wrapped to the image's width (a
 * title names every filter and can be long), the plot area below it and below the value axis'
 * name, smaller type on small images. Text widths are estimates: DejaVu Sans averages about 0.6 em.
 */
export interface Layout {
  /** The title with '\n' where it wraps. */
  title: string;
  titleSize: number;
  /** Axis labels and names. */
  labelSize: number;
  /** The plot area's top: under the title and the axis name above it. */
  top: number;
  /** How many ticks the time or value axis may have without labels touching. */
  ticks: number;
}

const EM = 0.6;
const MARGIN = 10;

/** @text broken at ', ' or spaces into lines of at most @chars characters (a longer word gets a line of its own). */
export function wrapText(text: string, chars: number): string[] {
  const words = text.split(' ');
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && line.length + 1 + w.length > chars) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines;
}

export function layoutFor(title: string, size: Size): Layout {
  const small = size.width < 600 || size.height < 300;
  const titleSize = small ? 11 : 14;
  const labelSize = small ? 9 : 12;
  const chars = Math.max(10, Math.floor((size.width - 2 * MARGIN) / (titleSize * EM)));
  const lines = wrapText(title, chars);
  const titleBottom = MARGIN + lines.length * Math.ceil(titleSize * 1.3);
  // The value axis' name sits above the plot area: a line of its own under the title.
  const top = titleBottom + Math.ceil(labelSize * 1.3) + 12;
  // A time label like "08:15" or "Nov 30" takes about 6 characters; keep two characters between labels.
  const ticks = Math.max(2, Math.floor(size.width / (labelSize * EM * 8 + 2 * labelSize)));
  return { title: lines.join('\n'), titleSize, labelSize, top, ticks };
}
