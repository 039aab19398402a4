// Static checks of the container build: Dockerfiles, .dockerignore, docker-compose.yml and
// scripts/build-docker-images.sh. There is NO Docker engine on this machine, so no image is built or run
// here: the kind workflow (.github/workflows/kind.yml) builds the images and runs them in a cluster.
// What runs in the images was checked by starting the services from a production-only install (see
// docs/KUBERNETES_DEPLOYMENT.md, "Images").
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { checkDockerfile, parseDockerfile } from "./lib/dockerfile.js";
import { helmTemplate, repoRoot } from "./lib/render.js";
import { checkTools, run } from "./lib/tools.js";

const read = (path: string) => readFileSync(join(repoRoot, path), "utf8");

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

describe("docker-compose.yml", () => {
  const compose = parse(read("docker-compose.yml"), { merge: true }) as {
    services: Record<
      string,
      {
        image: string;
        build?: { dockerfile: string; target?: string };
        healthcheck?: { test: string[] };
        depends_on?: Record<string, { condition: string }>;
        read_only?: boolean;
        cap_drop?: string[];
        user?: string;
        ports?: string[];
        environment?: Record<string, string>;
      }
    >;
  };
  const services = compose.services;

  it("has engine, backend, web, postgres and migrate, with health checks on the long-running ones", () => {
    expect(Object.keys(services).sort()).toEqual(["backend", "engine", "migrate", "postgres", "web"]);
    for (const name of ["engine", "backend", "web", "postgres"])
      expect(services[name].healthcheck?.test.length, name).toBeGreaterThan(1);
  });

  it("starts in order: postgres healthy -> migrate done -> backend (with engine healthy) -> web", () => {
    expect(services.migrate.depends_on).toEqual({ postgres: { condition: "service_healthy" } });
    expect(services.backend.depends_on).toEqual({
      migrate: { condition: "service_completed_successfully" },
      engine: { condition: "service_healthy" },
    });
    expect(services.web.depends_on).toEqual({ backend: { condition: "service_healthy" } });
  });

  it("every service is non-root, read-only, without capabilities, published on loopback only", () => {
    for (const [name, s] of Object.entries(services)) {
      expect(s.read_only, name).toBe(true);
      expect(s.cap_drop, name).toEqual(["ALL"]);
      expect(s.user, name).toMatch(/^[1-9]\d*:[1-9]\d*$/);
      for (const p of s.ports ?? []) expect(p, name).toMatch(/^127\.0\.0\.1:/);
    }
  });

  it("holds no secret values: passwords and signing keys are required variables", () => {
    const env = Object.values(services).flatMap((s) => Object.entries(s.environment ?? {}));
    const secrets = env.filter(([k]) => /PASSWORD|SECRET|DATABASE_URL/.test(k));
    expect(secrets.length).toBeGreaterThanOrEqual(4);
    for (const [k, value] of secrets) expect(value, k).toMatch(/\$\{[A-Z_]+:\?[^}]+\}/);
  });

  it("builds from the Dockerfiles and targets that exist", () => {
    for (const [name, s] of Object.entries(services)) {
      if (!s.build) continue;
      const stages = parseDockerfile(read(s.build.dockerfile)).stages.map((st) => st.name);
      expect(stages, name).toContain(s.build.target ?? "runtime");
    }
  });
});

describe("scripts/build-docker-images.sh", () => {
  const script = join(repoRoot, "scripts", "build-docker-images.sh");
  const dryRun = (...args: string[]) => run("bash", [script, ...args], { env: { DRY_RUN: "1" } });

  it("passes bash -n", () => {
    expect(run("bash", ["-n", script]).status).toBe(0);
  });

  it("builds the four images locally without pushing, and pushes them when a registry is given", () => {
    const local = dryRun("local", "t1");
    expect(local.status).toBe(0);
    const builds = local.stdout.split("\n").filter((l) => l.startsWith("+ docker build"));
    expect(builds.map((l) => / -t (\S+)/.exec(l)?.[1]).sort()).toEqual([
      "hft-backend-migrate:t1",
      "hft-backend:t1",
      "hft-engine:t1",
      "hft-web:t1",
    ]);
    expect(local.stdout).not.toContain("docker push");
    const pushed = dryRun("registry.example:5000/team/", "t2");
    expect(
      pushed.stdout
        .split("\n")
        .filter((l) => l.startsWith("+ docker push"))
        .sort(),
    ).toEqual([
      "+ docker push registry.example:5000/team/hft-backend-migrate:t2",
      "+ docker push registry.example:5000/team/hft-backend:t2",
      "+ docker push registry.example:5000/team/hft-engine:t2",
      "+ docker push registry.example:5000/team/hft-web:t2",
    ]);
  });

  it("rejects a malformed registry or tag with exit code 2", () => {
    for (const args of [["not a registry"], ["local", "bad tag"], ["UPPER.example"]]) {
      const r = dryRun(...args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/invalid (registry|tag)/);
    }
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
});
