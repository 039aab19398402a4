// The engine and backend images run from what they contain. No Docker engine here, so the Dockerfiles' stages
// are replayed in temp dirs (lib/image-emulation.ts: same `npm ci`, same COPY lists, ENV, WORKDIR, USER,
// ENTRYPOINT, HEALTHCHECK): production-only node_modules, started as the image's uid 1000 on a root-owned
// (read-only for it) tree with only TMPDIR writable, HEALTHCHECK commands run as Docker would, SIGTERM exits 0.
// The backend runs against a real PostgreSQL and the engine started from the engine image's tree.
// (The web image needs a `next build`, too slow for this suite: the kind workflow runs it.)
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { applyMigrations, type StartedPostgres, startPostgres } from "@hft/devstack";
import { afterAll, describe, expect, it } from "vitest";
import { SEED_DEMO_SCRIPT } from "./lib/compose.js";
import { freePort } from "./lib/controlplane.js";
import {
  type EmulatedImage,
  emulateImage,
  filesWrittenBy,
  runAsImageUser,
  runHealthcheck,
  type Started,
  startImage,
} from "./lib/image-emulation.js";
import { assertTools, checkTools, toolsBin } from "./lib/tools.js";

const tools = checkTools(["grpc-health-probe"]);

async function until(what: string, check: () => boolean, output: () => string, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${output().slice(-3000)}`);
    await sleep(200);
  }
}

describe.skipIf(tools.skip)("images run from their own contents (Dockerfile replay, no Docker)", () => {
  const images: EmulatedImage[] = [];
  const running: Started[] = [];
  let pg: StartedPostgres | undefined;
  let enginePort = 0;
  afterAll(async () => {
    for (const r of running.reverse()) await r.stop();
    await pg?.stop();
    for (const i of images) i.cleanup();
  }, 120_000);

  it("engine: production deps only, runs as uid 1000 on a read-only tree, HEALTHCHECK passes", async () => {
    assertTools(tools);
    const image = emulateImage("Dockerfiles/engine.Dockerfile", "runtime");
    images.push(image);
    const nm = join(image.root, "node_modules");
    expect(existsSync(join(nm, "tsx")), "tsx (runtime dependency)").toBe(true);
    for (const dev of ["vitest", "@biomejs/biome", "@bufbuild/buf", "ts-proto", "node"])
      expect(existsSync(join(nm, dev)), `dev dependency ${dev} in the image`).toBe(false);
    expect(image.user).toEqual({ uid: 1000, gid: 1000 });

    enginePort = await freePort();
    const env = { ENGINE_HOST: "127.0.0.1", ENGINE_PORT: String(enginePort), ENGINE_METRICS_PORT: "0" };
    const engine = startImage(image, env);
    running.push(engine);
    await until("engine listening", () => engine.output().includes("engine listening"), engine.output);
    expect(runHealthcheck(image, env, toolsBin)).toBe(0);
    // The same health check fails when nothing serves (it can tell).
    expect(runHealthcheck(image, { ...env, ENGINE_PORT: String(await freePort()) }, toolsBin)).not.toBe(0);

    const user = runAsImageUser(image);
    if (user) expect(filesWrittenBy(image.root, user.uid)).toEqual([]);
    else console.warn("[k8s-tests] not root (or node not reachable for uid 1000): ran as the current user");
  });

  it("backend: generated Prisma client, serves against PostgreSQL and the engine, HEALTHCHECK passes", async () => {
    assertTools(tools);
    expect(enginePort, "engine from the previous test").toBeGreaterThan(0);
    pg = await startPostgres({ fsync: false });
    await applyMigrations(pg.url);
    const image = emulateImage("Dockerfiles/backend.Dockerfile", "runtime");
    images.push(image);
    expect(existsSync(join(image.root, "services/backend/src/db/generated/client.ts"))).toBe(true);
    expect(existsSync(join(image.root, "node_modules", "vitest"))).toBe(false);

    const env = {
      HOST: "127.0.0.1",
      PORT: String(await freePort()),
      DATABASE_URL: pg.url,
      ENGINE_ADDR: `127.0.0.1:${enginePort}`,
      AUTH_SECRET: randomBytes(32).toString("hex"),
    };
    const backend = startImage(image, env);
    running.push(backend);
    // Docker would mark the container healthy once HEALTHCHECK (GET /health == 200) passes.
    await until(
      "backend HEALTHCHECK",
      () => backend.child.exitCode === null && runHealthcheck(image, env, toolsBin) === 0,
      backend.output,
    );
    const user = runAsImageUser(image);
    if (user) expect(filesWrittenBy(join(image.root, "services"), user.uid)).toEqual([]);

    // docs/DOCKER.md's demo user, created inside the running container with what the image contains:
    //   docker-compose exec hft-backend node --import tsx --input-type=module -e '<SEED_DEMO_SCRIPT>'
    const seed = spawnSync(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", SEED_DEMO_SCRIPT],
      {
        cwd: image.workdir,
        env: {
          PATH: process.env.PATH ?? "",
          HOME: "/nonexistent",
          ...image.env,
          TMPDIR: backend.tmp,
          ...env,
        },
        encoding: "utf8",
        timeout: 60_000,
        ...(user ?? {}),
      },
    );
    expect(seed.status, seed.stderr).toBe(0);
    expect(seed.stdout).toMatch(/^user demo \/ demo-password, API key \S{20,}\n$/);
    const apiKey = /API key (\S+)/.exec(seed.stdout)![1];
    const me = await fetch(`http://127.0.0.1:${env.PORT}/api/v1/auth/me`, {
      headers: { "X-API-Key": apiKey },
    });
    expect(me.status, await me.clone().text()).toBe(200);
  });

  it("SIGTERM stops backend and engine gracefully (exit code 0)", async () => {
    assertTools(tools);
    expect(running).toHaveLength(2);
    const [engine, backend] = running.splice(0, 2);
    expect(await backend.stop(), backend.output().slice(-2000)).toBe(0);
    expect(await engine.stop(), engine.output().slice(-2000)).toBe(0);
  });
});
