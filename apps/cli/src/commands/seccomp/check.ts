import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { CliError, ioReason, usageError } from '../../errors';
import { useColor } from '../../options/color';
import { withUtc } from '../../options/format';
import { displayTime } from '../../render/clock';
import { renderGrid } from '../../render/grid';
import { renderJson } from '../../render/json';
import { ObservedCall, reportUnknown } from './observed';
import { Allowed, allows, readProfile } from './read-profile';
import { observe, SourceOpts } from './source';

type CheckFormat = 'table' | 'json';

const HELP = `
Lists the syscalls observed in the scope that PROFILE does not allow, with their count, hosts
and first/last seen. Exit status 1 when there are any, 0 when there are none. PROFILE is one
seccomp wrote (docker, oci or spo) or any moby/OCI JSON profile.

Examples:
  $ syscall-counter seccomp check app.json -- ./app --selftest`;

function loadProfile(path: string): Allowed {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${path}: ${ioReason(e)}`);
  }
  try {
    return readProfile(text);
  } catch (e) {
    throw new CliError(`${path} is not a seccomp profile: ${(e as Error).message}`);
  }
}

function renderDrift(rows: ObservedCall[], format: CheckFormat, color: boolean, utc: boolean): string {
  if (format === 'json') return renderJson({ notAllowed: rows });
  if (!rows.length) return 'Every syscall observed is allowed by the profile.\n';
  const head = ['SYSCALL', 'ABI', 'COUNT', 'HOSTS', 'FIRST SEEN', 'LAST SEEN'];
  // JSON keeps ISO 8601 UTC for programs; the table shows local time with its zone, as every table does.
  const at = (iso: string) => displayTime(Date.parse(iso), utc);
  const cells = rows.map((r) => [r.name, r.abi, String(r.count), r.hosts.join(','), at(r.firstSeen), at(r.lastSeen)]);
  return renderGrid(head, cells, ['left', 'left', 'right', 'left', 'left', 'left'], color) + '\n';
}

export function checkCommand(): Command {
  return withUtc(new Command('check'))
    .description('drift: the syscalls a workload made that a profile does not allow (exit 1 when any)')
    .argument('<profile>', 'the seccomp profile file')
    .argument('[command...]', 'run this command under the agent, its children included (put it after --)')
    .addHelpText('after', HELP)
    .action(async (profilePath: string, command: string[], _opts: unknown, self: Command) => {
      // --format and the sources belong to seccomp (see there): the program parses options anywhere.
      const opts = self.optsWithGlobals() as SourceOpts & { format?: string; utc?: boolean };
      const format = (opts.format ?? 'table') as CheckFormat;
      if (format !== 'table' && format !== 'json') {
        throw usageError(`seccomp check: --format ${format}: expected table or json`);
      }
      const profile = loadProfile(profilePath);
      const obs = await observe(opts, command, 'seccomp check');
      reportUnknown(obs);
      const drift = obs.calls
        .filter((c) => !allows(profile, c.abi, c.name))
        .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
      process.stdout.write(renderDrift(drift, format, useColor(self), !!opts.utc));
      if (drift.length) {
        const n = drift.length;
        throw new CliError(`${n} syscall${n === 1 ? '' : 's'} observed that ${profilePath} does not allow`);
      }
    });
}
