// Static checks of the container build: Dockerfiles, .dockerignore, docker-compose.yml and
// scripts/build-docker-images.sh. There is NO Docker engine on this machine, so no image is built or run
// here: the kind workflow (.github/workflows/kind.yml) builds the images and runs them in a cluster.
// What runs in the images was checked by starting the services from a production-only install (see
// docs/KUBERNETES_DEPLOYMENT.md, "Images").
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type ComposeFile, loadCompose, parseEnvFile, SEED_DEMO_SCRIPT } from "./lib/compose.js";
import { checkDockerfile, parseDockerfile, stageChain } from "./lib/dockerfile.js";
import { helmTemplate, repoRoot } from "./lib/render.js";
import { assertTools, checkTools, findTool, run } from "./lib/tools.js";

const read = (path: string) => readFileSync(join(repoRoot, path), "utf8");

// Dry runs print the docker commands only; their .env goes to a temp dir, never the repository's.
const scratch = mkdtempSync(join(tmpdir(), "hft-docker-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const dryRunWith = (env: Record<string, string>, ...args: string[]) =>
  run("bash", [join(repoRoot, "scripts", "build-docker-images.sh"), ...args], {
    env: { DRY_RUN: "1", HFT_ENV_FILE: join(scratch, ".env"), ...env },
  });
const dryRun = (...args: string[]) => dryRunWith({}, ...args);

const dockerfiles = [
  { file: "Dockerfiles/engine.Dockerfile", targets: ["runtime"], healthcheck: ["runtime"] },
  { file: "Dockerfiles/backend.Dockerfile", targets: ["runtime", "migrate"], healthcheck: ["runtime"] },
  { file: "Dockerfiles/web.Dockerfile", targets: ["runtime"], healthcheck: ["runtime"] },
];

describe("Dockerfiles (static: no Docker engine here)", () => {
  it.each(dockerfiles)(
    "$file: multi-stage, node:22, production deps only, numeric non-root USER, exec-form start, HEALTHCHECK, no secrets",
    (d) => {
      expect(checkDockerfile(read(d.file), d)).toEqual([]);
    },
  );

  it("the runtime stage is the last one (a plain `docker build` builds it)", () => {
    for (const d of dockerfiles)
      expect(parseDockerfile(read(d.file)).stages.at(-1)?.name, d.file).toBe("runtime");
  });

  it("backend's migrate target runs `prisma migrate deploy` where prisma.config.ts is", () => {
    const migrate = parseDockerfile(read("Dockerfiles/backend.Dockerfile")).stages.find(
      (s) => s.name === "migrate",
    )!;
    expect(migrate.instructions.find((i) => i.keyword === "CMD")?.args.trim()).toBe(
      '["prisma", "migrate", "deploy"]',
    );
    expect(
      migrate.instructions
        .filter((i) => i.keyword === "WORKDIR")
        .at(-1)
        ?.args.trim(),
    ).toBe("/app/services/backend");
    expect(read("services/backend/prisma.config.ts")).toMatch(/migrations/);
  });

  // The checks must be able to fail.
  it("the checker reports root users, dev dependencies, single stages, other Node versions and secrets", () => {
    const engine = read("Dockerfiles/engine.Dockerfile");
    const opts = { targets: ["runtime"], healthcheck: ["runtime"] };
    const cases: Array<[string, string, RegExp]> = [
      ["root", engine.replace("USER 1000:1000", "USER 0"), /USER is root/],
      ["named user", engine.replace("USER 1000:1000", "USER node"), /not numeric/],
      ["no user", engine.replace("USER 1000:1000", ""), /no USER/],
      ["dev deps", engine.replaceAll("npm ci --omit=dev", "npm ci"), /include dev dependencies/],
      ["node 20", engine.replace("node:22-bookworm-slim", "node:20-bookworm-slim"), /not Node 22/],
      ["no healthcheck", engine.replace(/HEALTHCHECK[^\n]*\\\n[^\n]*\n/, ""), /no HEALTHCHECK/],
      ["shell form", engine.replace(/ENTRYPOINT \[.*\]/, "ENTRYPOINT node main.js"), /shell form/],
      ["secret env", engine.replace("TMPDIR=/tmp", "TMPDIR=/tmp DB_PASSWORD=hunter2"), /secret-like/],
      ["copied key", engine.replace("COPY proto ./proto", "COPY tls.key ./proto"), /copies secrets/],
      ["single stage", 'FROM node:22-bookworm-slim\nUSER 1000\nCMD ["node"]\n', /not multi-stage/],
    ];
    for (const [name, text, message] of cases)
      expect(checkDockerfile(text, opts).join("\n"), name).toMatch(message);
  });

  it(".dockerignore keeps secrets, VCS data and local installs out of the build context", () => {
    const lines = read(".dockerignore")
      .split("\n")
      .map((l) => l.trim());
    for (const pattern of [".git", ".env", ".env.*", "**/node_modules", "**/*.key", "**/*.pem"])
      expect(lines, pattern).toContain(pattern);
  });
});

describe("Dockerfiles: what docs/DOCKER.md runs inside the containers", () => {
  const installer = read("scripts/install-k8s-tools.sh");
  const engine = parseDockerfile(read("Dockerfiles/engine.Dockerfile"));
  const pinned = (text: string, name: string) =>
    new RegExp(`${name}="?\\$\\{${name}:-(v[\\d.]+)\\}`).exec(text)?.[1];

  it("the engine image has grpc-health-probe and grpcurl on PATH, at the installer's versions", () => {
    expect(engine.stages.map((s) => s.name)).toContain("go-tools");
    const goTools = engine.stages.find((s) => s.name === "go-tools")!;
    const args = Object.fromEntries(
      goTools.instructions
        .filter((i) => i.keyword === "ARG")
        .map((i) => i.args.trim().split("=") as [string, string]),
    );
    const install = goTools.instructions.find((i) => i.keyword === "RUN")!.args;
    expect(install).toContain(`github.com/grpc-ecosystem/grpc-health-probe@\${GRPC_HEALTH_PROBE_VERSION}`);
    expect(install).toContain(`github.com/fullstorydev/grpcurl/cmd/grpcurl@\${GRPCURL_VERSION}`);
    for (const name of ["GRPC_HEALTH_PROBE_VERSION", "GRPCURL_VERSION"]) {
      expect(args[name], name).toMatch(/^v\d+\.\d+\.\d+$/);
      expect(pinned(installer, name), `${name} in scripts/install-k8s-tools.sh`).toBe(args[name]);
    }
    const copy = stageChain(engine, "runtime")
      .flatMap((s) => s.instructions)
      .find((i) => i.keyword === "COPY" && i.args.includes("--from=go-tools"));
    expect(copy?.args.trim()).toBe("--from=go-tools /out/grpc-health-probe /out/grpcurl /usr/local/bin/");
  });

  it.each(["engine", "backend"])(
    "%s: /var/log/trading exists in the image, owned by the runtime uid (a named volume there starts writable)",
    (name) => {
      const all = stageChain(parseDockerfile(read(`Dockerfiles/${name}.Dockerfile`)), "runtime")
        .toReversed()
        .flatMap((s) => s.instructions);
      const mk = all.findIndex(
        (i) =>
          i.keyword === "RUN" && /^install -d -o 1000 -g 1000 .*\/var\/log\/trading$/.test(i.args.trim()),
      );
      const user = all.findLastIndex((i) => i.keyword === "USER");
      expect(mk, "RUN install -d -o 1000 -g 1000 ... /var/log/trading").toBeGreaterThanOrEqual(0);
      expect(mk, "created as root, before USER").toBeLessThan(user);
      expect(all[user].args.trim()).toBe("1000:1000");
    },
  );
});

describe("docker-compose.yml (the guide's docker-compose commands)", () => {
  const text = read("docker-compose.yml");
  const secrets = { POSTGRES_PASSWORD: "pw0123abcd", AUTH_SECRET: "s3cr3t" };
  const compose = loadCompose(text, secrets);
  const services = compose.services;
  const longRunning = ["postgres", "hft-engine", "hft-backend", "hft-frontend"];

  it("has hft-engine, hft-backend, hft-frontend, postgres and migrate; every long-running one has a healthcheck", () => {
    expect(Object.keys(services).sort()).toEqual([
      "hft-backend",
      "hft-engine",
      "hft-frontend",
      "migrate",
      "postgres",
    ]);
    for (const name of longRunning) {
      const test = services[name].healthcheck?.test ?? [];
      expect(test[0], name).toMatch(/^CMD(-SHELL)?$/);
      expect(test.length, name).toBeGreaterThan(1);
    }
    expect(services.migrate.healthcheck, "one-shot: exits 0").toBeUndefined();
  });

  it("runs the images scripts/build-docker-images.sh builds, tag latest by default", () => {
    const built = dryRun("local", "latest")
      .stdout.split("\n")
      .map((l) => / -t (\S+) /.exec(l)?.[1])
      .filter(Boolean);
    expect(
      Object.values(services)
        .filter((s) => s.build)
        .map((s) => s.image)
        .sort(),
    ).toEqual(built.sort());
    const pushed = loadCompose(text, { ...secrets, HFT_REGISTRY: "docker.io/you/", HFT_TAG: "1.0.0" });
    expect(pushed.services["hft-engine"].image).toBe("docker.io/you/hft-engine:1.0.0");
  });

  it("starts in order: postgres healthy -> migrate done -> hft-backend (with hft-engine healthy) -> hft-frontend", () => {
    expect(services.migrate.depends_on).toEqual({ postgres: { condition: "service_healthy" } });
    expect(services["hft-backend"].depends_on).toEqual({
      migrate: { condition: "service_completed_successfully" },
      "hft-engine": { condition: "service_healthy" },
    });
    expect(services["hft-frontend"].depends_on).toEqual({ "hft-backend": { condition: "service_healthy" } });
    expect(services["hft-backend"].environment?.ENGINE_ADDR).toBe("hft-engine:50051");
    expect(services["hft-frontend"].environment?.BACKEND_URL).toBe("http://hft-backend:8000");
  });

  it("publishes 5432, 50051, 8000 and 3000 on 127.0.0.1 only (ephemeral when the HFT_*_PORT variable is empty)", () => {
    expect(Object.fromEntries(Object.entries(services).map(([n, s]) => [n, s.ports ?? []]))).toEqual({
      postgres: ["127.0.0.1:5432:5432"],
      migrate: [],
      "hft-engine": ["127.0.0.1:50051:50051"],
      "hft-backend": ["127.0.0.1:8000:8000"],
      "hft-frontend": ["127.0.0.1:3000:3000"],
    });
    const check = loadCompose(text, { ...secrets, HFT_ENGINE_PORT: "" });
    expect(check.services["hft-engine"].ports).toEqual(["127.0.0.1::50051"]);
  });

  it("every service is non-root, read-only, without capabilities", () => {
    for (const [name, s] of Object.entries(services)) {
      expect(s.read_only, name).toBe(true);
      expect(s.cap_drop, name).toEqual(["ALL"]);
      expect(s.user, name).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    }
  });

  it("PostgreSQL: user trading_user, database trading_db, pg_isready as the healthcheck, backend and migrate use it", () => {
    const pg = services.postgres;
    expect(pg.environment).toMatchObject({ POSTGRES_USER: "trading_user", POSTGRES_DB: "trading_db" });
    expect(pg.healthcheck?.test.join(" ")).toMatch(/pg_isready .*-U trading_user -d trading_db/);
    const url = "postgresql://trading_user:pw0123abcd@postgres:5432/trading_db";
    expect(services.migrate.environment?.DATABASE_URL).toBe(url);
    expect(services["hft-backend"].environment?.DATABASE_URL).toBe(url);
  });

  it("holds no secret values: they are required variables whose error names scripts/compose-env.sh", () => {
    const raw = parse(text, { merge: true }) as ComposeFile;
    const env = Object.values(raw.services).flatMap((s) => Object.entries(s.environment ?? {}));
    const withSecrets = env.filter(([k]) => /PASSWORD|SECRET|DATABASE_URL/.test(k));
    expect(withSecrets.length).toBeGreaterThanOrEqual(4);
    for (const [k, value] of withSecrets)
      expect(value, k).toMatch(/\$\{[A-Z_]+:\?[^}]*scripts\/compose-env\.sh[^}]*\}/);
    expect(() => loadCompose(text, {})).toThrow(/POSTGRES_PASSWORD .*scripts\/compose-env\.sh/);
    expect(() => loadCompose(text, { POSTGRES_PASSWORD: "x" })).toThrow(
      /AUTH_SECRET .*scripts\/compose-env\.sh/,
    );
  });

  it("engine and backend also log to /var/log/trading (a named volume), which their configs accept as LOG_FILE", () => {
    expect(services["hft-engine"].environment?.LOG_FILE).toBe("/var/log/trading/engine.log");
    expect(services["hft-backend"].environment?.LOG_FILE).toBe("/var/log/trading/backend.log");
    for (const name of ["hft-engine", "hft-backend"]) {
      const mount = services[name].volumes?.find((v) => v.endsWith(":/var/log/trading"));
      expect(mount, name).toBeDefined();
      expect(Object.keys(compose.volumes)).toContain(mount!.split(":")[0]);
    }
    expect(read("services/engine/src/config/index.ts")).toMatch(/name: "LOG_FILE"/);
    expect(read("services/backend/src/config/index.ts")).toMatch(/\bLOG_FILE: z\./);
  });

  it("performance tuning of the guide: engine 2 CPUs + 1G reserved and capped, backend WORKER_THREADS=4, MAX_POOL_SIZE=100", () => {
    const engine = services["hft-engine"];
    const resources = { cpus: "2", memory: "1G" };
    expect(engine.deploy?.resources).toEqual({ limits: resources, reservations: resources });
    expect(engine.cpuset).toBe("");
    // Also as service-level keys (applied by every Compose version outside Swarm), with the same values.
    expect([engine.cpus, engine.mem_limit, engine.mem_reservation]).toEqual(["2", "1g", "1g"]);
    expect(loadCompose(text, { ...secrets, HFT_ENGINE_CPUSET: "2-3" }).services["hft-engine"].cpuset).toBe(
      "2-3",
    );
    expect(
      loadCompose(text, { ...secrets, HFT_ENGINE_CPUS: "1" }).services["hft-engine"].deploy?.resources?.limits
        ?.cpus,
    ).toBe("1");
    const backend = services["hft-backend"].environment ?? {};
    expect(backend).toMatchObject({ WORKER_THREADS: "4", MAX_POOL_SIZE: "100" });
    // The names are the backend's real settings, and PostgreSQL allows the pool plus a few other sessions.
    const config = read("services/backend/src/config/index.ts");
    expect(config).toMatch(/\bWORKER_THREADS: z\./);
    expect(config).toMatch(/\bMAX_POOL_SIZE: z\./);
    const maxConnections = Number(
      /max_connections=(\d+)/.exec(services.postgres.command?.join(" ") ?? "")?.[1],
    );
    expect(maxConnections).toBeGreaterThanOrEqual(Number(backend.MAX_POOL_SIZE) + 10);
  });

  it("builds from the Dockerfiles and targets that exist", () => {
    for (const [name, s] of Object.entries(services)) {
      if (!s.build) continue;
      const stages = parseDockerfile(read(s.build.dockerfile)).stages.map((st) => st.name);
      expect(stages, name).toContain(s.build.target ?? "runtime");
    }
  });
});

