// Scheduling priority for benchmarks on a shared machine. Linux shares the CPU fairly between sessions
// ("autogroups") first, so a thread's nice value alone does not help against other sessions: a benchmark re-runs
// itself as the leader of its own session (runInOwnSession) and then raises both its nice value and its
// autogroup's (raisePriority). Children (e.g. the engine under bench:grpc) inherit both; everything vanishes
// with the processes.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import os from "node:os";

const OWN_SESSION_ENV = "HFT_BENCH_OWN_SESSION";

/** Raises this process's priority when permitted; returns a description of what is in effect. */
export function raisePriority(enabled: boolean): string {
  if (!enabled) return `nice ${os.getPriority()} (not changed: --no-priority)`;
  const done: string[] = [];
  try {
    os.setPriority(-20);
    done.push("nice -20");
  } catch {
    done.push(`nice ${os.getPriority()} (could not raise: not permitted)`);
  }
  if (process.env[OWN_SESSION_ENV] === "1") {
    try {
      writeFileSync("/proc/self/autogroup", "-20");
      done.push("own session autogroup nice -20");
    } catch {
      done.push("autogroup unchanged (not permitted or not Linux)");
    }
  }
  return done.join(", ");
}

/**
 * Re-runs this benchmark in a detached child that leads its own session, so raising the priority of its
 * autogroup affects nothing but the benchmark. Returns true when the child was started (the caller must then
 * return; this process exits with the child's code).
 */
export function runInOwnSession(enabled: boolean): boolean {
  if (!enabled || process.env[OWN_SESSION_ENV] !== undefined || process.platform !== "linux") return false;
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    detached: true,
    stdio: "inherit",
    env: { ...process.env, [OWN_SESSION_ENV]: "1" },
  });
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => child.kill(sig));
  child.on("exit", (code, signal) => process.exit(code ?? (signal !== null ? 1 : 0)));
  child.on("error", (e) => {
    process.stderr.write(`could not start the benchmark in its own session: ${e.message}\n`);
    process.exit(1);
  });
  return true;
}
