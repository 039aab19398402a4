// Lighthouse-style check in the browser: the JavaScript the trade page actually downloads from `next start`
// (compressed bytes on the wire, including the lazily loaded chart) stays under 300 KB.
import { expect, openTrade, signIn, test } from "./fixtures";

const BUDGET_BYTES = 300 * 1024;

test("the trade page downloads under 300 KB of JavaScript", async ({ page, browser, env }) => {
  await signIn(page, env.users.trader.username, env.users.trader.password);
  // a new context with the same session but an empty HTTP cache: everything is downloaded once
  const ctx = await browser.newContext({
    storageState: await page.context().storageState(),
    baseURL: env.webUrl,
  });
  try {
    const fresh = await ctx.newPage();
    const sizes: Promise<{ url: string; bytes: number }>[] = [];
    fresh.on("requestfinished", (r) => {
      if (r.resourceType() === "script") {
        sizes.push(r.sizes().then((s) => ({ url: r.url(), bytes: s.responseBodySize })));
      }
    });
    await openTrade(fresh, "AAPL");
    await expect(fresh.getByTestId("price-chart")).toBeVisible();
    await fresh.waitForLoadState("networkidle");
    const files = await Promise.all(sizes);
    const total = files.reduce((a, f) => a + f.bytes, 0);
    console.log(
      `trade page JavaScript on the wire: ${(total / 1024).toFixed(1)} KB in ${files.length} files`,
    );
    expect(files.length).toBeGreaterThan(3);
    expect(total).toBeGreaterThan(50 * 1024);
    expect(total).toBeLessThan(BUDGET_BYTES);
  } finally {
    await ctx.close();
  }
});
