/**
 * Group commit for token inserts (issue 11) and used-challenge marks (issue 10). Every token
 * request ends in an insert, and under load one committed statement per request is what the
 * database spends its time on. Inserts
 * that arrive in the same turn of the event loop (while earlier batches were being written,
 * typically a few hundred microseconds' worth), at most MAX_BATCH of them, are written as one
 * multi-row INSERT, itself one transaction. Each caller's promise settles only after that
 * statement committed, so a process that dies after answering has lost nothing it answered.
 * When idle, a lone insert waits for nothing but the current turn to end.
 *
 * One bad row must not fail its neighbours: if the database refused a row of the batch (a
 * constraint: the client was deleted meanwhile, a duplicate), each caller's rows are written
 * again on their own, and each caller gets its own outcome. Any other failure (the database
 * unreachable or silent, a timeout) fails every caller at once: writing them again one by one
 * would only make each wait for the same timeout a second time.
 */

/** At most this many callers' rows in one statement. */
export const MAX_BATCH = 64;

interface Waiting<T> {
  rows: T[];
  resolve(): void;
  reject(err: unknown): void;
}

export class GroupCommit<T> {
  private waiting: Waiting<T>[] = [];
  private scheduled = false;

  constructor(
    /** Writes rows in one statement; rejects if any row is refused. */
    private readonly write: (rows: T[]) => Promise<void>,
    /** True when `write` failed because the database refused a row, not because it failed. */
    private readonly refusedRow: (err: unknown) => boolean,
    /** Callers per batch written (the batch-size metric). */
    private readonly onBatch: (callers: number) => void = () => undefined,
  ) {}

  /** Resolves once `rows` are committed. */
  add(rows: T[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ rows, resolve, reject });
      if (this.waiting.length >= MAX_BATCH) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, MAX_BATCH);
      this.onBatch(batch.length);
      void this.commit(batch);
    }
  }

  private async commit(batch: Waiting<T>[]): Promise<void> {
    if (batch.length === 1) {
      const [only] = batch;
      if (only) await this.write(only.rows).then(only.resolve, only.reject);
      return;
    }
    try {
      await this.write(batch.flatMap((w) => w.rows));
      for (const w of batch) w.resolve();
    } catch (err) {
      if (!this.refusedRow(err)) {
        for (const w of batch) w.reject(err);
        return;
      }
      // Whose rows were refused is found by writing each alone; the batch statement wrote nothing.
      await Promise.all(batch.map((w) => this.write(w.rows).then(w.resolve, w.reject)));
    }
  }
}
