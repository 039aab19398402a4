// Builds a Dockerfile target's filesystem WITHOUT Docker (there is no Docker engine on the test machine), to
// check that what the image runs works from what the image contains: the stages' `npm ci` commands, COPY
// lists, ENV, WORKDIR, USER, ENTRYPOINT and HEALTHCHECK are taken from the Dockerfile itself and replayed in a
// temp dir standing for /app. Not replayed: base image contents (the test machine's Node 22 and tools stand in),
// stages not on node (the Go stage building grpc-health-probe and grpcurl: scripts/install-k8s-tools.sh builds
// the same versions), `npm cache clean` (it would wipe the developer's cache), apt-get and directories created
// outside /app.
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { parseDockerfile, type Stage, stageChain } from "./dockerfile.js";
import { repoRoot } from "./render.js";

export interface EmulatedImage {
  /** Directory standing for /app. */
  root: string;
  workdir: string;
  env: Record<string, string>;
  user: { uid: number; gid: number };
  entrypoint: string[];
  /** HEALTHCHECK command: exec form (array) or shell form (string). */
  healthcheck: string[] | string | undefined;
  log: string[];
  cleanup(): void;
}

const APP = "/app";
// .dockerignore patterns that matter for the copied source trees.
const IGNORED = new Set(["node_modules", "test", ".next", "generated", "test-results", "playwright-report"]);

function parseEnv(args: string): Record<string, string> {
  const env: Record<string, string> = {};
  const text = args.replace(/\\\n/g, " ");
  for (const m of text.matchAll(/(\w+)=("[^"]*"|\S*)/g)) env[m[1]] = m[2].replace(/^"|"$/g, "");
  return env;
}

function execForm(args: string): string[] | undefined {
  const t = args.trim();
  return t.startsWith("[") ? (JSON.parse(t) as string[]) : undefined;
}

function copyTree(from: string, to: string): void {
  cpSync(from, to, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (src) => !IGNORED.has(src.split("/").at(-1) ?? "") && !src.endsWith(".tsbuildinfo"),
  });
}

/** The `manifests` stage: root package.json, lockfile and every workspace's package.json. */
function writeManifests(dest: string): void {
  const root = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { workspaces: string[] };
  for (const ws of [".", ...root.workspaces]) {
    mkdirSync(join(dest, ws), { recursive: true });
    cpSync(join(repoRoot, ws, "package.json"), join(dest, ws, "package.json"));
  }
  cpSync(join(repoRoot, "package-lock.json"), join(dest, "package-lock.json"));
}

export function emulateImage(dockerfile: string, target: string): EmulatedImage {
  const df = parseDockerfile(readFileSync(join(repoRoot, dockerfile), "utf8"));
  const dirs: string[] = [];
  const log: string[] = [];
  const built = new Map<string, string>();
  const cleanup = () => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  };
  const state = {
    workdir: APP,
    env: {} as Record<string, string>,
    user: { uid: 0, gid: 0 },
    entrypoint: [] as string[],
    cmd: [] as string[],
    healthcheck: undefined as string[] | string | undefined,
  };

  const buildStage = (name: string): string => {
    const cached = built.get(name);
    if (cached) return cached;
    const root = mkdtempSync(join(tmpdir(), `hft-image-${name}-`));
    chmodSync(root, 0o755);
    dirs.push(root);
    const map = (p: string, cwd: string) =>
      p.startsWith(APP) ? join(root, relative(APP, p)) : p.startsWith("/") ? undefined : join(cwd, p);
    let cwd = root;
    const chain: Stage[] = stageChain(df, name).toReversed();
    for (const ins of chain.flatMap((s) => s.instructions)) {
      const args = ins.args.trim();
      switch (ins.keyword) {
        case "WORKDIR": {
          state.workdir = args;
          cwd = map(args, cwd) ?? cwd;
          mkdirSync(cwd, { recursive: true });
          break;
        }
        case "ENV": {
          for (const [k, v] of Object.entries(parseEnv(args)))
            state.env[k] = v.replaceAll("$PATH", process.env.PATH ?? "").replaceAll(APP, root);
          break;
        }
        case "USER": {
          const [uid, gid] = args.split(":").map(Number);
          state.user = { uid, gid: gid ?? uid };
          break;
        }
        case "ENTRYPOINT":
        case "CMD": {
          const exec = execForm(args);
          if (!exec) throw new Error(`${ins.keyword} in shell form: ${args}`);
          // Docker semantics: the command is ENTRYPOINT + CMD, and setting ENTRYPOINT resets CMD.
          if (ins.keyword === "ENTRYPOINT") {
            state.entrypoint = exec;
            state.cmd = [];
          } else state.cmd = exec;
          break;
        }
        case "HEALTHCHECK": {
          const cmd = args.replace(/\\\n/g, " ").replace(/^(--\S+\s+)*CMD\s+/, "");
          state.healthcheck = execForm(cmd) ?? cmd;
          break;
        }
        case "COPY": {
          const from = /--from=(\S+)/.exec(args)?.[1];
          const parts = args
            .split(/\s+/)
            .filter((a) => !a.startsWith("--"))
            .filter(Boolean);
          const dest = parts.pop()!;
          const destPath = map(dest, cwd);
          if (!destPath) {
            log.push(`skipped ${ins.keyword} ${args} (outside ${APP})`);
            break;
          }
          if (from === "manifests") {
            writeManifests(destPath);
          } else if (from) {
            if (!df.stages.find((s) => s.name === from)?.base.startsWith("node:")) {
              log.push(`skipped COPY --from=${from} (non-node stage; the tools dir stands in)`);
              break;
            }
            const source = buildStage(from);
            for (const p of parts) {
              const src = join(source, relative(APP, p));
              const dst = dest.endsWith("/") ? join(destPath, p.split("/").at(-1)!) : destPath;
              mkdirSync(dirname(dst), { recursive: true });
              // The source stage is private to this emulation: move (node_modules trees are large).
              renameSync(src, dst);
            }
          } else {
            for (const p of parts) {
              const src = join(repoRoot, p);
              const dst = dest.endsWith("/") ? join(destPath, p.split("/").at(-1)!) : destPath;
              if (statSync(src).isDirectory()) copyTree(src, dst);
              else {
                mkdirSync(dirname(dst), { recursive: true });
                cpSync(src, dst);
              }
            }
          }
          break;
        }
        case "RUN": {
          if (/apt-get/.test(args)) {
            log.push(`skipped RUN with apt-get: ${args.slice(0, 60)}`);
            break;
          }
          // Directories outside /app (the log dir): image layout that must not be created on the test machine.
          if (/^install -d\b/.test(args) && !args.includes(APP)) {
            log.push(`skipped RUN outside ${APP}: ${args.slice(0, 60)}`);
            break;
          }
          const cmd = args
            .replace(/\\\n/g, " ")
            .replace(/&&\s*npm cache clean --force/g, "")
            .replace(/\bnpm ci\b/g, "npm ci --prefer-offline")
            .replaceAll(`${APP}/`, `${root}/`);
          execFileSync("bash", ["-c", cmd], {
            cwd,
            env: { ...process.env, ...state.env },
            stdio: ["ignore", "pipe", "pipe"],
            timeout: 300_000,
          });
          log.push(`ran ${cmd.slice(0, 100)}`);
          break;
        }
        default:
          break;
      }
    }
    built.set(name, root);
    return root;
  };

  const root = buildStage(target);
  return {
    root,
    workdir: state.workdir.startsWith(APP) ? join(root, relative(APP, state.workdir)) : root,
    env: state.env,
    user: state.user,
    entrypoint: [...state.entrypoint, ...state.cmd],
    healthcheck: state.healthcheck,
    log,
    cleanup,
  };
}

