import type { DataSource } from 'typeorm';
import { MAX_NAMED_STATEMENTS, PreparedQueries } from './prepared-query';

/**
 * A data source whose query runners hand out one client that records the query configs it is
 * sent, and count the runners given back.
 */
function recordingDataSource(): {
  dataSource: DataSource;
  sent: Array<{ name?: string; text: string }>;
  released: () => number;
} {
  const sent: Array<{ name?: string; text: string }> = [];
  let released = 0;
  const client = {
    query: async (config: { name?: string; text: string }) => {
      sent.push(config);
      return { rows: [] };
    },
  };
  const createQueryRunner = () => ({
    connect: async () => client,
    release: async () => {
      released++;
    },
  });
  return {
    dataSource: { createQueryRunner } as unknown as DataSource,
    sent,
    released: () => released,
  };
}

describe('PreparedQueries', () => {
  it('names a statement by its text, the same in every process', async () => {
    const first = recordingDataSource();
    const second = recordingDataSource();
    await new PreparedQueries(first.dataSource).rows('SELECT $1::int', [1]);
    await new PreparedQueries(first.dataSource).rows('SELECT $1::text', ['a']);
    await new PreparedQueries(second.dataSource).rows('SELECT $1::int', [2]);
    const [int, text] = first.sent;
    expect(int?.name).toMatch(/^kinema_[\w-]+$/);
    expect(int?.name?.length).toBeLessThan(64);
    expect(second.sent[0]?.name).toBe(int?.name);
    expect(text?.name).not.toBe(int?.name);
    // Each statement outside a transaction gives its pooled client back.
    expect(first.released()).toBe(2);
  });

  it(`runs texts past the first ${MAX_NAMED_STATEMENTS} unnamed, so prepared statements stay bounded`, async () => {
    const { dataSource, sent } = recordingDataSource();
    const queries = new PreparedQueries(dataSource);
    for (let n = 0; n <= MAX_NAMED_STATEMENTS; n++) await queries.rows(`SELECT ${n}`, []);
    await queries.rows('SELECT 0', []);
    expect(sent.filter((config) => config.name !== undefined)).toHaveLength(
      MAX_NAMED_STATEMENTS + 1,
    );
    expect(sent[MAX_NAMED_STATEMENTS]?.name).toBeUndefined();
  });
});
