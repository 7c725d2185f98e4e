import { GroupBy } from '@syscall-counter/proto';
import { InvalidArgumentError } from '../common/domain-errors';
import type { Key } from './scope-window';

/** Proto3 enum values as they may reach a handler: the name (proto-loader enums: String) or the number. */
type WireEnum = GroupBy | string | number | undefined | null;

const NAMES: string[] = Object.values(GroupBy).filter((v) => v !== GroupBy.UNRECOGNIZED);

/**
 * The GroupBy a request carries. proto-loader gives known values as their names, values the
 * .proto does not define as bare numbers (ts-proto clients send -1 for anything that is not one
 * of the enum's names); an absent field is UNSPECIFIED, the default.
 */
export function groupByOf(value: WireEnum, what: string): GroupBy {
  if (value === undefined || value === null || value === '') return GroupBy.GROUP_BY_UNSPECIFIED;
  const name = typeof value === 'number' ? NAMES[value] : value;
  if (typeof name === 'string' && NAMES.includes(name)) return name as GroupBy;
  throw new InvalidArgumentError(
    `${what}: ${JSON.stringify(value)} is not a GroupBy (one of ${NAMES.map((n, i) => `${i} ${n}`).join(', ')})`,
  );
}

const TOP_KEYS: Partial<Record<GroupBy, Key>> = {
  [GroupBy.GROUP_BY_UNSPECIFIED]: 'syscall',
  [GroupBy.GROUP_BY_SYSCALL]: 'syscall',
  [GroupBy.GROUP_BY_HOST]: 'host',
  [GroupBy.GROUP_BY_RUN]: 'run',
  [GroupBy.GROUP_BY_PROCESS]: 'process',
  [GroupBy.GROUP_BY_CONTAINER]: 'container',
  [GroupBy.GROUP_BY_ERRNO]: 'errno',
};

/** Diffs key detail rows by name: pids and cgroup paths do not carry across runs and days. */
const DIFF_KEYS: Partial<Record<GroupBy, Key>> = {
  [GroupBy.GROUP_BY_UNSPECIFIED]: 'syscall',
  [GroupBy.GROUP_BY_SYSCALL]: 'syscall',
  [GroupBy.GROUP_BY_PROCESS]: 'comm',
  [GroupBy.GROUP_BY_CONTAINER]: 'containerKey',
};

export function topKeyOf(by: WireEnum): Key {
  const g = groupByOf(by, 'top by');
  const key = TOP_KEYS[g];
  if (!key) throw new InvalidArgumentError(`cannot group by ${g}`);
  return key;
}

export function diffKeyOf(by: WireEnum): Key {
  const g = groupByOf(by, 'diff by');
  const key = DIFF_KEYS[g];
  if (!key) throw new InvalidArgumentError(`cannot diff by ${g}: a diff groups by syscall, process or container`);
  return key;
}
