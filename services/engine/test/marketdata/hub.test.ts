// Book-update conflation of the market-data hub: at most one BookUpdate per symbol per interval, the latest
// state always goes out, sequence numbers stay contiguous, trades are never held back.
import type { BookSnapshot, MarketDataEvent } from "@hft/proto";
import { Side } from "@hft/proto";
import { describe, expect, it } from "vitest";
import { MarketDataHub, type MarketDataSink } from "../../src/marketdata/hub.js";

function sink(events: MarketDataEvent[]): MarketDataSink {
  return {
    write: (e) => {
      events.push(e);
      return true;
    },
    onDrain: () => undefined,
    fail: () => undefined,
    end: () => undefined,
  };
}

/** A book whose best bid is whatever `bid.price` holds when the snapshot is taken. */
function hubWith(intervalMs: number) {
  const bid = { price: 100 };
  const hub = new MarketDataHub(["AAPL"], 5, 1000, intervalMs);
  hub.attach({
    snapshot: (symbol): BookSnapshot => ({
      symbol,
      seq: 0,
      bids: [{ price: bid.price, quantity: 1, orderCount: 1 }],
      asks: [],
      bestBid: bid.price,
      bestAsk: 0,
      lastPrice: 0,
      lastQuantity: 0,
      midPriceX2: 0,
      volume: 0,
      referencePrice: 0,
      timestampNs: 0,
    }),
  });
  const events: MarketDataEvent[] = [];
  hub.subscribe(["AAPL"], 5, sink(events));
  return { hub, bid, events };
}

const books = (events: MarketDataEvent[]) =>
  events.flatMap((e) => (e.event?.$case === "book" ? [e.event.value.bids[0]?.price] : []));

describe("market-data hub conflation", () => {
  it("interval 0: one book update per flush", () => {
    const { hub, bid, events } = hubWith(0);
    for (const p of [101, 102, 103]) {
      bid.price = p;
      hub.onBookChanged("AAPL");
      hub.flush();
    }
    expect(books(events)).toEqual([101, 102, 103]);
  });

  it("changes inside the interval are held, then the latest state goes out once; seq stays contiguous", async () => {
    const { hub, bid, events } = hubWith(40);
    for (const p of [101, 102, 103]) {
      bid.price = p;
      hub.onBookChanged("AAPL");
      hub.flush();
    }
    // the first goes out at once, the two later ones are conflated into one pending update
    expect(books(events)).toEqual([101]);
    // trades are never held back
    hub.onTrade("AAPL", 1, 103, 1, Side.BUY, 0);
    expect(events.at(-1)?.event?.$case).toBe("trade");
    // After the interval the held state goes out once (polled: a loaded CI machine may fire the timer late).
    const deadline = Date.now() + 5_000;
    while (books(events).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 60)); // and nothing else follows
    expect(books(events)).toEqual([101, 103]);
    const seqs = events.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0] + i));
  });

  it("flushNow (before a snapshot) publishes pending changes at once", () => {
    const { hub, bid, events } = hubWith(1000);
    bid.price = 101;
    hub.onBookChanged("AAPL");
    hub.flush();
    bid.price = 105;
    hub.onBookChanged("AAPL");
    hub.flush();
    expect(books(events)).toEqual([101]);
    hub.flushNow();
    expect(books(events)).toEqual([101, 105]);
    hub.closeAll("test over");
  });
});
