// Generic child-process machinery for local services: spawn in its own process group, capture logs, wait for
// readiness, stop with SIGTERM then SIGKILL. Killing the whole group means wrappers (npx, tsx, next) never
// leave a grandchild behind.
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { dirname } from "node:path";

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StartProcessOptions {
  /** Short name used in messages and log prefixes, e.g. "engine". */
  name: string;
  command: string;
  args?: string[];
  cwd?: string;
  /** Merged over process.env; a value of `undefined` removes the variable. */
  env?: Record<string, string | undefined>;
  /** Append everything the process prints to this file. */
  logFile?: string;
  /** Forward output, each line prefixed with `[name]`, to this stream (e.g. process.stderr). */
  echo?: NodeJS.WritableStream;
  /** Lines kept in memory for failure messages (default 200). */
  tailLines?: number;
  /** Resolves when the service is ready; rejected readiness or an early exit fails the start. */
  ready?: (proc: ManagedProcess, signal: AbortSignal) => Promise<void>;
  /** Grace period between SIGTERM and SIGKILL in stop() (default 10 s). */
  stopTimeoutMs?: number;
  /** Signal that asks for a graceful stop (default SIGTERM). */
  stopSignal?: NodeJS.Signals;
  /**
   * Send `stopSignal` to the whole process group (default) or only to the leader (for servers such as
   * PostgreSQL whose leader shuts its own children down in order). Leftovers are SIGKILLed either way.
   */
  stopSignalToGroup?: boolean;
  uid?: number;
  gid?: number;
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<ExitInfo>;
  /** Set once the process has exited. */
  exitInfo(): ExitInfo | undefined;
  /** The last `n` lines of output (stdout and stderr interleaved). */
  logTail(n?: number): string;
  /** SIGTERM to the process group, SIGKILL after the grace period; resolves when the group is gone. */
  stop(): Promise<ExitInfo>;
}

/** Error thrown when a process fails to start; carries the log tail. */
export class ProcessStartError extends Error {
  constructor(
    message: string,
    readonly logTail: string,
  ) {
    super(`${message}\n--- last output ---\n${logTail}`);
    this.name = "ProcessStartError";
  }
}

// Process groups still running; killed synchronously if our own process exits without stopping them.
const liveGroups = new Set<number>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const pgid of liveGroups) killGroup(pgid, "SIGKILL");
  });
}

function killGroup(pgid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, sig);
    return true;
  } catch {
    return false; // ESRCH: the group is gone
  }
}

/** True while any process of the group still exists. */
export function groupAlive(pgid: number): boolean {
  return killGroup(pgid, 0 as unknown as NodeJS.Signals);
}

class LineTail {
  private lines: string[] = [];
  private partial = "";
  constructor(private readonly max: number) {}
  push(chunk: string, onLine?: (l: string) => void): void {
    const parts = (this.partial + chunk).split("\n");
    this.partial = parts.pop() ?? "";
    for (const l of parts) {
      this.lines.push(l);
      onLine?.(l);
    }
    if (this.lines.length > this.max) this.lines.splice(0, this.lines.length - this.max);
  }
  tail(n: number): string {
    const all = this.partial ? [...this.lines, this.partial] : this.lines;
    return all.slice(-n).join("\n");
  }
}

/** Starts `command` in a new process group and (if `ready` is given) waits until it is ready. */
export async function startProcess(opts: StartProcessOptions): Promise<ManagedProcess> {
  installExitHook();
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  let log: WriteStream | undefined;
  if (opts.logFile) {
    mkdirSync(dirname(opts.logFile), { recursive: true });
    log = createWriteStream(opts.logFile, { flags: "a" });
  }
  const child: ChildProcess = spawn(opts.command, opts.args ?? [], {
    cwd: opts.cwd,
    env,
    detached: true, // own process group: stop() signals the whole group
    stdio: ["ignore", "pipe", "pipe"],
    ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
    ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
  });
  const tail = new LineTail(opts.tailLines ?? 200);
  const onLine = opts.echo ? (l: string) => opts.echo?.write(`[${opts.name}] ${l}\n`) : undefined;
  const onData = (buf: Buffer) => {
    log?.write(buf);
    tail.push(buf.toString("utf8"), onLine);
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);

  let info: ExitInfo | undefined;
  let spawnError: Error | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once("error", (err) => {
      spawnError = err;
      info = { code: null, signal: null };
      resolve(info);
    });
    child.once("close", (code, signal) => {
      info = { code, signal };
      log?.end();
      resolve(info);
    });
  });
  const pid = child.pid;
  if (pid === undefined) {
    await exited;
    throw new ProcessStartError(
      `${opts.name}: could not spawn ${opts.command}: ${spawnError?.message ?? "unknown error"}`,
      "",
    );
  }
  liveGroups.add(pid);

  let stopping: Promise<ExitInfo> | undefined;
  const stopTimeoutMs = opts.stopTimeoutMs ?? 10_000;
  const proc: ManagedProcess = {
    name: opts.name,
    pid,
    exited,
    exitInfo: () => info,
    logTail: (n = 40) => tail.tail(n),
    stop: () => {
      stopping ??= (async () => {
        const sig = opts.stopSignal ?? "SIGTERM";
        if (!info) {
          if (opts.stopSignalToGroup ?? true) killGroup(pid, sig);
          else {
            try {
              process.kill(pid, sig);
            } catch {
              // already gone
            }
          }
        }
        const timer = new Promise<"timeout">((r) => setTimeout(r, stopTimeoutMs, "timeout").unref());
        if ((await Promise.race([exited, timer])) === "timeout") killGroup(pid, "SIGKILL");
        const result = await exited;
        // The leader is gone; anything it left in its group gets a short grace period, then SIGKILL.
        for (let i = 0; i < 20 && groupAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
        if (groupAlive(pid)) killGroup(pid, "SIGKILL");
        for (let i = 0; i < 40 && groupAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
        liveGroups.delete(pid);
        return result;
      })();
      return stopping;
    },
  };

  if (opts.ready) {
    const ac = new AbortController();
    const died = exited.then((i) => {
      throw new ProcessStartError(
        `${opts.name} exited before it was ready (code ${i.code}, signal ${i.signal})`,
        tail.tail(40),
      );
    });
    try {
      await Promise.race([opts.ready(proc, ac.signal), died]);
    } catch (err) {
      ac.abort();
      await proc.stop();
      if (err instanceof ProcessStartError) throw err;
      throw new ProcessStartError(
        `${opts.name} did not become ready: ${err instanceof Error ? err.message : String(err)}`,
        tail.tail(40),
      );
    } finally {
      died.catch(() => {}); // the race above already reported it
    }
  }
  return proc;
}
