// `npm start` from a fresh clone of the committed code: the three services come up (engine gRPC HealthCheck,
// backend /health and /metrics, the web page), the printed demo API key works, and Ctrl-C (SIGINT to the
// foreground process group, as a terminal sends it) stops everything: no process of the clone is left and no
// port is still listening.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { rm } from "node:fs/promises";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { credentials, Metadata } from "@grpc/grpc-js";
import { canConnect, freePort } from "@hft/devstack";
import { type HealthCheckResponse, TradingEngineClient } from "@hft/proto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const HERE = import.meta.dirname;
const REPO = execFileSync("git", ["rev-parse", "--show-toplevel"], { cwd: HERE, encoding: "utf8" }).trim();

let work: string;
let clone: string;
let child: ChildProcess | undefined;
let output = "";

/** Pids of every process that runs from the clone (command line or working directory inside it). */
function processesOfClone(): { pid: number; cmd: string }[] {
  const out: { pid: number; cmd: string }[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, "utf8").replace(/\0/g, " ").trim();
      let cwd = "";
      try {
        cwd = readlinkSync(`/proc/${name}/cwd`);
      } catch {
        // no access / gone
      }
      if (cmd.includes(clone) || cwd === clone || cwd.startsWith(`${clone}/`))
        out.push({ pid: Number(name), cmd });
    } catch {
      // exited while we looked
    }
  }
  return out;
}

/** The environment for the clone's commands: no DATABASE_URL, so `npm start` uses its embedded default. */
function testEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: "true" };
  delete env.DATABASE_URL;
  return env;
}

function run(cmd: string, args: string[], cwd: string, timeoutMs: number): void {
  execFileSync(cmd, args, { cwd, stdio: "pipe", timeout: timeoutMs, env: testEnv() });
}