describe("scripts/build-docker-images.sh and scripts/compose-env.sh", () => {
  const script = join(repoRoot, "scripts", "build-docker-images.sh");
  it("pass bash -n (and shellcheck when installed)", () => {
    const scripts = [script, join(repoRoot, "scripts", "compose-env.sh")];
    for (const s of scripts) expect(run("bash", ["-n", s]).status, s).toBe(0);
    const shellcheck = findTool("shellcheck");
    if (shellcheck) expect(run(shellcheck, scripts)).toMatchObject({ status: 0, stdout: "" });
  });

  it("builds hft-engine, hft-backend, hft-backend-migrate, hft-frontend locally, then checks them (no push)", () => {
    const local = dryRun("local", "latest");
    expect(local.status, local.stderr).toBe(0);
    const lines = local.stdout.split("\n");
    const builds = lines.filter((l) => l.startsWith("+ docker build"));
    expect(builds.map((l) => / -t (\S+)/.exec(l)?.[1]).sort()).toEqual([
      "hft-backend-migrate:latest",
      "hft-backend:latest",
      "hft-engine:latest",
      "hft-frontend:latest",
    ]);
    expect(local.stdout).not.toContain("docker push");
    // "Run all health checks": image inspect, then the compose stack under its own project, probed.
    expect(lines.filter((l) => l.startsWith("+ docker image inspect"))).toHaveLength(4);
    const compose = lines.filter((l) => l.includes(" -p hft-platform-check -f docker-compose.yml "));
    expect(compose.map((l) => l.replace(/^.* -f docker-compose\.yml /, ""))).toEqual([
      "up -d --no-build",
      "ps",
      "exec -T hft-engine grpcurl -plaintext localhost:50051 trading.pb.TradingEngine/HealthCheck",
      "exec -T postgres pg_isready -U trading_user",
      "exec -T hft-engine tail -n 1 /var/log/trading/engine.log",
      "exec -T hft-backend tail -n 1 /var/log/trading/backend.log",
    ]);
    expect(dryRun("local").stdout, "default tag: latest").toContain("-t hft-engine:latest ");
    const skipped = dryRunWith({ CHECKS: "0" }, "local", "t1");
    expect(skipped.stdout).not.toMatch(/^\+ docker (image inspect|compose)/m);
  });

  it("pushes REGISTRY/NAME:TAG when a registry is given (and runs no local checks)", () => {
    const pushed = dryRun("docker.io/yourusername", "1.0.0");
    expect(pushed.status, pushed.stderr).toBe(0);
    expect(
      pushed.stdout
        .split("\n")
        .filter((l) => l.startsWith("+ docker push"))
        .sort(),
    ).toEqual([
      "+ docker push docker.io/yourusername/hft-backend-migrate:1.0.0",
      "+ docker push docker.io/yourusername/hft-backend:1.0.0",
      "+ docker push docker.io/yourusername/hft-engine:1.0.0",
      "+ docker push docker.io/yourusername/hft-frontend:1.0.0",
    ]);
    expect(pushed.stdout).not.toMatch(/^\+ docker (image inspect|compose)/m);
    expect(dryRun("my-registry.io:5000/team/", "t2").stdout).toContain(
      "+ docker push my-registry.io:5000/team/hft-frontend:t2",
    );
  });

  it("rejects a malformed registry or tag with exit code 2", () => {
    for (const args of [["not a registry"], ["local", "bad tag"], ["UPPER.example"]]) {
      const r = dryRun(...args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/invalid (registry|tag)/);
    }
  });

  it("creates a private .env with random secrets that docker-compose.yml resolves with, and keeps it after", () => {
    // A copy of what the scripts read, so the repository's own .env is never touched.
    const copy = mkdtempSync(join(tmpdir(), "hft-compose-env-"));
    try {
      for (const f of [
        "scripts/build-docker-images.sh",
        "scripts/compose-env.sh",
        "charts/hft-platform/Chart.yaml",
      ])
        cpSync(join(repoRoot, f), join(copy, f), { recursive: true });
      const envFile = join(copy, ".env");
      const first = run("bash", [join(copy, "scripts", "build-docker-images.sh"), "local", "latest"], {
        env: { DRY_RUN: "1", HFT_ENV_FILE: "" },
      });
      expect(first.status, first.stderr).toBe(0);
      expect(first.stdout).toContain("compose-env: wrote POSTGRES_PASSWORD AUTH_SECRET");
      expect(statSync(envFile).mode & 0o777).toBe(0o600);
      const env = parseEnvFile(readFileSync(envFile, "utf8"));
      expect(env.POSTGRES_PASSWORD).toMatch(/^[0-9a-f]{48}$/);
      expect(env.AUTH_SECRET).toMatch(/^[0-9a-f]{64}$/);
      for (const value of [env.POSTGRES_PASSWORD, env.AUTH_SECRET]) expect(first.stdout).not.toContain(value);
      const resolved = loadCompose(read("docker-compose.yml"), env);
      expect(resolved.services["hft-backend"].environment?.AUTH_SECRET).toBe(env.AUTH_SECRET);
      expect(resolved.services.postgres.environment?.POSTGRES_PASSWORD).toBe(env.POSTGRES_PASSWORD);

      // Kept on the next build: a new password would lock the backend out of the existing database volume.
      const second = run("bash", [join(copy, "scripts", "build-docker-images.sh"), "local", "latest"], {
        env: { DRY_RUN: "1", HFT_ENV_FILE: "" },
      });
      expect(second.stdout).toContain("already has every secret (kept)");
      expect(parseEnvFile(readFileSync(envFile, "utf8"))).toEqual(env);
      // Another checkout gets other values.
      const other = join(copy, "other.env");
      run("bash", [join(copy, "scripts", "compose-env.sh"), other]);
      expect(parseEnvFile(readFileSync(other, "utf8")).AUTH_SECRET).not.toBe(env.AUTH_SECRET);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
    // Never committed, never in a build context.
    expect(run("git", ["check-ignore", "-q", ".env"], { cwd: repoRoot }).status).toBe(0);
    expect(read(".dockerignore").split("\n")).toContain(".env");
  });

  const helm = checkTools(["helm"]);
  it.skipIf(helm.skip)(
    "builds exactly the images the Helm chart deploys (same names, registry and tag)",
    () => {
      const objects = helmTemplate(helm.paths.helm, [
        "--set",
        "image.registry=registry.example:5000/team,image.tag=t3",
      ]);
      const chartImages = new Set(
        objects
          .flatMap((o) => {
            const pod = o.spec?.template?.spec ?? o.spec;
            return [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])] as Array<{ image: string }>;
          })
          .map((c) => c.image)
          .filter((i) => i.includes("/hft-")),
      );
      const built = dryRun("registry.example:5000/team", "t3")
        .stdout.split("\n")
        .map((l) => / -t (\S+)/.exec(l)?.[1])
        .filter((x): x is string => Boolean(x));
      expect([...chartImages].sort()).toEqual(built.sort());
    },
  );

  // The checks' control flow against a stand-in docker CLI (there is no Docker engine here): it must pass when
  // every image and service is fine, fail when one is not, and always remove its stack.
  describe("checks after a local build (stand-in docker CLI)", () => {
    const dir = mkdtempSync(join(tmpdir(), "hft-fake-docker-"));
    const fake = join(dir, "docker");
    const calls = join(dir, "calls.log");
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(
      fake,
      `#!/usr/bin/env bash
echo "$*" >>"${calls}"
case " $* " in
  *" compose version "*) echo "Docker Compose version v2.40.0" ;;
  *" info "*) echo 8 ;;
  *" image inspect "*) echo "\${FAKE_USER:-1000:1000} \${FAKE_HEALTH:-healthcheck}" ;;
  *" ps -q "*) echo "id-\${@: -1}" ;;
  *" inspect --format {{.State.Health.Status}} "*)
    [[ "\${@: -1}" == "id-\${FAKE_UNHEALTHY:-none}" ]] && echo unhealthy || echo healthy ;;
esac
exit 0
`,
      { mode: 0o755 },
    );
    const build = (env: Record<string, string> = {}) => {
      writeFileSync(calls, "");
      const r = run("bash", [script, "local", "t9"], {
        env: { DOCKER: fake, HFT_ENV_FILE: join(dir, ".env"), CHECK_TIMEOUT: "2", ...env },
      });
      return { ...r, calls: readFileSync(calls, "utf8").trim().split("\n") };
    };

    it("passes: images inspected, stack up, healthy, probed, removed", () => {
      const r = build();
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain("image and stack checks passed");
      expect(r.calls.filter((c) => c.startsWith("image inspect"))).toHaveLength(4);
      const compose = r.calls
        .filter((c) => c.startsWith("compose ") && !c.includes(" ps -q "))
        .map((c) => c.replace(/^.* -f docker-compose\.yml /, ""));
      expect(compose).toEqual([
        "compose version",
        "up -d --no-build",
        "ps",
        "exec -T hft-engine grpcurl -plaintext localhost:50051 trading.pb.TradingEngine/HealthCheck",
        "exec -T postgres pg_isready -U trading_user",
        "exec -T hft-engine tail -n 1 /var/log/trading/engine.log",
        "exec -T hft-backend tail -n 1 /var/log/trading/backend.log",
        "down -v --remove-orphans",
      ]);
      expect(r.calls.find((c) => c.includes(" up -d"))).toMatch(
        /^compose --env-file \S+\.env -p hft-platform-check /,
      );
    });

    it("fails on an image running as root or without HEALTHCHECK", () => {
      const root = build({ FAKE_USER: "0" });
      expect(root.status).toBe(1);
      expect(root.stderr).toMatch(/CHECK FAILED: hft-engine:t9: runs as '0'/);
      const noHealth = build({ FAKE_HEALTH: "none" });
      expect(noHealth.status).toBe(1);
      expect(noHealth.stderr).toMatch(/CHECK FAILED: hft-engine:t9: no HEALTHCHECK/);
    });

    it("fails when a service does not become healthy, and still removes the stack", () => {
      const r = build({ FAKE_UNHEALTHY: "hft-backend" });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/CHECK FAILED: hft-backend is 'unhealthy' after 2s/);
      expect(r.calls.at(-1)).toMatch(/ down -v --remove-orphans$/);
    });
  });
});

