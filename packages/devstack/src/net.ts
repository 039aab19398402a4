// Small networking helpers for starting local services: free ports and readiness polling.
import { createServer, Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** Asks the kernel for a free TCP port on `host` (bind to port 0, read it, close). */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  return await new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once("error", reject);
    srv.listen({ port: 0, host, exclusive: true }, () => {
      const addr = srv.address();
      if (addr === null || typeof addr === "string") {
        srv.close();
        reject(new Error("could not read the bound port"));
        return;
      }
      const { port } = addr;
      srv.close(() => resolve(port));
    });
  });
}

export interface WaitForOptions {
  /** Give up after this many milliseconds (default 30 s). */
  timeoutMs?: number;
  /** Pause between attempts (default 100 ms). */
  intervalMs?: number;
  /** What we are waiting for, used in the timeout message. */
  what?: string;
  /** Aborts the wait early (e.g. the process we wait for has exited). */
  signal?: AbortSignal;
}

/**
 * Polls `probe` until it returns a value other than `undefined`/`false`, or throws on timeout with the last
 * probe error in the message. A probe that throws counts as "not yet".
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  opts: WaitForOptions = {},
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const intervalMs = opts.intervalMs ?? 100;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    opts.signal?.throwIfAborted();
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v as T;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? `: ${lastError.message}` : "";
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${opts.what ?? "condition"}${why}`);
    }
    await sleep(intervalMs, undefined, opts.signal ? { signal: opts.signal } : undefined);
  }
}

/** Resolves true if a TCP connection to host:port succeeds within `timeoutMs`. */
export async function canConnect(port: number, host = "127.0.0.1", timeoutMs = 1_000): Promise<boolean> {
  return await new Promise<boolean>((resolve) => {
    const sock = new Socket();
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once("error", () => done(false));
    sock.connect(port, host, () => done(true));
  });
}

/** Waits until something accepts TCP connections on host:port. */
export async function waitForPort(
  port: number,
  host = "127.0.0.1",
  opts: WaitForOptions = {},
): Promise<void> {
  await waitFor(() => canConnect(port, host), { what: `TCP ${host}:${port}`, ...opts });
}

/**
 * Waits until `GET url` answers with `status` (default 200). Returns the response body text.
 */
export async function waitForHttp(
  url: string,
  opts: WaitForOptions & { status?: number } = {},
): Promise<string> {
  const want = opts.status ?? 200;
  let last = "no answer";
  try {
    return await waitFor(
      async () => {
        const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
        const body = await res.text();
        if (res.status === want) return body;
        last = `HTTP ${res.status}: ${body.slice(0, 200)}`;
        return undefined;
      },
      { what: `GET ${url} -> ${want}`, ...opts },
    );
  } catch (err) {
    if (err instanceof Error && !err.message.includes(last)) err.message += ` (last: ${last})`;
    throw err;
  }
}
