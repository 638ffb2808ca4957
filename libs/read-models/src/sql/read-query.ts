import { DataSource } from 'typeorm';

/** Runs one read of a read model. */
export type ReadQuery = <T>(sql: string, params?: unknown[]) => Promise<T[]>;

/** Reads over `db`; before the projector's first start its tables do not exist, which reads as empty. */
export function readQuery(db: DataSource): ReadQuery {
  return async <T>(sql: string, params: unknown[] = []): Promise<T[]> => {
    try {
      return (await db.query(sql, params)) as T[];
    } catch (error) {
      if ((error as { code?: string }).code === '42P01') return [];
      throw error;
    }
  };
}