describe("docs/DOCKER.md", () => {
  const doc = read("docs/DOCKER.md");

  it("has every docker-compose command of the original platform guide, for our service names", () => {
    for (const command of [
      "./scripts/build-docker-images.sh local latest",
      "./scripts/build-docker-images.sh docker.io/yourusername 1.0.0",
      "docker-compose up -d",
      "docker-compose ps",
      "docker-compose logs -f",
      ...["hft-engine", "hft-backend", "hft-frontend", "postgres"].map((s) => `docker-compose logs ${s}`),
      "docker-compose exec hft-engine tail -f /var/log/trading/engine.log",
      "docker-compose exec hft-backend tail -f /var/log/trading/backend.log",
      "docker-compose exec hft-engine grpcurl -plaintext localhost:50051 trading.pb.TradingEngine/HealthCheck",
      "grpcurl -plaintext localhost:50051 list",
      "curl http://localhost:8000/health",
      "curl http://localhost:8000/metrics | grep hft_",
      "docker-compose exec postgres pg_isready -U trading_user",
      "psql -h localhost -U trading_user -d trading_db",
      "docker-compose build --no-cache hft-engine",
      "docker-compose up -d hft-engine",
      "docker-compose down",
      "docker-compose down -v",
      "docker rmi hft-engine hft-backend hft-frontend",
    ])
      expect(doc, command).toContain(command);
  });

  it("its demo-user command is the one images.test.ts runs in the replayed backend image", () => {
    expect(doc).toContain(
      `docker-compose exec hft-backend node --import tsx --input-type=module -e '${SEED_DEMO_SCRIPT}'`,
    );
  });
});

