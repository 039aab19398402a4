// Measurement loops. Our book gets dedicated loops (monomorphic calls into OursBook.apply); the competitor
// libraries share generic ones. Clock: performance.now() (no allocation, unlike process.hrtime.bigint()).
import type { BenchBook, OursBook } from "./books.js";
import type { OpStream } from "./ops.js";

/** Applies the setup prefix of the stream (not measured). */
export function applySetup(book: BenchBook, s: OpStream): void {
  for (let i = 0; i < s.setup; i++) book.apply(s, i);
}

/** Closed loop, no per-op clock reads: wall time of ops [from, to) in ms. */
export function oursUntimed(book: OursBook, s: OpStream, from: number, to: number): number {
  const t0 = performance.now();
  for (let i = from; i < to; i++) book.apply(s, i);
  return performance.now() - t0;
}

/**
 * Closed loop with one clock read per op: latency of op i = clock after op i - clock after op i-1 (so each sample
 * also carries one clock read and the loop step). Writes ms into lat[0..to-from).
 */
export function oursTimed(book: OursBook, s: OpStream, from: number, to: number, lat: Float64Array): void {
  let prev = performance.now();
  let k = 0;
  for (let i = from; i < to; i++) {
    book.apply(s, i);
    const t = performance.now();
    lat[k++] = t - prev;
    prev = t;
  }
}

/**
 * Open loop at a fixed arrival rate: op k is due at start + k*periodMs; we busy-wait until it is due (never
 * sleep), run it, and record completion - due time. When the book falls behind, later ops start late and that
 * queueing delay is in their latency (no coordinated omission). Returns the lag of the last op (ms).
 */
export function oursFixedRate(
  book: OursBook,
  s: OpStream,
  from: number,
  to: number,
  periodMs: number,
  lat: Float64Array,
): number {
  const start = performance.now() + 1;
  let k = 0;
  let end = start;
  for (let i = from; i < to; i++) {
    const due = start + k * periodMs;
    while (performance.now() < due) {
      // busy-wait: the intended start time of this op
    }
    book.apply(s, i);
    end = performance.now();
    lat[k++] = end - due;
  }
  return end - (start + (k - 1) * periodMs);
}

/**
 * Competitor run with one clock read per op, stopping at `to` or once `budgetMs` has elapsed (checked every 64
 * ops). Returns the number of ops run; lat holds their latencies (ms) and the sum of lat is the elapsed time.
 */
export function timedWithBudget(
  book: BenchBook,
  s: OpStream,
  from: number,
  to: number,
  budgetMs: number,
  lat: Float64Array,
): number {
  const t0 = performance.now();
  let prev = t0;
  let k = 0;
  for (let i = from; i < to; i++) {
    book.apply(s, i);
    const t = performance.now();
    lat[k++] = t - prev;
    prev = t;
    if ((k & 63) === 0 && t - t0 > budgetMs) break;
  }
  return k;
}

export function median(xs: number[]): number {
  const a = [...xs].sort((x, y) => x - y);
  const m = a.length >> 1;
  return a.length % 2 === 1 ? a[m] : (a[m - 1] + a[m]) / 2;
}

export function maybeGc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g !== undefined) g();
}
