// Configuration: the shipped config.yaml loads, env overrides apply, and every invalid value names its key.
import { describe, expect, it } from "vitest";
import { ConfigError, DEFAULT_CONFIG_PATH, loadConfig, parseConfig } from "../../src/config/index.js";
import { testConfigYaml } from "../grpc/helpers.js";

describe("config", () => {
  it("the shipped config.yaml is valid and uses the team defaults", () => {
    const c = loadConfig(DEFAULT_CONFIG_PATH, {});
    expect(c.server.port).toBe(50051);
    expect(c.server.metricsPort).toBe(9464);
    expect(c.liquidityProvider.enabled).toBe(true);
    expect(c.symbols.map((s) => s.symbol)).toEqual(["AAPL", "MSFT", "GOOGL", "AMZN", "TSLA"]);
    expect(c.symbols[0]).toMatchObject({ tickSize: "0.01", lotSize: "1", referencePrice: 19_000 });
  });

  it("decimal prices become integer ticks; notional becomes ticks*lots", () => {
    const c = parseConfig(testConfigYaml());
    expect(c.symbols[1].referencePrice).toBe(42_000);
    expect(c.symbols[1].maxOrderNotional).toBe(500_000_000);
  });

  it("environment variables override the file", () => {
    const c = parseConfig(testConfigYaml({ lp: true }), {
      ENGINE_PORT: "6000",
      ENGINE_METRICS_PORT: "0",
      ENGINE_LIQUIDITY_PROVIDER: "false",
      LOG_LEVEL: "warn",
      LOG_FILE: "/tmp/x.log",
      ENGINE_HOST: "127.0.0.1",
    });
    expect(c.server.port).toBe(6000);
    expect(c.server.metricsPort).toBe(0);
    expect(c.liquidityProvider.enabled).toBe(false);
    expect(c.log).toEqual({ level: "warn", file: "/tmp/x.log" });
  });

  it("accepts the original platform's memory section (order_pool_size, fill_pool_size)", () => {
    const withMemory = `${testConfigYaml()}\nmemory:\n  order_pool_size: 50000\n  fill_pool_size: 250000\n`;
    expect(parseConfig(withMemory).engine.orderPoolSize).toBe(50_000);
    // the environment still wins over the file
    expect(parseConfig(withMemory, { ENGINE_ORDER_POOL_SIZE: "7000" }).engine.orderPoolSize).toBe(7_000);
    expect(() => parseConfig(withMemory.replace("order_pool_size: 50000", "order_pool_size: -1"))).toThrow(
      /memory\.order_pool_size/,
    );
    const both = withMemory.replace("engine:", "engine:\n  order_pool_size: 9000");
    expect(both).not.toBe(withMemory);
    expect(() => parseConfig(both)).toThrow(/memory\.order_pool_size: differs/);
  });

  const bad: [string, string, NodeJS.ProcessEnv, RegExp][] = [
    [
      "off-tick reference price",
      testConfigYaml().replace('"190.00"', '"190.001"'),
      {},
      /symbols\[0\]\.reference_price/,
    ],
    [
      "zero tick size",
      testConfigYaml().replace('tick_size: "0.01"', 'tick_size: "0"'),
      {},
      /symbols\[0\]\.tick_size/,
    ],
    ["unknown key", testConfigYaml().replace("server:", "server:\n  prot: 1"), {}, /server/],
    [
      "duplicate symbol",
      testConfigYaml().replace("symbol: MSFT", "symbol: AAPL"),
      {},
      /symbols\[1\]\.symbol: duplicate/,
    ],
    ["port out of range", testConfigYaml(), { ENGINE_PORT: "70000" }, /ENGINE_PORT \(server\.port\)/],
    ["non-integer port", testConfigYaml(), { ENGINE_METRICS_PORT: "9x" }, /ENGINE_METRICS_PORT/],
    ["bad boolean", testConfigYaml(), { ENGINE_LIQUIDITY_PROVIDER: "maybe" }, /ENGINE_LIQUIDITY_PROVIDER/],
    ["bad log level", testConfigYaml(), { LOG_LEVEL: "chatty" }, /LOG_LEVEL \(log\.level\)/],
    ["cert without key", testConfigYaml(), { ENGINE_TLS_CERT: "/x.crt" }, /tls\.cert/],
    ["CA without cert", testConfigYaml(), { ENGINE_TLS_CA: "/ca.crt" }, /tls\.ca/],
    ["no symbols", "symbols: []\n", {}, /symbols/],
    ["not YAML", "server: [\n", {}, /not valid YAML/],
  ];
  it.each(bad)("%s fails naming the key", (_name, yaml, env, key) => {
    expect(() => parseConfig(yaml, env)).toThrow(ConfigError);
    expect(() => parseConfig(yaml, env)).toThrow(key);
  });
});
