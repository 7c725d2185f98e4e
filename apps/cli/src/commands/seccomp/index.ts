import { Command, Option } from 'commander';
import { usageError } from '../../errors';
import { emit, ExportOpts } from '../export/emit';
import { checkCommand } from './check';
import { reportUnknown } from './observed';
import { DefaultAction, ProfileFormat, renderProfile, resourceName, seccompObject } from './profile';
import { observe, SourceOpts, withSource } from './source';

const FORMATS: ProfileFormat[] = ['docker', 'oci', 'spo'];

interface SeccompOpts extends SourceOpts {
  format?: string;
  defaultAction: DefaultAction;
  out?: string;
  name?: string;
}

const HELP = `
The profile allows exactly the syscalls observed, sorted, each name once; everything else gets
--default-action (errno: EPERM). Native calls are named from the host's table; 32-bit (i386)
calls from the i386 table, and SCMP_ARCH_X86 is listed only when there were some. x32 calls
are counted under their x86_64 numbers (the kernel program strips the x32 bit). A number no
table names is reported on stderr and left out.

Formats: docker (moby's JSON), oci (the runtime spec's linux.seccomp object), spo (a
security-profiles-operator SeccompProfile resource, YAML).

Examples:
  $ syscall-counter seccomp -- ./app --selftest                  # moby JSON on stdout
  $ syscall-counter seccomp --format spo --out app.yaml -- ./app
  $ syscall-counter seccomp --default-action kill --out app.json -- ./app
  $ syscall-counter seccomp check app.json -- ./app --other-path  # what it calls outside app.json`;

/** The profile's text, from what the source (a command, or a history scope) called. */
async function profileOf(command: string[], opts: SeccompOpts): Promise<string> {
  const format = (opts.format ?? 'docker') as ProfileFormat;
  if (!FORMATS.includes(format)) {
    // -o was the output file here once; everywhere else it is the format (issue 13).
    const file = /[./]/.test(format) ? `; a file is --out ${format}` : '';
    throw usageError(`seccomp: --format ${format}: expected docker, oci or spo${file}`);
  }
  const obs = await observe(opts, command, 'seccomp');
  reportUnknown(obs);
  const obj = seccompObject(obs.arch, obs.calls, opts.defaultAction);
  return renderProfile(obj, format, resourceName(opts.name ?? command[0] ?? opts.container ?? opts.comm ?? ''));
}

export function seccompCommand(): Command {
  const cmd = new Command('seccomp')
    .description('a seccomp profile allowing exactly the syscalls a workload makes; check: drift against one')
    .argument('[command...]', 'run this command under the agent, its children included (put it after --)')
    // One --format for both: the program parses options wherever they are, so check cannot have its own.
    .option('-o, --format <format>', 'profile format: docker (default), oci, spo; with check: table (default), json')
    .addOption(
      new Option('--default-action <action>', 'what other syscalls get')
        .choices(['errno', 'kill', 'log', 'trap'])
        .default('errno'),
    )
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--name <name>', 'with --format spo: the resource name (default: from the command or scope)');
  return withSource(cmd)
    .addHelpText('after', HELP)
    .addCommand(checkCommand())
    .action(async (command: string[], opts: SeccompOpts) => {
      // The same writer as export (it looks at --out only): atomic, never a half-written profile.
      await emit({ out: opts.out } as ExportOpts, () => profileOf(command, opts));
    });
}
