import { extname } from 'node:path';
import { usageError } from '../errors';
import { checkOutName, writeOutput } from '../output-file';
import { Size, svgToPng } from './charts';

/** FILE.svg, FILE.png, or FILE without an extension for both; checked before any work is done. */
export function plotFiles(out: string): { svg?: string; png?: string } {
  checkOutName(out);
  const ext = extname(out).toLowerCase();
  if (ext === '.svg') return { svg: out };
  if (ext === '.png') return { png: out };
  if (ext === '') return { svg: `${out}.svg`, png: `${out}.png` };
  throw usageError(`cannot write a plot as '${ext}': name the file .svg or .png, or give no extension for both`);
}

/** Writes the chart as the files @out names and says so on stdout. */
export function writePlot(out: string, svg: string, size: Size): void {
  const files = plotFiles(out);
  if (files.svg) writeOutput(files.svg, svg);
  if (files.png) writeOutput(files.png, svgToPng(svg));
  for (const f of [files.svg, files.png]) if (f) process.stdout.write(`wrote ${f} (${size.width}x${size.height})\n`);
}
