// Price sources drive the engine's reference prices and the portfolio's marks. Prices are integer ticks.
export interface PriceQuote {
  symbol: string;
  priceTicks: number;
  timestamp: Date;
}

export interface PriceSource {
  readonly name: string;
  /** Latest prices for the given symbols (a symbol the source cannot price is left out). */
  poll(symbols: { symbol: string; tickSize: string; startTicks: number }[]): Promise<PriceQuote[]>;
}
