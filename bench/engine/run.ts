// Measurement loops. Our book gets dedicated loops (monomorphic calls into OursBook.apply); the competitor
// libraries share generic ones. Clock: performance.now() (no allocation, unlike process.hrtime.bigint()).
import type { BenchBook, OursBook } from "./books.js";
import type { OpStream } from "./ops.js";

/** Applies the setup prefix of the stream (not measured). */
export function applySetup(book: BenchBook, s: OpStream): void {
  for (let i = 0; i < s.setup; i++) book.apply(s, i);
}

/** Generic closed loop (any book), no per-op clock reads: wall time of ops [from, to) in ms. */
export function untimed(book: BenchBook, s: OpStream, from: number, to: number): number {
  const t0 = performance.now();
  for (let i = from; i < to; i++) book.apply(s, i);
  return performance.now() - t0;
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
 * queueing delay is in their latency (no coordinated omission). Returns the time (ms) from the first op's
 * due time to the last op's completion.
 *
 * The wait reads the clock once per op (the completion read of the previous op) and then spins on arithmetic for
 * the remaining gap plus a margin, calibrated on this machine at its fastest: an op therefore never starts
 * before it is due, but may start a little after (a preempted spin makes it later), which only adds to its
 * measured latency. Why not poll the clock: performance.now() costs ~60 ns and allocates a 16-byte heap number
 * per call, and polling it would bring young-generation GCs into the measured run.
 */
export function oursFixedRate(
  book: OursBook,
  s: OpStream,
  from: number,
  to: number,
  periodMs: number,
  lat: Float64Array,
): number {
  const itersPerMs = spinItersPerMs();
  const itersPerUs = Math.ceil(itersPerMs / 1000);
  const marginMs = 0.00005;
  // 20 ms of lead time: whatever the JIT still does to this function happens before the first op is due
  const start = performance.now() + 20;
  let now = performance.now();
  let k = 0;
  for (let i = from; i < to; i++) {
    const due = start + k * periodMs;
    // long waits (the lead time, or when ops run ahead of schedule by > 2 µs): 1 µs spins between clock reads
    while (due - now > 0.002) {
      spin(itersPerUs);
      now = performance.now();
    }
    const gap = due - now;
    if (gap > 0) spin(((gap + marginMs) * itersPerMs) | 0);
    book.apply(s, i);
    now = performance.now();
    lat[k++] = now - due;
  }
  return now - start;
}

let spinSink = 0;
function spin(n: number): void {
  let x = spinSink;
  for (let i = 0; i < n; i++) x = (Math.imul(x, 1103515245) + 12345) | 0;
  spinSink = x;
}

let itersPerMsCache = 0;
/**
 * Iterations of spin() per millisecond on this machine, the fastest of a few trials: a spin of n iterations then
 * takes at least n / rate, so a wait never ends early.
 */
function spinItersPerMs(): number {
  if (itersPerMsCache > 0) return itersPerMsCache;
  let best = 0;
  for (let t = 0; t < 5; t++) {
    const n = 2_000_000;
    const t0 = performance.now();
    spin(n);
    const rate = n / (performance.now() - t0);
    if (rate > best) best = rate;
  }
  itersPerMsCache = best;
  return best;
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
