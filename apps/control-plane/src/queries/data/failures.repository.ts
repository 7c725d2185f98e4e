import { Injectable } from '@nestjs/common';
import type { Key } from '../scope-window';
import { KeyColumns, plainKey, RowSource } from './snapshot-sql';

/** Failed calls (runs streamed with agent --errors): failure_deltas per (snapshot, nr, errno). */
@Injectable()
export class FailuresRepository {
  /** errno_code 0 rows hold every failure of a syscall; the others split them by errno. */
  rows(key: Key, nr?: number): RowSource {
    const where = [key === 'errno' ? 'x.errno_code > 0' : 'x.errno_code = 0'];
    const params: unknown[] = [];
    if (nr !== undefined) {
      where.push('x.nr = ?');
      params.push(nr);
    }
    return { join: 'JOIN failure_deltas x ON x.snap_key = s.snap_key', col: 'x', where, params };
  }

  /** Keys only the failures have: the errno. */
  keyColumns(key: Key): KeyColumns | undefined {
    return key === 'errno' ? plainKey('x.errno_code') : undefined;
  }
}
