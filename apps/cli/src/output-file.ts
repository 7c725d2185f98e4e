import { randomBytes } from 'node:crypto';
import { closeSync, lstatSync, openSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CliError, ioReason, usageError } from './errors';

/** --out '' is a mistake (an unset variable), not "stdout" or a file named ''. */
export function checkOutName(out: string | undefined, flag = '--out'): void {
  if (out !== undefined && out.trim() === '') throw usageError(`${flag} needs a file name`);
}

function writeAll(fd: number, data: string | Buffer): void {
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  for (let off = 0; off < buf.length;) off += writeSync(fd, buf, off, buf.length - off);
}

/** A regular file replaced whole: written beside it under a fresh name (never an existing one), then renamed. */
function replaceRegular(path: string, data: string | Buffer): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.part`);
  const fd = openSync(tmp, 'wx', 0o644);
  try {
    writeAll(fd, data);
    closeSync(fd);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Writes @data to @path, run as root or not, without replacing what is not a regular file:
 * a device or FIFO (/dev/stdout, /dev/full) is written directly; a symlink is written through
 * to its target (replaced there if regular); a directory or dangling link is an error.
 */
export function writeOutput(path: string, data: string | Buffer): void {
  checkOutName(path);
  try {
    let target = path;
    const link = lstatSync(path, { throwIfNoEntry: false });
    if (link?.isSymbolicLink()) {
      try {
        target = realpathSync(path);
      } catch {
        throw new CliError(`cannot write ${path}: it is a symlink to nothing (create its target first)`);
      }
    }
    const st = statSync(target, { throwIfNoEntry: false });
    if (st?.isDirectory()) throw new CliError(`cannot write ${path}: it is a directory`);
    if (st && !st.isFile()) {
      const fd = openSync(target, 'w');
      try {
        writeAll(fd, data);
      } finally {
        closeSync(fd);
      }
      return;
    }
    replaceRegular(target, data);
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`cannot write ${path}: ${ioReason(e)}`);
  }
}
