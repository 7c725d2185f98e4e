export {
  Arch,
  ARCHES,
  SYSCALL_NR_OTHER,
  errnoName,
  parseArch,
  syscallName,
  syscallNumber,
  listSyscalls,
  isKnown,
} from './syscall-table';