async function waitForOutput(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const m = output.match(re);
    if (m) return m;
    if (child?.exitCode !== null || child?.signalCode !== null)
      throw new Error(
        `npm start exited early (${child?.exitCode ?? child?.signalCode}):\n${output.slice(-4000)}`,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${re}:\n${output.slice(-4000)}`);
}

async function grpcHealth(address: string): Promise<HealthCheckResponse> {
  const client = new TradingEngineClient(address, credentials.createInsecure());
  try {
    return await new Promise((resolve, reject) =>
      client.healthCheck({}, new Metadata(), { deadline: Date.now() + 5_000 }, (err, res) =>
        err ? reject(err) : resolve(res),
      ),
    );
  } finally {
    client.close();
  }
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "hft-start-test-"));
  clone = join(work, "repo");
  // Only committed code: a clone of the checkout this test runs in.
  run("git", ["clone", "--quiet", REPO, clone], work, 60_000);
  // A real `npm ci` (about a minute from the local npm cache here): the clone must install from its own lockfile;
  // reusing this checkout's node_modules would resolve the workspace packages back into this checkout.
  run("npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund"], clone, 600_000);
}, 12 * 60_000);

afterAll(async () => {
  // Only if the test failed half-way: kill the clone's processes (by pid, each one we found), then remove it.
  if (child && child.exitCode === null && child.signalCode === null && child.pid) {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  if (clone) for (const p of processesOfClone()) process.kill(p.pid, "SIGKILL");
  // The clone holds a full node_modules and a Next.js build: removing it can take minutes on a busy disk.
  if (work) await rm(work, { recursive: true, force: true, maxRetries: 3 });
}, 5 * 60_000);

/** Runs `npm start -- <args>` in the clone to completion (for the quick cases); returns exit code and output. */
function startToEnd(args: string[], timeoutMs: number): { code: number | null; out: string } {
  try {
    const out = execFileSync("npm", ["start", "--", ...args], {
      cwd: clone,
      encoding: "utf8",
      stdio: "pipe",
      timeout: timeoutMs,
      env: testEnv(),
    });
    return { code: 0, out };
  } catch (err) {
    const e = err as { status: number | null; stdout?: string; stderr?: string };
    return { code: e.status, out: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

describe("npm start on a fresh clone", () => {
  it("explains its options with --help", () => {
    const r = startToEnd(["--help"], 60_000);
    expect(r.code, r.out).toBe(0);
    for (const opt of [
      "--engine-port",
      "--backend-port",
      "--web-port",
      "--database-url",
      "--data-dir",
      "--no-web",
    ]) {
      expect(r.out).toContain(opt);
    }
    expect(r.out).toMatch(/--engine-port <port>\s+engine gRPC port \(default: 50051\)/);
  }, 60_000);

  it("refuses a port that is already taken, before starting anything", async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, "127.0.0.1", () => r()));
    const port = (busy.address() as AddressInfo).port;
    try {
      const r = startToEnd(["--backend-port", String(port), "--no-web"], 60_000);
      expect(r.code).not.toBe(0);
      expect(r.out).toContain(`port ${port} (backend) is already in use`);
      expect(r.out).not.toContain("Embedded PostgreSQL");
      expect(processesOfClone()).toEqual([]);
    } finally {
      busy.close();
    }
  }, 60_000);

  it(
    "brings up engine, backend and web, and Ctrl-C stops every process",
    async () => {
      expect(existsSync(join(clone, "node_modules", ".bin", "tsx"))).toBe(true);
      const ports = {
        engine: await freePort(),
        metrics: await freePort(),
        backend: await freePort(),
        web: await freePort(),
      };
      child = spawn(
        "npm",
        [
          "start",
          "--",
          "--engine-port",
          String(ports.engine),
          "--engine-metrics-port",
          String(ports.metrics),
          "--backend-port",
          String(ports.backend),
          "--web-port",
          String(ports.web),
        ],
        // Own process group, so SIGINT to the group is what a terminal's Ctrl-C does to `npm start`.
        {
          cwd: clone,
          detached: true,
          stdio: ["ignore", "pipe", "pipe"],
          env: testEnv(),
        },
      );
      child.stdout?.on("data", (d: Buffer) => {
        output += d.toString();
      });
      child.stderr?.on("data", (d: Buffer) => {
        output += d.toString();
      });
      const exited = new Promise<void>((r) => child?.once("exit", () => r()));

      // Prisma generate + embedded PostgreSQL + migrations + seed + `next build` (~35 s here) + three services.
      await waitForOutput(/HFT platform is running/, 8 * 60_000);
      const apiKey = (await waitForOutput(/Demo API key\s+(\S+)/, 1_000))[1];

      // Engine: gRPC HealthCheck over loopback with the generated client.
      const health = await grpcHealth(`127.0.0.1:${ports.engine}`);
      expect(health.healthy).toBe(true);

      // Backend: /health (engine, database, feed), /metrics, and the printed demo API key authenticates.
      const h = await fetch(`http://127.0.0.1:${ports.backend}/health`);
      expect(h.status).toBe(200);
      const hb = (await h.json()) as { status: string; checks: Record<string, { status: string }> };
      expect(hb.status).toBe("ok");
      expect(hb.checks.database?.status).toBe("ok");
      expect(hb.checks.engine?.status).toBe("ok");
      const m = await fetch(`http://127.0.0.1:${ports.backend}/metrics`);
      expect(m.status).toBe(200);
      expect(await m.text()).toMatch(/^hft_\w+/m);
      const me = await fetch(`http://127.0.0.1:${ports.backend}/api/v1/auth/me`, {
        headers: { "X-API-Key": apiKey },
      });
      expect(me.status).toBe(200);
      expect(JSON.stringify(await me.json())).toContain('"demo"');
      const em = await fetch(`http://127.0.0.1:${ports.metrics}/metrics`);
      expect(em.status).toBe(200);

      // Web: the production server answers with the app's HTML.
      const w = await fetch(`http://127.0.0.1:${ports.web}/`);
      expect(w.status).toBe(200);
      expect(await w.text()).toMatch(/<html/i);

      const running = processesOfClone();
      const cmds = running.map((p) => p.cmd).join("\n");
      expect(cmds).toContain("services/engine/src/main.ts");
      expect(cmds).toContain("services/backend/src/main.ts");
      expect(cmds).toMatch(/next-server|next start/); // Next.js renames its process "next-server (vX)"

      // Ctrl-C.
      if (!child.pid) throw new Error("npm start has no pid");
      process.kill(-child.pid, "SIGINT");
      await Promise.race([
        exited,
        new Promise((_, rej) =>
          setTimeout(() => rej(new Error(`no exit after SIGINT:\n${output.slice(-3000)}`)), 60_000),
        ),
      ]);
      expect(output).toContain("All stopped.");

      // Nothing left: none of the processes we saw, no process of the clone, no listening port.
      for (let i = 0; i < 50 && processesOfClone().length > 0; i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(processesOfClone()).toEqual([]);
      for (const p of running)
        expect(existsSync(`/proc/${p.pid}`), `pid ${p.pid} (${p.cmd}) still exists`).toBe(false);
      for (const [name, port] of Object.entries(ports)) {
        expect(await canConnect(port), `${name} port ${port} still accepts connections`).toBe(false);
      }
    },
    10 * 60_000,
  );
});
