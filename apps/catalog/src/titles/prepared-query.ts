import { createHash } from 'node:crypto';
import type { PoolClient, QueryResultRow } from 'pg';
import { outsideUnrecordedTrace } from '@kinema/platform/telemetry';
import { QueryFailedError, type DataSource, type EntityManager } from 'typeorm';

/** Statements a connection keeps prepared at most. */
export const MAX_NAMED_STATEMENTS = 256;

/**
 * Runs the catalog's read queries as named (prepared) statements. Sent unnamed, every request
 * made PostgreSQL parse and plan its statement again, and planning a page query took longer
 * than running it; named, each connection parses a statement once and PostgreSQL may keep its
 * plan. pg's own `name` option does the work; TypeORM's `query` cannot pass it, so this runs the
 * statement on the pg client of a query runner (QueryRunner.connect() hands it over): the
 * transaction's, or one taken from the pool for this statement and given back after it.
 *
 * A name is a digest of the statement's text: every process of every replica gives a statement
 * the same name, and a name never stands for two texts (pg refuses that, and the PGlite server,
 * one session for every connection, relies on it; see libs/dev-infra's pglite-session.ts).
 * The texts are shapes (filters, sort, page size) rather than values, so they are few; past
 * MAX_NAMED_STATEMENTS a text runs unnamed, as before, so that what every connection keeps
 * prepared stays bounded whatever combinations clients ask for.
 */
export class PreparedQueries {
  private readonly names = new Map<string, string>();

  constructor(private readonly dataSource: DataSource) {}

  /**
   * The rows of `text` with `values`, on the transaction of `manager` when it has one.
   * `prepare: false` sends the statement unnamed, so it is planned for its values every time.
   */
  async rows<T extends QueryResultRow>(
    text: string,
    values: readonly unknown[],
    manager?: EntityManager,
    { prepare = true }: { prepare?: boolean } = {},
  ): Promise<T[]> {
    const name = prepare ? this.nameOf(text) : undefined;
    const config = { ...(name ? { name } : {}), text, values: [...values] };
    const borrowed = manager?.queryRunner;
    // A read of a trace nobody keeps costs no span work (see outsideUnrecordedTrace).
    return outsideUnrecordedTrace(async () => {
      const runner = borrowed ?? this.dataSource.createQueryRunner();
      try {
        const client = (await runner.connect()) as PoolClient;
        return (await client.query<T>(config)).rows;
      } catch (error) {
        // The same error TypeORM raises, so callers and the error mapping see one shape.
        throw error instanceof QueryFailedError
          ? error
          : new QueryFailedError(text, config.values, error as Error);
      } finally {
        if (!borrowed) await runner.release();
      }
    });
  }

  private nameOf(text: string): string | undefined {
    let name = this.names.get(text);
    if (name === undefined && this.names.size < MAX_NAMED_STATEMENTS) {
      name = `kinema_${createHash('sha256').update(text).digest('base64url').slice(0, 27)}`;
      this.names.set(text, name);
    }
    return name;
  }
}
