import type Database from 'better-sqlite3';

export const SQLITE = Symbol('SQLITE');
export type SqliteHandle = Database.Database;
