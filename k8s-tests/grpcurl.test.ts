// The guide's grpcurl commands against a real engine on loopback, with the same grpcurl build the engine image
// ships (scripts/install-k8s-tools.sh pins the version of Dockerfiles/engine.Dockerfile):
//   grpcurl -plaintext localhost:50051 list
//   grpcurl -plaintext localhost:50051 trading.pb.TradingEngine/HealthCheck
// plus describe and an order through the compatibility SubmitOrder call. The engine serves server reflection,
// so grpcurl needs no .proto file. Also checks the engine's LOG_FILE (what docker-compose points at
// /var/log/trading/engine.log).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, type RunningService, startEngine } from "@hft/devstack";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertTools, checkTools, run } from "./lib/tools.js";

const tools = checkTools(["grpcurl"]);

describe.skipIf(tools.skip)("grpcurl against a real engine (docs/DOCKER.md health checks)", () => {
  let engine: RunningService | undefined;
  let target = "";
  // Collected even when skipped (where afterAll does not run): no temp dir then.
  const logDir = tools.skip ? "" : mkdtempSync(join(tmpdir(), "hft-grpcurl-"));
  const logFile = join(logDir, "trading", "engine.log");

  beforeAll(async () => {
    assertTools(tools);
    // No liquidity provider: the book holds only this test's orders.
    engine = await startEngine({ liquidityProvider: false, env: { LOG_FILE: logFile } });
    target = `localhost:${engine.port}`;
  }, 120_000);
  afterAll(async () => {
    await engine?.stop();
    rmSync(logDir, { recursive: true, force: true });
  });

  const grpcurl = (...args: string[]) => run(tools.paths.grpcurl, ["-plaintext", "-max-time", "10", ...args]);
  const json = (r: { stdout: string; stderr: string; status: number }) => {
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  };

  it("list: the trading service and the standard health service", () => {
    const r = grpcurl(target, "list");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split("\n").sort()).toEqual(["grpc.health.v1.Health", "trading.pb.TradingEngine"]);
  });

  it("describe: the RPCs the guide and the backend use, from reflection", () => {
    const r = grpcurl(target, "describe", "trading.pb.TradingEngine");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("trading.pb.TradingEngine is a service:");
    expect(r.stdout).toContain(
      "rpc HealthCheck ( .trading.pb.HealthCheckRequest ) returns ( .trading.pb.HealthCheckResponse );",
    );
    expect(r.stdout).toContain(
      "rpc SubmitOrder ( .trading.pb.OrderRequest ) returns ( .trading.pb.OrderResponse );",
    );
    expect(r.stdout).toContain(
      "rpc OrderStream ( stream .trading.pb.CommandBatch ) returns ( stream .trading.pb.ReportBatch );",
    );
  });

  it("trading.pb.TradingEngine/HealthCheck answers SERVING (and grpc.health.v1 agrees)", () => {
    const health = json(grpcurl(target, "trading.pb.TradingEngine/HealthCheck"));
    expect(health).toMatchObject({ healthy: true, status: "SERVING" });
    expect(Number(health.startTimeUnixMs)).toBeGreaterThan(Date.now() - 300_000);
    for (const service of ["", "trading.pb.TradingEngine"])
      expect(
        json(grpcurl("-d", JSON.stringify({ service }), target, "grpc.health.v1.Health/Check")),
        service,
      ).toEqual({ status: "SERVING" });
  });

  it("SubmitOrder: a limit order rests, a crossing one fills at its price, an off-tick one is INVALID_ARGUMENT", () => {
    const submit = (order: Record<string, unknown>) =>
      grpcurl("-d", JSON.stringify(order), target, "trading.pb.TradingEngine/SubmitOrder");
    const base = { symbol: "AAPL", order_type: "LIMIT", price: 180.5 };
    const buy = json(submit({ ...base, order_id: "grpcurl-1", user_id: "alice", side: "BUY", quantity: 10 }));
    expect(buy).toMatchObject({ success: true, status: "NEW" });
    expect((buy.reports as Array<Record<string, unknown>>)[0]).toMatchObject({
      clientOrderId: "grpcurl-1",
      account: "alice",
      price: "18050", // ticks of 0.01
      quantity: "10",
      leavesQuantity: "10",
    });
    const sell = json(submit({ ...base, order_id: "grpcurl-2", user_id: "bob", side: "SELL", quantity: 4 }));
    expect(sell).toMatchObject({ success: true, status: "FILLED", filledQuantity: 4, averagePrice: 180.5 });

    const offTick = submit({
      ...base,
      order_id: "grpcurl-3",
      user_id: "alice",
      side: "BUY",
      price: 180.505,
      quantity: 1,
    });
    expect(offTick.status).toBe(64 + 3); // grpcurl exits 64 + the gRPC status code (3 = INVALID_ARGUMENT)
    expect(offTick.stderr).toMatch(/Code: InvalidArgument/);
    expect(offTick.stderr).toMatch(/PRICE_OFF_TICK/);
  });

  it("fails against a port where nothing serves (the check can fail)", async () => {
    const r = grpcurl(
      "-connect-timeout",
      "2",
      `localhost:${await freePort()}`,
      "trading.pb.TradingEngine/HealthCheck",
    );
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/Failed to dial target host/);
  });

  it("the engine also wrote its JSON log lines to LOG_FILE (created with its directory)", () => {
    const lines = readFileSync(logFile, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { msg?: string; port?: number });
    expect(lines.find((l) => l.msg === "engine listening")?.port).toBe(engine?.port);
  });
});
