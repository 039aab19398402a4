// Polls the selected price source on an interval, keeps the latest marks, and pushes them to the engine as
// reference prices (so the engine's price band and the backend's collar follow the same feed).
import { toUnits } from "@hft/shared";
import type { Logger } from "pino";
import type { EngineClient } from "../engine/client.js";
import type { SymbolRegistry } from "../symbols.js";
import type { PriceQuote, PriceSource } from "./source.js";

export class PriceFeed {
  private readonly latest = new Map<string, PriceQuote>();
  private readonly start = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  lastUpdate: Date | null = null;
  lastError: string | null = null;
  onQuotes: (quotes: PriceQuote[]) => void = () => undefined;

  constructor(
    readonly source: PriceSource,
    private readonly symbols: SymbolRegistry,
    private readonly engine: EngineClient,
    private readonly intervalMs: number,
    private readonly log: Logger,
    startPrices: Record<string, string> = {},
    private readonly startDecimal = startPrices,
  ) {}

  price(symbol: string): number | null {
    return this.latest.get(symbol)?.priceTicks ?? null;
  }

  quotes(): PriceQuote[] {
    return [...this.latest.values()].sort((a, b) => (a.symbol < b.symbol ? -1 : 1));
  }

  /** ok when the feed ticked within 5 intervals. */
  get healthy(): boolean {
    return (
      this.lastUpdate !== null && Date.now() - this.lastUpdate.getTime() < Math.max(5 * this.intervalMs, 5000)
    );
  }

  get symbolCount(): number {
    return this.latest.size;
  }

  async tick(): Promise<void> {
    const specs = this.symbols.all();
    const req = specs.map((s) => {
      let start = this.start.get(s.symbol);
      if (start === undefined) {
        const dec = this.startDecimal[s.symbol];
        start = dec ? safeUnits(dec, s.tickSize, s.referencePrice) : s.referencePrice;
        this.start.set(s.symbol, start);
      }
      return { symbol: s.symbol, tickSize: s.tickSize, startTicks: start };
    });
    try {
      const quotes = await this.source.poll(req);
      for (const q of quotes) this.latest.set(q.symbol, q);
      if (quotes.length > 0) {
        this.lastUpdate = new Date();
        this.lastError = null;
        this.onQuotes(quotes);
        await this.engine
          .setReferencePrices(quotes.map((q) => ({ symbol: q.symbol, price: q.priceTicks })))
          .catch((err: Error) =>
            this.log.debug({ err: err.message }, "engine did not take reference prices"),
          );
      }
    } catch (err) {
      this.lastError = (err as Error).message;
      this.log.warn({ err: this.lastError, source: this.source.name }, "price source failed");
    }
  }

  startTimer(): void {
    if (this.timer) return;
    const loop = async () => {
      await this.tick();
      if (this.timer) this.timer = setTimeout(loop, this.intervalMs);
    };
    this.timer = setTimeout(loop, 0);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

function safeUnits(dec: string, tick: string, fallback: number): number {
  try {
    return toUnits(dec, tick);
  } catch {
    return fallback;
  }
}
