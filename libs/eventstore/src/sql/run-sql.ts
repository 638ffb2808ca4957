import type { EntityManager } from 'typeorm';

export interface SqlResult<Row> {
  rows: Row[];
  rowCount: number;
}

/**
 * Runs raw SQL on the connection of `em` (the caller's transaction when `em` came from
 * `dataSource.transaction`). Goes through the QueryRunner's structured result because
 * `EntityManager.query` returns `[rows, count]` for UPDATE/DELETE but plain rows otherwise.
 */
export async function runSql<Row = Record<string, unknown>>(
  em: EntityManager,
  text: string,
  params: unknown[] = [],
): Promise<SqlResult<Row>> {
  const own = em.queryRunner === undefined;
  const runner = em.queryRunner ?? em.connection.createQueryRunner();
  try {
    const result = await runner.query(text, params, true);
    return { rows: (result.records ?? []) as Row[], rowCount: result.affected ?? 0 };
  } finally {
    if (own) await runner.release();
  }
}
