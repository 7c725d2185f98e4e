import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { CliError, ioReason, usageError } from '../errors';
import { Size, svgToPng } from './charts';

/** FILE.svg, FILE.png, or FILE without an extension for both; checked before any work is done. */
export function plotFiles(out: string): { svg?: string; png?: string } {
  const ext = extname(out).toLowerCase();
  if (ext === '.svg') return { svg: out };
  if (ext === '.png') return { png: out };
  if (ext === '') return { svg: `${out}.svg`, png: `${out}.png` };
  throw usageError(`cannot write a plot as '${ext}': name the file .svg or .png, or give no extension for both`);
}

/** Writes the chart as the files @out names and says so on stdout. */
export function writePlot(out: string, svg: string, size: Size): void {
  const files = plotFiles(out);
  try {
    if (files.svg) writeFileSync(files.svg, svg);
    if (files.png) writeFileSync(files.png, svgToPng(svg));
  } catch (e) {
    throw new CliError(`cannot write ${out}: ${ioReason(e)}`);
  }
  for (const f of [files.svg, files.png]) if (f) process.stdout.write(`wrote ${f} (${size.width}x${size.height})\n`);
}
