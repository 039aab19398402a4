// Public surface of the matching core.
export { type BookSink, type LevelView, MATCH_OK, MATCH_STP_TAKER, NULL_SINK, OrderBook } from "./book.js";
export { type EngineOptions, type MarketDataListener, MatchingEngine, type SymbolSpec } from "./engine.js";
export { BUY, OrderPool, SELL } from "./pool.js";
export * from "./reject.js";