/** The image's uid when we are root and it can run the test machine's node; otherwise the current user. */
export function runAsImageUser(image: EmulatedImage): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0 || image.user.uid === 0) return undefined;
  const probe = spawnSync(process.execPath, ["-e", "0"], { ...image.user, timeout: 10_000 });
  return probe.status === 0 ? image.user : undefined;
}

export interface Started {
  child: ChildProcess;
  output: () => string;
  tmp: string;
  stop(): Promise<number | null>;
}

/** Starts the ENTRYPOINT like `docker run` would: image env + overrides, image workdir, image user. */
export function startImage(image: EmulatedImage, env: Record<string, string>): Started {
  const user = runAsImageUser(image);
  // The only writable path, like the chart's /tmp emptyDir.
  const tmp = mkdtempSync(join(tmpdir(), "hft-image-tmp-"));
  if (user) execFileSync("chown", [`${user.uid}:${user.gid}`, tmp]);
  const [cmd, ...args] = image.entrypoint;
  let out = "";
  const child = spawn(cmd === "node" ? process.execPath : cmd, args, {
    cwd: image.workdir,
    env: { PATH: process.env.PATH ?? "", HOME: "/nonexistent", ...image.env, TMPDIR: tmp, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    ...(user ?? {}),
  });
  child.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    output: () => out,
    tmp,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      const code = await exited;
      clearTimeout(timer);
      rmSync(tmp, { recursive: true, force: true });
      return code;
    },
  };
}

/** Runs the image's HEALTHCHECK command against the running container stand-in; returns its exit status. */
export function runHealthcheck(image: EmulatedImage, env: Record<string, string>, extraPath: string): number {
  const hc = image.healthcheck;
  if (!hc) throw new Error("image has no HEALTHCHECK");
  const fullEnv = { ...process.env, ...image.env, ...env, PATH: `${extraPath}:${process.env.PATH ?? ""}` };
  const [cmd, args] = typeof hc === "string" ? ["sh", ["-c", hc]] : [hc[0], hc.slice(1)];
  const r = spawnSync(cmd === "node" ? process.execPath : cmd, args, {
    cwd: image.workdir,
    env: fullEnv,
    timeout: 20_000,
    encoding: "utf8",
  });
  return r.status ?? -1;
}

/** Files under the image root not owned by root: what the running service wrote (must be nothing). */
export function filesWrittenBy(root: string, uid: number): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const st = lstatSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.uid === uid) out.push(relative(root, p));
      if (st.isDirectory()) walk(p);
    }
  };
  if (existsSync(root)) walk(root);
  return out;
}
