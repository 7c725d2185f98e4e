import { join } from 'node:path';

export * from './generated/syscall_counter/v1/collector';
export * from './generated/syscall_counter/v1/query';

/** Where the .proto files are, for servers that load them at run time (NestJS). */
export const PROTO_DIR = join(__dirname, '..');
export const PROTO_PACKAGE = 'syscall_counter.v1';
export const PROTO_FILES = ['syscall_counter/v1/collector.proto', 'syscall_counter/v1/query.proto'];
