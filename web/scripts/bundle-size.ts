// First-load JavaScript of a route in the production build, from the build's own manifests:
// the root main files (framework + runtime) plus every chunk the route's layouts and page need up front.
// Chunks loaded later (next/dynamic, e.g. the chart) are not part of the first load.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import { gzipSync } from "node:zlib";

export interface RouteJs {
  route: string;
  files: { file: string; bytes: number; gzipBytes: number }[];
  bytes: number;
  gzipBytes: number;
}

interface BuildManifest {
  rootMainFiles: string[];
  polyfillFiles: string[];
}

export function firstLoadJs(nextDir: string, route: string): RouteJs {
  const build = JSON.parse(readFileSync(join(nextDir, "build-manifest.json"), "utf8")) as BuildManifest;
  const manifestFile = join(nextDir, "server", "app", `${route}_client-reference-manifest.js`);
  if (!existsSync(manifestFile))
    throw new Error(`no client reference manifest for ${route}: ${manifestFile}`);
  // the manifest is a script that assigns globalThis.__RSC_MANIFEST[route]; evaluate it in a sandbox
  const sandbox: {
    globalThis?: unknown;
    __RSC_MANIFEST?: Record<string, { entryJSFiles: Record<string, string[]> }>;
  } = {};
  sandbox.globalThis = sandbox;
  runInNewContext(readFileSync(manifestFile, "utf8"), sandbox);
  const entry = sandbox.__RSC_MANIFEST?.[`/${route}`];
  if (!entry) throw new Error(`manifest has no entry for /${route}`);
  const files = new Set<string>(build.rootMainFiles);
  for (const list of Object.values(entry.entryJSFiles)) for (const f of list) files.add(f);
  const out = [...files].map((file) => {
    const buf = readFileSync(join(nextDir, file));
    return { file, bytes: buf.length, gzipBytes: gzipSync(buf, { level: 9 }).length };
  });
  return {
    route,
    files: out,
    bytes: out.reduce((a, f) => a + f.bytes, 0),
    gzipBytes: out.reduce((a, f) => a + f.gzipBytes, 0),
  };
}

const isMain = process.argv[1]?.endsWith("bundle-size.ts");
if (isMain) {
  const nextDir = join(process.cwd(), ".next");
  for (const route of process.argv.slice(2).length ? process.argv.slice(2) : ["(app)/trade/[symbol]/page"]) {
    const r = firstLoadJs(nextDir, route);
    console.log(
      `${route}: first-load JS ${(r.bytes / 1024).toFixed(1)} KB raw, ${(r.gzipBytes / 1024).toFixed(1)} KB gzip in ${r.files.length} files`,
    );
  }
}
