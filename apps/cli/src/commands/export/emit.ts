import { Command } from 'commander';
import { checkOutName, writeOutput } from '../../output-file';
import { ConnOpts, withConnection } from '../../options/connection';
import { FileFormat, withFileFormat } from '../../options/format';
import { progressBar } from '../../progress';

export interface ExportOpts extends ConnOpts {
  format: FileFormat;
  out?: string;
}

/** The options every export shares: where the control plane is, the file format and where to write. */
export function withExportOpts(cmd: Command): Command {
  return withFileFormat(withConnection(cmd)).option('--out <file>', 'write to this file instead of stdout');
}

/** Fetches, renders, writes: to stdout, or to --out (see writeOutput) with progress on a TTY. */
export async function emit(opts: ExportOpts, produce: () => Promise<string>): Promise<void> {
  checkOutName(opts.out);
  const bar = opts.out ? progressBar('Exporting', 2) : undefined;
  const text = await produce();
  bar?.update(1);
  if (!opts.out) {
    process.stdout.write(text);
    return;
  }
  try {
    writeOutput(opts.out, text);
  } finally {
    bar?.update(2);
    bar?.stop();
  }
  process.stderr.write(`wrote ${opts.out} (${text.length} bytes)\n`);
}
