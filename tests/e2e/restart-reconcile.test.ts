// Restart with the engine trading on: while the backend is down (SIGKILL), another engine client trades
// against a user's resting order. After the restart the backend books that fill (at the resting order's limit,
// where a maker trades), updates position and cash, and its open orders equal the engine's again.
import { credentials, Metadata } from "@grpc/grpc-js";
import {
  applyMigrations,
  type RunningService,
  type StartedPostgres,
  startBackend,
  startEngine,
  startPostgres,
} from "@hft/devstack";
import {
  type ExecutionReport,
  OrderType,
  type ReportBatch,
  Side,
  TimeInForce,
  TradingEngineClient,
} from "@hft/proto";
import { toUnits } from "@hft/shared";
import type {
  ListOrdersResponse,
  OrderDetailResponse,
  OrderResponse,
  PortfolioResponse,
} from "@hft/shared/api";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SeededUser, seedUser } from "../../services/backend/src/db/seed.js";
import { client } from "../../services/backend/test/support/stack.js";

let db: StartedPostgres;
let engine: RunningService;
let backend: RunningService;
let alice: SeededUser;

function launchBackend(): Promise<RunningService> {
  return startBackend({ databaseUrl: db.url, engineAddr: engine.address, logLevel: "warn" });
}

function grpc<T>(
  call: (c: TradingEngineClient, cb: (err: Error | null, res: T) => void) => void,
): Promise<T> {
  const c = new TradingEngineClient(engine.address, credentials.createInsecure());
  return new Promise<T>((resolve, reject) =>
    call(c, (err, res) => (err ? reject(err) : resolve(res))),
  ).finally(() => c.close());
}

const deadline = () => ({ deadline: Date.now() + 5000 });

beforeAll(async () => {
  db = await startPostgres();
  await applyMigrations(db.url);
  const pool = new pg.Pool({ connectionString: db.url, max: 1 });
  const c = await pool.connect();
  alice = await seedUser(c, { username: "alice", password: "alice-password" });
  c.release();
  await pool.end();
  // No built-in liquidity provider: the only other side is the outside trader below.
  engine = await startEngine({ logLevel: "warn", liquidityProvider: false });
  backend = await launchBackend();
});

afterAll(async () => {
  await backend?.stop();
  await engine?.stop();
  await db?.stop();
});

describe("backend restart while the engine keeps trading", () => {
  it("books fills made while it was down and matches the engine afterwards", async () => {
    let A = client(backend.address, alice.apiKey);
    const placed = await A<OrderResponse>("POST", "/api/v1/orders", {
      symbol: "AAPL",
      side: "BUY",
      type: "LIMIT",
      price: "189.50",
      quantity: "5",
    });
    expect(placed.status).toBe(201);
    expect(placed.body.order.status).toBe("NEW");
    const before = await A<PortfolioResponse>("GET", "/api/v1/portfolio");

    process.kill(-backend.pid, "SIGKILL");
    await backend.exited;

    // An outside trader sells 2 into alice's bid while the backend is away.
    const trade = await grpc<ReportBatch>((c, cb) =>
      c.placeOrder(
        {
          requestId: 1,
          account: "outside-trader",
          clientOrderId: "outside-1",
          symbol: "AAPL",
          side: Side.SELL,
          orderType: OrderType.LIMIT,
          timeInForce: TimeInForce.IOC,
          price: toUnits("189.50", "0.01"),
          stopPrice: 0,
          trailingOffset: 0,
          quantity: 2,
          displayQuantity: 0,
          postOnly: false,
          expireTimeMs: 0,
          stpMode: 0,
        },
        new Metadata(),
        deadline(),
        cb,
      ),
    );
    expect(trade.reports.some((r) => r.lastQuantity === 2)).toBe(true);

    backend = await launchBackend();
    A = client(backend.address, alice.apiKey);

    const detail = await A<OrderDetailResponse>("GET", `/api/v1/orders/${placed.body.order.id}`);
    expect(detail.body.order).toMatchObject({
      status: "PARTIALLY_FILLED",
      filledQuantity: "2",
      leavesQuantity: "3",
    });
    expect(detail.body.fills.map((f) => [f.price, f.quantity, f.liquidity])).toEqual([
      ["189.5", "2", "MAKER"],
    ]);
    expect(detail.body.events.at(-1)?.type).toBe("RECONCILED");

    const after = await A<PortfolioResponse>("GET", "/api/v1/portfolio");
    expect(after.body.positions.find((p) => p.symbol === "AAPL")?.quantity).toBe("2");
    expect(Number(before.body.cash) - Number(after.body.cash)).toBeCloseTo(2 * 189.5, 2);

    const engineOpen = await grpc<ReportBatch>((c, cb) =>
      c.getOpenOrders({ account: alice.userId, symbol: "" }, new Metadata(), deadline(), cb),
    );
    const mine = await A<ListOrdersResponse>("GET", "/api/v1/orders?open=true");
    const view = (o: { id: string; leavesQuantity: string; filledQuantity: string }) =>
      `${o.id}:${o.filledQuantity}:${o.leavesQuantity}`;
    const engineView = (r: ExecutionReport) => `${r.clientOrderId}:${r.filledQuantity}:${r.leavesQuantity}`;
    expect(mine.body.orders.map(view)).toEqual(engineOpen.reports.map(engineView));

    // A second restart changes nothing (the reconciliation is idempotent).
    await backend.stop();
    backend = await launchBackend();
    A = client(backend.address, alice.apiKey);
    const again = await A<OrderDetailResponse>("GET", `/api/v1/orders/${placed.body.order.id}`);
    expect(again.body.fills.length).toBe(1);
    expect(again.body.order.filledQuantity).toBe("2");
  });
});
