/**
 * PostgreSQL errors at start that no retry can fix: the server answered, and said no. TypeORM's
 * module retries every connection error (9 tries, 3 s apart, a stack trace each); for these the
 * replica says why in one line and exits 1 at once. A server that is not up yet (ECONNREFUSED,
 * 57P03 "the database system is starting up") is still retried.
 */
const PERMANENT = new Set([
  '28000', // invalid_authorization_specification: no pg_hba.conf entry, role not allowed
  '28P01', // invalid_password
  '3D000', // invalid_catalog_name: the database does not exist
  '42501', // insufficient_privilege: e.g. "permission denied for schema public" (the role must own the database)
]);

export function retryableAtStart(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return !(typeof code === 'string' && PERMANENT.has(code));
}
