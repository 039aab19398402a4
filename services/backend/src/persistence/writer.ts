// Durable writes. "group": every unit queued while transactions are in flight goes into the next one
// (group commit: one fsync for many orders, default synchronous_commit). Up to `maxInFlight` transactions run
// at once, so an order arriving during a commit does not wait for it to finish before its own commit starts.
// That is safe because every unit carries the full snapshot of each order it touches (so an event or fill
// never needs a row another open transaction is writing), snapshot upserts are guarded by a monotonic
// version, and rows are written in key order (no lock-order deadlocks; deadlocks would be retried anyway).
// "naive": one transaction per unit — the baseline the benchmark compares against. Either way a caller's
// promise resolves only after COMMIT returned, so nothing is acknowledged before it is durable.
import type pg from "pg";
import type { Logger } from "pino";
import type { Metrics } from "../metrics/index.js";
import { WriteUnit } from "./rows.js";
import { writeUnit } from "./sql.js";

interface Queued {
  unit: WriteUnit;
  resolve: () => void;
  reject: (e: Error) => void;
}

export type PersistMode = "group" | "naive";

export class PersistenceWriter {
  private queue: Queued[] = [];
  private inFlight = 0;
  private kickScheduled = false;
  private stopped = false;
  lastBatchSize = 0;
  lastFlushMs: number | null = null;

  constructor(
    private readonly pool: pg.Pool,
    readonly mode: PersistMode,
    private readonly maxBatch: number,
    private readonly log: Logger,
    private readonly metrics: Metrics,
    private readonly maxInFlight = 1,
  ) {}

  get queueDepth(): number {
    return this.queue.length;
  }

  /** Resolves once the unit is committed. */
  commit(unit: WriteUnit): Promise<void> {
    if (this.stopped) return Promise.reject(new Error("persistence writer stopped"));
    if (unit.size === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const q = { unit, resolve, reject };
      if (this.mode === "naive") {
        void this.runTransaction([q]);
        return;
      }
      this.queue.push(q);
      this.scheduleKick();
    });
  }

  // Units committed in the same event-loop turn (one engine ReportBatch acknowledges many orders at once)
  // start together in one transaction: kicking synchronously put the first unit of a turn in a transaction of
  // its own and spread the rest over the other in-flight slots (mean batch ~1.2, one fsync per order).
  private scheduleKick(): void {
    if (this.kickScheduled) return;
    this.kickScheduled = true;
    setImmediate(() => {
      this.kickScheduled = false;
      this.kick();
    });
  }

  private kick(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      void this.runTransaction(batch).finally(() => {
        this.inFlight--;
        this.kick();
      });
    }
  }

  private async runTransaction(batch: Queued[]): Promise<void> {
    for (const q of batch) q.unit.sealed = true;
    // One unit (the usual case: one engine report batch per turn) is written as it is, not copied.
    let merged = batch[0]?.unit ?? new WriteUnit();
    if (batch.length > 1) {
      merged = new WriteUnit();
      for (const q of batch) merged.absorb(q.unit);
    }
    const t0 = process.hrtime.bigint();
    for (let attempt = 1; ; attempt++) {
      let client: pg.PoolClient | undefined;
      try {
        client = await this.pool.connect();
        // One statement = one transaction (see sql.ts): it returns only after COMMIT was flushed.
        await writeUnit(client, merged);
        client.release();
        break;
      } catch (err) {
        // A failed single statement leaves no open transaction behind; the connection is reusable.
        client?.release();
        this.metrics.dbWriteErrors.inc();
        const code = (err as { code?: string }).code;
        // Deadlock / serialization failure between concurrent naive transactions: retry.
        if ((code === "40P01" || code === "40001") && attempt < 5) continue;
        this.log.error({ err, units: batch.length }, "persistence transaction failed");
        for (const q of batch) q.reject(err as Error);
        return;
      }
    }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    this.metrics.dbWriteSeconds.observe(seconds);
    this.metrics.dbBatchSize.observe(batch.length);
    this.lastBatchSize = batch.length;
    this.lastFlushMs = seconds * 1000;
    for (const q of batch) q.resolve();
  }

  /** Waits for queued writes, then refuses new ones. */
  async drain(): Promise<void> {
    while (this.inFlight > 0 || this.queue.length > 0) await new Promise((r) => setTimeout(r, 5));
    this.stopped = true;
  }
}
