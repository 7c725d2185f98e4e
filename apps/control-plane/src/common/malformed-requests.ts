import type { PackageDefinition } from '@grpc/proto-loader';
import { InvalidArgumentError } from './domain-errors';

const MALFORMED = Symbol('malformed request');

interface MethodDefinition {
  requestDeserialize?: (buf: Buffer) => unknown;
}

/**
 * grpc-js answers bytes it cannot decode with INTERNAL, as if the server were broken. Each
 * method's decoder is wrapped so such a request reaches the handler marked as malformed, and is
 * refused there as INVALID_ARGUMENT (see rejectMalformed): the client's mistake, said as such.
 */
export function tolerateMalformed(pkg: PackageDefinition): void {
  for (const service of Object.values(pkg)) {
    for (const method of Object.values(service as Record<string, MethodDefinition>)) {
      const decode = method?.requestDeserialize;
      if (typeof decode !== 'function') continue;
      method.requestDeserialize = (buf: Buffer) => {
        try {
          return decode(buf);
        } catch (e) {
          return { [MALFORMED]: e instanceof Error ? e.message : String(e) };
        }
      };
    }
  }
}

/** Throws INVALID_ARGUMENT for a request tolerateMalformed could not decode. */
export function rejectMalformed(req: unknown): void {
  const why = req && typeof req === 'object' ? (req as Record<symbol, string>)[MALFORMED] : undefined;
  if (why !== undefined) throw new InvalidArgumentError(`cannot deserialize the request: ${why}`);
}
