/**
 * Multi-row INSERTs of the login and token hot paths, compiled by knex once per shape (table,
 * columns, row count) and then handed straight to a pooled connection: knex's query builder and
 * runner cost more CPU than the driver under the full-login benchmark (the compile alone ~25 µs
 * a statement, issue 10). The statement and its bindings are exactly what the builder sends for
 * the same rows (compiled by it, placeholders in its order), through knex's own client, so each
 * dialect's binding preparation, placeholder numbering, error message and the pool's checks
 * (storage/orm.ts) stay as they were.
 */
import type { Knex } from '@mikro-orm/knex';

interface Compiled {
  sql: string;
  /** For each placeholder, in order: which row and which column its value comes from. */
  slots: Array<{ row: number; column: string }>;
}

/** At most this many shapes are kept per table (batches of 1 to group-commit's MAX_BATCH rows, a few column lists). */
const MAX_SHAPES = 256;

/** The pieces of knex's client this uses; present on every dialect's client. */
interface KnexClient {
  acquireConnection(): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<unknown>;
  query(connection: unknown, query: { sql: string; bindings: unknown[]; method: string }): Promise<unknown>;
}

export class CompiledInsert {
  private readonly shapes = new Map<string, Compiled>();

  constructor(private readonly table: string) {}

  /**
   * Inserts `rows` (each with the same keys, none undefined) in one statement on a pooled
   * connection of `knex`; within a transaction, through the builder as before.
   */
  async run(knex: Knex, rows: Record<string, unknown>[]): Promise<void> {
    const [first] = rows;
    if (first === undefined) return;
    if (knex.isTransaction === true) {
      await knex(this.table).insert(rows);
      return;
    }
    const compiled = this.compile(knex, Object.keys(first), rows.length);
    const bindings = compiled.slots.map(({ row, column }) => rows[row]?.[column] ?? null);
    const client = knex.client as KnexClient;
    const connection = await client.acquireConnection();
    try {
      await client.query(connection, { sql: compiled.sql, bindings, method: 'insert' });
    } finally {
      await client.releaseConnection(connection);
    }
  }

  private compile(knex: Knex, columns: string[], rowCount: number): Compiled {
    const key = `${rowCount}\n${columns.join(',')}`;
    let compiled = this.shapes.get(key);
    if (compiled !== undefined) return compiled;
    // Each value a unique marker, so the builder's binding order tells which value goes where.
    const template = Array.from({ length: rowCount }, (_, row) => Object.fromEntries(columns.map((column) => [column, marker(row, column)])));
    const { sql, bindings } = knex(this.table).insert(template).toSQL();
    const slots = bindings.map((binding) => {
      const slot = typeof binding === 'string' ? slotOf(binding) : undefined;
      if (slot === undefined) throw new Error(`compiled insert into ${this.table}: unexpected binding ${String(binding)}`);
      return slot;
    });
    compiled = { sql, slots };
    if (this.shapes.size >= MAX_SHAPES) this.shapes.clear();
    this.shapes.set(key, compiled);
    return compiled;
  }
}

const MARK = '\u0001tessera-slot\u0001';

function marker(row: number, column: string): string {
  return `${MARK}${row}\u0001${column}`;
}

function slotOf(binding: string): { row: number; column: string } | undefined {
  if (!binding.startsWith(MARK)) return undefined;
  const rest = binding.slice(MARK.length);
  const split = rest.indexOf('\u0001');
  return split < 0 ? undefined : { row: Number(rest.slice(0, split)), column: rest.slice(split + 1) };
}
