// Lighthouse-style budget: the trade page's first-load JavaScript in the production build stays under 300 KB
// (compressed, what the browser downloads; the raw size is reported too). Reads the build's own manifests.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { firstLoadJs } from "../scripts/bundle-size";
import { buildExists, ensureBuild, WEB_DIR } from "../scripts/ensure-build";

const BUDGET_BYTES = 300 * 1024;
const TRADE_ROUTE = "(app)/trade/[symbol]/page";
const inCi = process.env.CI === "true" || process.env.CI === "1";

// Under CI the build must exist: build it here (vitest runs before test:browser in `npm test`).
if (inCi) ensureBuild((l) => console.log(l));
const haveBuild = buildExists();
if (!haveBuild)
  console.warn("web bundle-size test skipped: no production build (run `npm run build -w @hft/web`)");

describe.skipIf(!haveBuild)("trade page first-load JS", () => {
  it("is under 300 KB compressed and does not include the lazily loaded chart", () => {
    const r = firstLoadJs(join(WEB_DIR, ".next"), TRADE_ROUTE);
    console.log(
      `trade page first-load JS: ${(r.gzipBytes / 1024).toFixed(1)} KB gzip (${(r.bytes / 1024).toFixed(1)} KB raw) in ${r.files.length} files`,
    );
    expect(r.files.length).toBeGreaterThan(0);
    expect(r.gzipBytes).toBeGreaterThan(50 * 1024); // React + Next runtime at least: the manifest was read
    expect(r.gzipBytes).toBeLessThan(BUDGET_BYTES);
    // the chart library (its attribution option name is a string constant that survives minification)
    const nextDir = join(WEB_DIR, ".next");
    for (const f of r.files)
      expect(readFileSync(join(nextDir, f.file), "utf8")).not.toContain("attributionLogo");
  });
});
