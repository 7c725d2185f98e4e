import type { Snapshot } from '@syscall-counter/proto';
import { InvalidArgumentError } from '../common/domain-errors';

/** One of the agent's BPF programs: its kernel run-time statistics, cumulative over the run. */
export interface BpfProgramRow {
  program: string;
  runTimeNs: bigint;
  runCount: bigint;
}

const MAX_PROGRAMS = 32;
const MAX_INT64 = 2n ** 63n - 1n;

function uint64(text: string, what: string): bigint {
  if (!/^\d{1,20}$/.test(text) || BigInt(text) > MAX_INT64)
    throw new InvalidArgumentError(`${what}: '${text}' is not a count below 2^63`);
  return BigInt(text);
}

/** A snapshot's BPF program statistics (field 12), checked: names as the kernel allows, each once. */
export function validateBpfPrograms(s: Snapshot): BpfProgramRow[] {
  const rows = s.bpfPrograms ?? [];
  if (rows.length > MAX_PROGRAMS)
    throw new InvalidArgumentError(`${rows.length} BPF programs: at most ${MAX_PROGRAMS}`);
  const seen = new Set<string>();
  return rows.map((p) => {
    if (!/^[A-Za-z0-9_.]{1,64}$/.test(p.program))
      throw new InvalidArgumentError(`BPF program name '${p.program.slice(0, 80)}' is not 1-64 of [A-Za-z0-9_.]`);
    if (seen.has(p.program)) throw new InvalidArgumentError(`BPF program '${p.program}' appears twice`);
    seen.add(p.program);
    return {
      program: p.program,
      runTimeNs: uint64(p.runTimeNs, `BPF program ${p.program} run_time_ns`),
      runCount: uint64(p.runCount, `BPF program ${p.program} run_count`),
    };
  });
}
