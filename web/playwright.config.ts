import { defineConfig } from "@playwright/test";

// Browser tests against the real stack (PostgreSQL + engine + backend + `next start` of the production build),
// started by e2e/global-setup.ts. Debian's Chromium only: never a downloaded browser.
export default defineConfig({
  testDir: "./e2e",
  outputDir: "./test-results/output",
  globalSetup: "./e2e/global-setup.ts",
  // one shared stack, and the tests share one trading account: run them in order
  workers: 1,
  fullyParallel: false,
  // generous: CI machines are shared and the whole stack runs on them
  timeout: 120_000,
  expect: { timeout: 20_000 },
  retries: 0,
  reporter: [["list"], ["html", { outputFolder: "./playwright-report", open: "never" }]],
  use: {
    browserName: "chromium",
    viewport: { width: 1440, height: 900 },
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
});
