export { Arch, ARCHES, errnoName, parseArch, syscallName, syscallNumber, listSyscalls, isKnown } from './syscall-table';
