// The kit's gRPC clients, under the name the control plane's specs import them by.
export {
  auth,
  CollectSession,
  collector,
  hello,
  queries,
  rawCollect,
  snapshot,
  unary,
} from '@syscall-counter/test-support';
