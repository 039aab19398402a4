// Launcher for the Next.js trader site (production server). Owned jointly with the web helper, who may extend it.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { freePort, waitForHttp } from "./net.js";
import { REPO_ROOT } from "./paths.js";
import { startProcess } from "./process.js";
import type { RunningService, ServiceOptions } from "./services.js";

export const WEB_DIR = join(REPO_ROOT, "web");

/** True when web/ has a production build (`next build` output) that `next start` can serve. */
export function webBuildExists(webDir: string = WEB_DIR): boolean {
  return existsSync(join(webDir, ".next", "BUILD_ID"));
}

export interface StartWebOptions extends ServiceOptions {
  /** HTTP port (default: a free one). */
  port?: number;
  /** Listen address (default 127.0.0.1). */
  host?: string;
  /** Backend base URL the site talks to (BACKEND_URL, read at run time). */
  backendUrl: string;
  webDir?: string;
}

/** Starts `next start` in web/ (needs a prior `npm run build -w @hft/web`) and waits until GET / answers 200. */
export async function startWeb(opts: StartWebOptions): Promise<RunningService> {
  const webDir = opts.webDir ?? WEB_DIR;
  if (!webBuildExists(webDir)) {
    throw new Error(`no production build in ${webDir}/.next: run \`npm run build -w @hft/web\` first`);
  }
  const port = opts.port ?? (await freePort());
  const address = `http://127.0.0.1:${port}`;
  const nextBin = join(REPO_ROOT, "node_modules", "next", "dist", "bin", "next");
  const p = await startProcess({
    name: "web",
    command: process.execPath,
    args: [nextBin, "start", "-p", String(port), "-H", opts.host ?? "127.0.0.1"],
    cwd: webDir,
    env: {
      PORT: String(port),
      BACKEND_URL: opts.backendUrl,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      ...opts.env,
    },
    ...(opts.logFile ? { logFile: opts.logFile } : {}),
    ...(opts.echo ? { echo: opts.echo } : {}),
    ...(opts.stopTimeoutMs ? { stopTimeoutMs: opts.stopTimeoutMs } : {}),
    ready: async (_p, signal) => {
      await waitForHttp(`${address}/`, { timeoutMs: opts.readyTimeoutMs ?? 60_000, signal, intervalMs: 250 });
    },
  });
  return Object.assign(p, { port, address });
}
