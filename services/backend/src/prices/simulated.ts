// Deterministic simulated feed: a seeded random walk per symbol around its start price. The same seed and
// symbols give the same sequence of prices on every machine (no clock or Math.random in the path).
import type { PriceQuote, PriceSource } from "./source.js";

/** mulberry32: tiny, fast, good enough for a simulation; fully determined by its 32-bit seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hashSymbol(symbol: string): number {
  let h = 2166136261;
  for (let i = 0; i < symbol.length; i++) h = Math.imul(h ^ symbol.charCodeAt(i), 16777619);
  return h >>> 0;
}

export class SimulatedPriceSource implements PriceSource {
  readonly name = "simulated";
  private readonly walks = new Map<string, { rng: () => number; ticks: number; start: number }>();

  /** `volatilityBps`: max step per tick in basis points of the start price. */
  constructor(
    private readonly seed: number,
    private readonly volatilityBps = 10,
  ) {}

  /** Next price of one symbol (exposed for tests). */
  step(symbol: string, startTicks: number): number {
    let w = this.walks.get(symbol);
    if (!w) {
      w = { rng: mulberry32((this.seed ^ hashSymbol(symbol)) >>> 0), ticks: startTicks, start: startTicks };
      this.walks.set(symbol, w);
      return w.ticks;
    }
    const maxStep = Math.max(1, Math.floor((w.start * this.volatilityBps) / 10_000));
    const step = Math.round((w.rng() * 2 - 1) * maxStep);
    // Mean reversion keeps the walk within about ±20% of the start over long runs.
    const pull = Math.round((w.start - w.ticks) / 50);
    w.ticks = Math.max(1, w.ticks + step + pull);
    return w.ticks;
  }

  async poll(symbols: { symbol: string; tickSize: string; startTicks: number }[]): Promise<PriceQuote[]> {
    const now = new Date();
    return symbols
      .filter((s) => s.startTicks > 0)
      .map((s) => ({ symbol: s.symbol, priceTicks: this.step(s.symbol, s.startTicks), timestamp: now }));
  }
}