// The same file through compose-go, the loader of Docker Compose v2 (what `docker compose config` and `up` run
// first): interpolation with .env, the Compose JSON schema, normalization. Built by scripts/install-k8s-tools.sh.
const composeConfig = checkTools(["compose-config"]);
describe.skipIf(composeConfig.skip)("docker-compose.yml through Docker Compose's loader (compose-go)", () => {
  // Collected even when skipped (where afterAll does not run): no temp dir then.
  const dir = composeConfig.skip ? "" : mkdtempSync(join(tmpdir(), "hft-compose-config-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const envFile = join(dir, ".env");
  const emptyEnv = join(dir, "empty.env");
  const file = join(repoRoot, "docker-compose.yml");
  // Variables the developer's shell might set must not leak into the checks.
  const clean = Object.fromEntries(
    [
      "POSTGRES_PASSWORD",
      "AUTH_SECRET",
      "HFT_REGISTRY",
      "HFT_TAG",
      "HFT_ENGINE_CPUS",
      "HFT_ENGINE_CPUSET",
    ].map((k) => [k, undefined]),
  );
  /** env: an env file, or null for Compose's default (.env beside the compose file). */
  const config = (env: string | null, composeFile = file, vars: Record<string, string> = {}) =>
    run(composeConfig.paths["compose-config"], [...(env ? ["-env-file", env] : []), composeFile], {
      env: { ...clean, ...vars },
    });
  type Resolved = {
    services: Record<
      string,
      {
        image: string;
        cpuset?: string;
        cpus?: number;
        mem_limit?: string;
        mem_reservation?: string;
        environment: Record<string, string>;
        ports?: Array<{ host_ip: string; target: number; published?: string }>;
        deploy?: {
          resources: {
            limits: { cpus: number; memory: string };
            reservations: { cpus: number; memory: string };
          };
        };
        volumes?: Array<{ type: string; source: string; target: string }>;
        healthcheck?: { test: string[] };
      }
    >;
    volumes: Record<string, { name: string }>;
  };

  it("accepts it with the .env scripts/compose-env.sh writes, resolving what docker-compose up would run", () => {
    assertTools(composeConfig);
    expect(run("bash", [join(repoRoot, "scripts", "compose-env.sh"), envFile]).status).toBe(0);
    const env = parseEnvFile(readFileSync(envFile, "utf8"));
    const r = config(envFile);
    expect(r.status, r.stderr).toBe(0);
    const p = parse(r.stdout) as Resolved;
    expect(Object.keys(p.services).sort()).toEqual([
      "hft-backend",
      "hft-engine",
      "hft-frontend",
      "migrate",
      "postgres",
    ]);
    expect(p.services["hft-engine"].image).toBe("hft-engine:latest");
    expect(p.services["hft-frontend"].image).toBe("hft-frontend:latest");
    for (const name of ["postgres", "hft-engine", "hft-backend", "hft-frontend"])
      expect(p.services[name].healthcheck?.test.length, name).toBeGreaterThan(1);
    const ports = Object.entries(p.services).flatMap(([, s]) => s.ports ?? []);
    expect(ports.map((x) => `${x.host_ip}:${x.published}:${x.target}`).sort()).toEqual([
      "127.0.0.1:3000:3000",
      "127.0.0.1:50051:50051",
      "127.0.0.1:5432:5432",
      "127.0.0.1:8000:8000",
    ]);
    expect(p.services["hft-backend"].environment.AUTH_SECRET).toBe(env.AUTH_SECRET);
    expect(p.services["hft-backend"].environment.DATABASE_URL).toBe(
      `postgresql://trading_user:${env.POSTGRES_PASSWORD}@postgres:5432/trading_db`,
    );
    const gib = String(1024 ** 3);
    expect(p.services["hft-engine"].deploy?.resources).toEqual({
      limits: { cpus: 2, memory: gib },
      reservations: { cpus: 2, memory: gib },
    });
    expect(p.services["hft-engine"].cpuset).toBeUndefined();
    expect(p.services["hft-engine"]).toMatchObject({ cpus: 2, mem_limit: gib, mem_reservation: gib });
    for (const name of ["hft-engine", "hft-backend"])
      expect(p.services[name].volumes, name).toContainEqual(
        expect.objectContaining({ type: "volume", source: "logs", target: "/var/log/trading" }),
      );
    expect(p.volumes.logs.name).toBe("hft-platform_logs");
  });

  it("fails without the secrets, naming scripts/compose-env.sh (plain `docker-compose up -d` without .env)", () => {
    writeFileSync(emptyEnv, "");
    // A checkout without .env: the compose file alone in a directory.
    const bare = join(dir, "bare");
    mkdirSync(bare);
    cpSync(file, join(bare, "docker-compose.yml"));
    for (const x of [config(emptyEnv), config(null, join(bare, "docker-compose.yml"))]) {
      expect(x.status).toBe(1);
      expect(x.stderr).toMatch(
        /required variable POSTGRES_PASSWORD is missing a value: run scripts\/compose-env\.sh/,
      );
      expect(x.stderr).toMatch(
        /required variable AUTH_SECRET is missing a value: run scripts\/compose-env\.sh/,
      );
    }
  });

  it("the build script's check settings and the tuning variables resolve as intended", () => {
    const r = config(envFile, file, {
      HFT_ENGINE_PORT: "",
      HFT_ENGINE_CPUSET: "2-3",
      HFT_ENGINE_CPUS: "1",
      HFT_TAG: "t9",
    });
    expect(r.status, r.stderr).toBe(0);
    const engine = (parse(r.stdout) as Resolved).services["hft-engine"];
    expect(engine.ports).toEqual([expect.objectContaining({ host_ip: "127.0.0.1", target: 50051 })]);
    expect(engine.ports?.[0].published, "ephemeral host port").toBeUndefined();
    expect(engine.cpuset).toBe("2-3");
    expect(engine.deploy?.resources.limits.cpus).toBe(1);
    expect(engine.image).toBe("hft-engine:t9");
  });

  it("rejects a broken copy (the check can fail): unknown key, bad CPU count", () => {
    const text = read("docker-compose.yml");
    for (const [name, broken, message] of [
      ["typo", text.replace("healthcheck:", "healthchek:"), /healthchek/],
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Compose variable reference, not JavaScript
      ["cpus", text.replace('cpus: "${HFT_ENGINE_CPUS:-2}"', 'cpus: "two"'), /cpus/],
      ["limits disagree", text.replace("mem_limit: 1g", "mem_limit: 2g"), /distinct values on 'mem_limit'/],
    ] as const) {
      const copy = join(dir, `${name}.yml`);
      writeFileSync(copy, broken);
      const r = config(envFile, copy);
      expect(r.status, name).toBe(1);
      expect(r.stderr, name).toMatch(message);
    }
  });
});
