// Makes sure web/.next is a production build of the current sources: rebuilds (`next build`) when there is no
// build or when any input changed since the last one (sha256 over the inputs, stored next to the build).
// Used by `npm run test:browser` and, under CI, by the bundle-size test, so neither measures a stale build.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

export const WEB_DIR = join(import.meta.dirname, "..");
const REPO_ROOT = join(WEB_DIR, "..");
const HASH_FILE = join(WEB_DIR, ".next", "source-hash");
const INPUT_DIRS = ["app", "components", "lib", "public", "../packages/shared/src"];
const INPUT_FILES = [
  "next.config.ts",
  "package.json",
  "tsconfig.json",
  "tsconfig.app.json",
  "../package-lock.json",
];

function walk(dir: string, out: string[]): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
}

/** sha256 over the paths and contents of everything the production build is made from. */
export function sourceHash(): string {
  const files: string[] = [];
  for (const d of INPUT_DIRS) walk(join(WEB_DIR, d), files);
  for (const f of INPUT_FILES) if (existsSync(join(WEB_DIR, f))) files.push(join(WEB_DIR, f));
  const h = createHash("sha256");
  for (const f of files) {
    h.update(relative(REPO_ROOT, f));
    h.update("\0");
    h.update(readFileSync(f));
    h.update("\0");
  }
  return h.digest("hex");
}

export function buildExists(): boolean {
  return existsSync(join(WEB_DIR, ".next", "BUILD_ID"));
}

/** True when the build exists and was made from the current sources. */
export function buildIsFresh(): boolean {
  return buildExists() && existsSync(HASH_FILE) && readFileSync(HASH_FILE, "utf8").trim() === sourceHash();
}

/** Runs `next build` unless the build is fresh. Returns true when it built. */
export function ensureBuild(log: (line: string) => void = console.log, force = false): boolean {
  if (!force && buildIsFresh()) {
    log("web: production build is up to date");
    return false;
  }
  const hash = sourceHash();
  log("web: running next build (production)");
  const nextBin = join(REPO_ROOT, "node_modules", "next", "dist", "bin", "next");
  execFileSync(process.execPath, [nextBin, "build"], {
    cwd: WEB_DIR,
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
  });
  writeFileSync(HASH_FILE, `${hash}\n`);
  return true;
}

// `tsx scripts/ensure-build.ts [--force]` (`npm run build` passes --force: always build, and record the hash)
if (process.argv[1]?.endsWith("ensure-build.ts")) ensureBuild(console.log, process.argv.includes("--force"));
