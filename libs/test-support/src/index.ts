// Shared by the end-to-end tests of every project; only test files may import it.
export * from './agent';
export * from './certificates';
export * from './cgroups';
export * from './cli';
export * from './control-plane';
export * from './csv';
export * from './grpc-clients';
export * from './paths';
export * from './ports';
export * from './postgres';
export * from './processes';
export * from './metrics';
export * from './seccomp';
export * from './agent-metrics';
