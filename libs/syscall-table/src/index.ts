export { Arch, ARCHES, parseArch, syscallName, syscallNumber, listSyscalls, isKnown } from './syscall-table';
