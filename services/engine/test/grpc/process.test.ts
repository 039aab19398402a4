// main.ts as operators run it (a child process): --help, configuration errors naming the key, env overrides,
// /metrics, and SIGTERM => graceful exit 0 with every received batch answered.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { credentials } from "@grpc/grpc-js";
import { ExecType, RejectReason, type ReportBatch, TradingEngineFastClient } from "@hft/proto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Child, freePort, limit, runEngine, spawnEngine, testConfigYaml, unary } from "./helpers.js";

let dir: string;
const children: Child[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "hft-engine-proc-"));
});
afterEach(() => {
  for (const ch of children.splice(0)) ch.kill();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function configFile(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe("command line and configuration errors", () => {
  it("--help prints usage with every environment variable and exits 0", async () => {
    const r = await runEngine(["--help"], {});
    expect(r.code).toBe(0);
    for (const v of [
      "ENGINE_PORT",
      "ENGINE_METRICS_PORT",
      "ENGINE_TLS_CERT",
      "ENGINE_LIQUIDITY_PROVIDER",
      "LOG_LEVEL",
      "LOG_FILE",
    ]) {
      expect(r.stdout).toContain(v);
    }
  });

  it.each([
    [
      "an off-grid reference price",
      testConfigYaml().replace('reference_price: "190.00"', 'reference_price: "190.005"'),
      "symbols[0].reference_price",
    ],
    ["an unknown key", `${testConfigYaml()}\nbogus_key: 1\n`, "bogus_key"],
    ["a negative batch size", testConfigYaml({ maxBatch: -1 }), "server.max_batch_size"],
  ])("a config file with %s exits 2 naming the key", async (_name, yaml, key) => {
    const r = await runEngine(["--config", configFile("bad.yaml", yaml)], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("config error");
    expect(r.stderr).toContain(key);
  });

  it("an invalid environment override exits 2 naming the variable", async () => {
    const r = await runEngine(["--config", configFile("ok.yaml", testConfigYaml())], {
      ENGINE_PORT: "fifty",
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("ENGINE_PORT");
  });

  it("an unreadable TLS file exits 2 naming the variable", async () => {
    const r = await runEngine(["--config", configFile("tls.yaml", testConfigYaml())], {
      ENGINE_TLS_CERT: join(dir, "missing.crt"),
      ENGINE_TLS_KEY: join(dir, "missing.key"),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("ENGINE_TLS_CERT (tls.cert): cannot read");
    expect(r.stderr).toContain("ENOENT");
  });

  it("a missing config file and an unknown flag exit 2", async () => {
    const missing = await runEngine(["--config", join(dir, "nope.yaml")], {});
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("nope.yaml");
    const flag = await runEngine(["--frobnicate"], {});
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("--frobnicate");
  });
});

describe("running engine", () => {
  it("serves gRPC and /metrics; SIGTERM finishes in-flight batches and exits 0", async () => {
    const metricsPort = await freePort();
    const logFile = join(dir, "engine.log");
    const child = await spawnEngine(
      ["--config", configFile("run.yaml", testConfigYaml({ maxBatch: 5000 }))],
      {
        ENGINE_PORT: "0",
        ENGINE_HOST: "127.0.0.1",
        ENGINE_METRICS_PORT: String(metricsPort),
        ENGINE_LIQUIDITY_PROVIDER: "true",
        LOG_FILE: logFile,
      },
    );
    children.push(child);
    const client = new TradingEngineFastClient(`127.0.0.1:${child.port}`, credentials.createInsecure());
    try {
      const h = await unary(client, "healthCheck", {});
      expect(h.status).toBe("SERVING");
      // env override took effect: the liquidity provider quotes
      const book = await unary(client, "getOrderBook", { symbol: "AAPL", depth: 5 });
      expect(book.asks.length).toBeGreaterThan(0);

      const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      expect(metrics).toMatch(/^hft_engine_orders_received_total \d+/m);
      expect(metrics).toContain("hft_engine_command_latency_seconds_bucket");

      // pipeline several batches, signal as soon as the first answer is back
      const call = client.orderStream();
      const answers: ReportBatch[] = [];
      const ended = new Promise<string>((resolve) => {
        call.on("data", (b: ReportBatch) => answers.push(b));
        call.on("end", () => resolve("end"));
        call.on("error", (e: Error) => resolve(`error: ${e.message}`));
      });
      const BATCHES = 6;
      const SIZE = 2000;
      let firstAnswer: () => void = () => {};
      const gotFirst = new Promise<void>((r) => {
        firstAnswer = r;
      });
      call.once("data", () => firstAnswer());
      for (let b = 1; b <= BATCHES; b++) {
        call.write({
          batchId: b,
          commands: Array.from({ length: SIZE }, (_, i) => ({
            command: {
              $case: "newOrder" as const,
              value: limit({
                account: `acct-${b}-${i % 10}`,
                requestId: i + 1,
                price: 18_000 + (i % 50),
                quantity: 1,
              }),
            },
          })),
        });
      }
      await gotFirst;
      child.proc.kill("SIGTERM");
      const how = await ended;
      const code = await child.exited;
      expect(code).toBe(0);
      expect(how).toBe("end");
      // every batch sent got exactly one answer: executed in full, or refused whole during shutdown
      expect(answers.map((a) => a.batchId).sort((x, y) => x - y)).toEqual(
        Array.from({ length: BATCHES }, (_, i) => i + 1),
      );
      let executed = 0;
      for (const a of answers) {
        if (a.reports.length === 1 && a.reports[0].rejectReason === RejectReason.ENGINE_SHUTTING_DOWN)
          continue;
        expect(a.reports).toHaveLength(SIZE);
        expect(a.reports.every((r) => r.execType === ExecType.EXEC_NEW)).toBe(true);
        executed++;
      }
      expect(executed).toBeGreaterThanOrEqual(1);
      expect(child.stdout).toContain("engine shutting down");
      expect(child.stdout).toContain("engine stopped");
    } finally {
      client.close();
    }
  }, 120_000); // a cold tsx start on a loaded machine can take tens of seconds
});
