import { loadSync } from '@grpc/proto-loader';
import { DiffRequest, GroupBy, PROTO_DIR, PROTO_FILES } from '@syscall-counter/proto';
import { join } from 'node:path';
import { InvalidArgumentError } from '../common/domain-errors';
import { diffKeyOf, groupByOf, topKeyOf } from './group-by';

// What the server's handler receives: bytes a ts-proto client encoded, decoded the way the
// control plane's loader options decode them (grpc-options.ts: enums as strings, defaults on).
const definition = loadSync(
  PROTO_FILES.map((f) => join(PROTO_DIR, f)),
  { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true, includeDirs: [PROTO_DIR] },
);
const diffMethod = (
  definition['syscall_counter.v1.QueryService'] as Record<string, { requestDeserialize(b: Buffer): DiffRequest }>
).Diff;
const received = (req: DiffRequest) => diffMethod.requestDeserialize(Buffer.from(DiffRequest.encode(req).finish()));

describe('GroupBy from the wire', () => {
  it('a Diff without `by` reaches the server as UNSPECIFIED and means by syscall', () => {
    const req = received(DiffRequest.fromPartial({}));
    expect(req.by).toBe('GROUP_BY_UNSPECIFIED');
    expect(diffKeyOf(req.by)).toBe('syscall');
  });

  it('enum names reach the server as names', () => {
    expect(received(DiffRequest.fromPartial({ by: GroupBy.GROUP_BY_PROCESS })).by).toBe('GROUP_BY_PROCESS');
    expect(diffKeyOf(received(DiffRequest.fromPartial({ by: GroupBy.GROUP_BY_CONTAINER })).by)).toBe('containerKey');
  });

  it('the query bench bug: a number (or undefined) given to a ts-proto client is sent as -1', () => {
    // ts-proto is generated with stringEnums: its encoder maps anything that is not one of the
    // enum's names to -1, so `by: 0` and `by: 1` alike arrived as -1 ("cannot diff by -1").
    for (const by of [0, 1, undefined]) {
      const req = received({ ...DiffRequest.fromPartial({}), by: by as unknown as GroupBy });
      expect(req.by).toBe(-1);
      expect(() => diffKeyOf(req.by)).toThrow(
        new InvalidArgumentError(
          'diff by: -1 is not a GroupBy (one of 0 GROUP_BY_UNSPECIFIED, 1 GROUP_BY_SYSCALL, 2 GROUP_BY_HOST, ' +
            '3 GROUP_BY_RUN, 4 GROUP_BY_PROCESS, 5 GROUP_BY_CONTAINER, 6 GROUP_BY_ERRNO)',
        ),
      );
    }
  });

  it('known numbers and names map alike; a grouping a query cannot use is INVALID_ARGUMENT', () => {
    expect(groupByOf(4, 'top by')).toBe(GroupBy.GROUP_BY_PROCESS);
    expect(topKeyOf(0)).toBe('syscall');
    expect(topKeyOf('GROUP_BY_ERRNO')).toBe('errno');
    expect(() => diffKeyOf(GroupBy.GROUP_BY_HOST)).toThrow(InvalidArgumentError);
    expect(() => topKeyOf('GROUP_BY_NOTHING')).toThrow(InvalidArgumentError);
  });
});
