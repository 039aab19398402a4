// Test helpers: an engine with one or two symbols, a fake clock, and report filters.
import {
  CancelRequest,
  ExecType,
  type ExecutionReport,
  ModifyRequest,
  NewOrder,
  OrderType,
  Side,
  StpMode,
} from "@hft/proto";
import { type EngineOptions, type MarketDataListener, MatchingEngine } from "../../src/matching/engine.js";

export const REF = 10_000;

export interface Harness {
  engine: MatchingEngine;
  clock: { ns: number };
  out: ExecutionReport[];
  /** submits and returns only this command's reports */
  submit(o: Partial<NewOrder>): ExecutionReport[];
  cancel(c: Partial<CancelRequest>): ExecutionReport[];
  modify(m: Partial<ModifyRequest>): ExecutionReport[];
  expire(nowMs: number): ExecutionReport[];
}

export function harness(over: Partial<EngineOptions> = {}, listener?: MarketDataListener): Harness {
  const clock = { ns: 1_700_000_000_000 * 1e6 };
  const engine = new MatchingEngine(
    {
      symbols: [
        {
          symbol: "AAPL",
          tickSize: "0.01",
          lotSize: "1",
          referencePrice: REF,
          priceBandBps: 1000, // +-10% = +-1000 ticks
          maxOrderQuantity: 100_000,
          maxOrderNotional: 500_000_000,
        },
        {
          symbol: "MSFT",
          tickSize: "0.01",
          lotSize: "1",
          referencePrice: 42_000,
          priceBandBps: 500,
          maxOrderQuantity: 100_000,
          maxOrderNotional: 5_000_000_000,
        },
      ],
      maxOpenOrdersPerAccount: 1000,
      defaultStpMode: StpMode.STP_CANCEL_NEWEST,
      orderPoolSize: 64,
      nowNs: () => clock.ns,
      ...over,
    },
    listener,
  );
  const out: ExecutionReport[] = [];
  const run = (f: (o: ExecutionReport[]) => void): ExecutionReport[] => {
    const mine: ExecutionReport[] = [];
    f(mine);
    out.push(...mine);
    return mine;
  };
  return {
    engine,
    clock,
    out,
    submit: (o) =>
      run((r) =>
        engine.submit(
          NewOrder.fromPartial({
            symbol: "AAPL",
            account: "alice",
            side: Side.BUY,
            orderType: OrderType.LIMIT,
            quantity: 10,
            price: REF,
            ...o,
          }),
          r,
        ),
      ),
    cancel: (c) =>
      run((r) => engine.cancel(CancelRequest.fromPartial({ symbol: "AAPL", account: "alice", ...c }), r)),
    modify: (m) =>
      run((r) => engine.modify(ModifyRequest.fromPartial({ symbol: "AAPL", account: "alice", ...m }), r)),
    expire: (now) => run((r) => engine.expire(now, r)),
  };
}

export function ofType(reports: ExecutionReport[], t: ExecType): ExecutionReport[] {
  return reports.filter((r) => r.execType === t);
}

export function trades(reports: ExecutionReport[]): ExecutionReport[] {
  return reports.filter((r) => r.execType === ExecType.EXEC_TRADE);
}

/** The engine order id assigned by a submit (from its first report). */
export function idOf(reports: ExecutionReport[]): number {
  const r = reports.find((x) => x.orderId > 0);
  if (r === undefined) throw new Error(`no order id in ${JSON.stringify(reports)}`);
  return r.orderId;
}
