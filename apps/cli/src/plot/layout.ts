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
/** Bold titles run wider than the average. */
const BOLD_EM = 0.66;
const MARGIN = 10;
/** ECharts pads a title by 5 px on each side. */
const TITLE_PADDING = 5;

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
  const chars = Math.max(10, Math.floor((size.width - 2 * (MARGIN + TITLE_PADDING)) / (titleSize * BOLD_EM)));
  const lines = wrapText(title, chars);
  const titleBottom = MARGIN + 2 * TITLE_PADDING + lines.length * Math.ceil(titleSize * 1.3);
  // The value axis' name sits above the plot area (ECharts' nameGap, 15 px): a line of its own.
  const top = titleBottom + Math.ceil(labelSize * 1.3) + 20;
  // A tick label ("08:15", "1.2M") takes about 6 characters, and needs 3 em of air around it,
  // across a plot area about 120 px narrower than the image.
  const ticks = Math.max(2, Math.floor((size.width - 120) / (labelSize * EM * 6 + 3 * labelSize)));
  return { title: lines.join('\n'), titleSize, labelSize, top, ticks };
}
