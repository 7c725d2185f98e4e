import { Command } from 'commander';
import { renameSync, writeFileSync } from 'node:fs';
import { CliError, ioReason } from '../../errors';
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

/** Fetches, renders, writes: to stdout, or atomically to --out with progress on a TTY. */
export async function emit(opts: ExportOpts, produce: () => Promise<string>): Promise<void> {
  const bar = opts.out ? progressBar('Exporting', 2) : undefined;
  const text = await produce();
  bar?.update(1);
  if (!opts.out) {
    process.stdout.write(text);
    return;
  }
  const tmp = `${opts.out}.part`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, opts.out);
  } catch (e) {
    throw new CliError(`cannot write ${opts.out}: ${ioReason(e)}`);
  } finally {
    bar?.update(2);
    bar?.stop();
  }
  process.stderr.write(`wrote ${opts.out} (${text.length} bytes)\n`);
}
