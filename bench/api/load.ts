// The load generators of bench/api. wrk (C, from the system's packages) is the default: it costs the machine
// ~14 µs of CPU per request against autocannon's ~40 µs, and on two shared cores every µs the client burns is
// taken from the system under test. autocannon (npm) remains for machines without wrk (--client autocannon).
// Both send a fixed number of requests over C keep-alive connections, round-robin over the users' API keys.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { type LatencySummary, summarize } from "../common/hdr.js";

export type Client = "wrk" | "autocannon";

export interface LoadResult {
  /** requests sent; the last few (at most one per connection) may be cut off when the run stops */
  sent: number;
  completed: number;
  /** 201 responses */
  accepted: number;
  non201: Record<string, number>;
  errors: number;
  durationS: number;
  /** client-side latency of every completed request */
  latency: Pick<LatencySummary, "p50_us" | "p90_us" | "p99_us" | "p999_us" | "max_us" | "mean_us">;
  /** CPU seconds the load generator itself used */
  clientCpuS: number;
}

// Start prices of the simulated feed (team convention); orders go 2-4 % below, inside the 10 % price collar.
const SYMBOLS: [string, number][] = [
  ["AAPL", 190],
  ["MSFT", 420],
  ["GOOGL", 170],
  ["AMZN", 185],
  ["TSLA", 250],
];

/** Deterministic order bodies: cycle through symbols, prices and quantities (wrk-orders.lua has the same). */
export function orderBody(n: number): string {
  const [symbol, ref] = SYMBOLS[n % SYMBOLS.length];
  const cents = Math.round(ref * 100 * (0.96 + ((n * 7919) % 200) / 10_000));
  const qty = 1 + (n % 5);
  return `{"symbol":"${symbol}","side":"BUY","type":"LIMIT","timeInForce":"GTC","price":"${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}","quantity":"${qty}"}`;
}

export function wrkAvailable(): boolean {
  return spawnSync("wrk", ["--version"], { stdio: "ignore" }).error === undefined;
}

const WRK_SCRIPT = fileURLToPath(new URL("./wrk-orders.lua", import.meta.url));

export interface LoadOptions {
  url: string;
  keys: string[];
  amount: number;
  connections: number;
  /** number of the first order body (warm-up and measured runs send different orders) */
  first: number;
  /** called with the wrk pid once started, e.g. to raise its priority like the services' */
  onStart?: (pid: number) => void;
}

export async function runLoad(client: Client, o: LoadOptions): Promise<LoadResult> {
  return client === "wrk" ? runWrk(o) : runAutocannon(o);
}

async function runWrk(o: LoadOptions): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), "bench-api-"));
  try {
    const keysFile = join(dir, "keys.lua");
    writeFileSync(keysFile, `return {${o.keys.map((k) => JSON.stringify(k)).join(",")}}\n`);
    // One wrk thread: it drives 64+ connections at well over 10k requests/s, and a second one would take a
    // core from the services under test. -d only bounds the run; the script stops it after `amount` replies.
    const child = spawn(
      "wrk",
      ["-t1", `-c${o.connections}`, "-d600s", "--timeout", "30s", "-s", WRK_SCRIPT, o.url],
      {
        env: {
          ...process.env,
          WRK_KEYS_FILE: keysFile,
          WRK_TOTAL: String(o.amount),
          WRK_FIRST: String(o.first),
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    if (child.pid !== undefined) o.onStart?.(child.pid);
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", resolve);
    });
    const line = out.split("\n").find((l) => l.startsWith("WRKJSON "));
    if (!line) throw new Error(`wrk failed (exit ${code}):\n${out}`);
    const r = JSON.parse(line.slice("WRKJSON ".length)) as {
      sent: number;
      completed: number;
      accepted: number;
      duration_us: number;
      p50_us: number;
      p90_us: number;
      p99_us: number;
      p999_us: number;
      max_us: number;
      mean_us: number;
      errors: number;
      cpu_ticks: number;
    };
    const non201 = r.completed - r.accepted;
    return {
      sent: r.sent,
      completed: r.completed,
      accepted: r.accepted,
      non201: non201 > 0 ? { other: non201 } : {},
      errors: r.errors,
      durationS: r.duration_us / 1e6,
      latency: {
        p50_us: r.p50_us,
        p90_us: r.p90_us,
        p99_us: r.p99_us,
        p999_us: r.p999_us,
        max_us: r.max_us,
        mean_us: r.mean_us,
      },
      clientCpuS: r.cpu_ticks / 100,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runAutocannon(o: LoadOptions): Promise<LoadResult> {
  let n = o.first;
  const samples = new Float64Array(o.amount);
  let count = 0;
  const non201: Record<string, number> = {};
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  // autocannon resolves on its own one-second tick, so the wall time of `await` is quantized to whole seconds;
  // the run ends with the last response instead.
  let tLast = t0;
  const inst = autocannon({
    url: o.url,
    connections: o.connections,
    amount: o.amount,
    timeout: 30,
    requests: [
      {
        method: "POST",
        path: "/api/v1/orders",
        setupRequest: (req) => {
          const i = n++;
          return {
            ...req,
            headers: { "content-type": "application/json", "x-api-key": o.keys[i % o.keys.length] },
            body: orderBody(i),
          };
        },
      },
    ],
  });
  inst.on("response", (_c, status, _b, ms) => {
    tLast = process.hrtime.bigint();
    if (status === 201) {
      if (count < samples.length) samples[count++] = ms * 1e6;
    } else non201[status] = (non201[status] ?? 0) + 1;
  });
  const res = await inst;
  const cpu = process.cpuUsage(cpu0);
  const l = summarize(samples, count);
  return {
    sent: n - o.first,
    completed: res.requests.total,
    accepted: count,
    non201,
    errors: res.errors + res.timeouts,
    durationS: Number(tLast - t0) / 1e9,
    latency: l,
    clientCpuS: (cpu.user + cpu.system) / 1e6,
  };
}
