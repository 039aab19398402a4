// Locating the Go-built Kubernetes tools. Locally a missing tool skips the suites that need it (with a message
// naming the install script); under CI=true it is a failure, so CI can never pass by skipping.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";

export type Tool =
  | "helm"
  | "etcd"
  | "kube-apiserver"
  | "kubectl"
  | "actionlint"
  | "shellcheck"
  | "grpc-health-probe"
  | "grpcurl"
  | "compose-config";

export const toolsBin = process.env.HFT_TOOLS_BIN ?? join(homedir(), ".cache", "hft-platform", "bin");
export const isCI = process.env.CI === "true" || process.env.CI === "1";

export function findTool(name: Tool): string | undefined {
  const dirs = [toolsBin, ...(process.env.PATH ?? "").split(delimiter)];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

export interface ToolCheck {
  paths: Record<Tool, string>;
  missing: Tool[];
  /** Skip the suite (locally, with tools missing). */
  skip: boolean;
  message: string;
}

export function checkTools(names: Tool[]): ToolCheck {
  const paths = {} as Record<Tool, string>;
  const missing: Tool[] = [];
  for (const name of names) {
    const path = findTool(name);
    if (path) paths[name] = path;
    else missing.push(name);
  }
  const message =
    missing.length === 0
      ? ""
      : `missing ${missing.join(", ")} (not in ${toolsBin} or PATH): run scripts/install-k8s-tools.sh`;
  if (missing.length > 0 && !isCI) console.warn(`[k8s-tests] SKIP: ${message}`);
  return { paths, missing, skip: missing.length > 0 && !isCI, message };
}

/** Throws (fails the test) when tools are missing — reached only under CI=true, where skipping is not allowed. */
export function assertTools(check: ToolCheck): void {
  if (check.missing.length > 0) throw new Error(`CI=true and ${check.message}`);
}

export interface RunResult {
  stdout: string;
  stderr: string;
  status: number;
}

/** Runs a command, never throws: the caller asserts on status/stderr. */
export function run(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {},
): RunResult {
  try {
    const stdout = execFileSync(cmd, args, {
      encoding: "utf8",
      env: { ...process.env, ...opts.env },
      input: opts.input,
      cwd: opts.cwd,
      maxBuffer: 64 * 1024 * 1024,
      timeout: 180_000,
      stdio: ["pipe", "pipe", "pipe"],
    });
    return { stdout, stderr: "", status: 0 };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; status?: number | null; message: string };
    return { stdout: e.stdout ?? "", stderr: e.stderr ?? e.message, status: e.status ?? 1 };
  }
}

export function runOk(cmd: string, args: string[], opts: Parameters<typeof run>[2] = {}): string {
  const r = run(cmd, args, opts);
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}):\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}
