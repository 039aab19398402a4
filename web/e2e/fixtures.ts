import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { test as base, expect, type Locator, type Page } from "@playwright/test";
import { RestClient, type StackState, stack } from "./stack";

export const SHOTS = join(import.meta.dirname, "..", "test-results", "screenshots");
mkdirSync(SHOTS, { recursive: true });

export const test = base.extend<{ env: StackState; sameOriginOnly: undefined; cleanBooks: undefined }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright requires a destructuring pattern for fixture deps
  env: async ({}, use) => {
    await use(stack());
  },
  // biome-ignore lint/correctness/noEmptyPattern: Playwright requires a destructuring pattern for fixture deps
  baseURL: async ({}, use) => {
    await use(stack().webUrl);
  },
  // Every test: the site loads nothing from anywhere but its own origin (no CDN, fonts, analytics).
  sameOriginOnly: [
    async ({ page }, use) => {
      const origin = new URL(stack().webUrl).origin;
      const foreign: string[] = [];
      const crashes: string[] = [];
      page.on("pageerror", (e) => crashes.push(e.message));
      page.on("request", (r) => {
        const url = r.url();
        if (url.startsWith("data:") || url.startsWith("blob:")) return;
        if (new URL(url).origin !== origin) foreign.push(url);
      });
      await use(undefined);
      expect(foreign, "requests to other origins").toEqual([]);
      expect(crashes, "uncaught errors in the page").toEqual([]);
    },
    { auto: true },
  ],
  // After every test, even a failed one: no resting orders left for the next test to trade against.
  cleanBooks: [
    async ({ env }, use) => {
      await use(undefined);
      for (const user of Object.values(env.users)) {
        await (await RestClient.login(env.backendUrl, user)).cancelAll();
      }
    },
    { auto: true },
  ],
});

export { expect };

export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/trade\//);
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Marks the current document so a later check can prove no full page load happened in between. */
export async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { __e2eMark: number }).__e2eMark = 42;
  });
}

export async function expectSameDocument(page: Page): Promise<void> {
  const mark = await page.evaluate(() => (window as unknown as { __e2eMark?: number }).__e2eMark);
  expect(mark, "the page was reloaded").toBe(42);
}

/** The order ticket of the trade page and its fields (found by their visible labels, as a user would). */
export function ticket(page: Page) {
  const form: Locator = page.getByTestId("order-ticket");
  return {
    form,
    buy: form.getByRole("button", { name: "Buy", exact: true }),
    sell: form.getByRole("button", { name: "Sell", exact: true }),
    type: form.getByLabel("Order type"),
    tif: form.getByLabel("Time in force"),
    price: form.getByLabel(/^Limit price/),
    quantity: form.getByLabel(/^Quantity/),
    postOnly: form.getByLabel(/^Post-only/),
    submit: form.locator('button[type="submit"]'),
    ok: form.getByTestId("ticket-ok"),
    error: form.getByTestId("ticket-error"),
  };
}

/** Opens a symbol's trade page and waits until the instrument is loaded and the live stream is up. */
export async function openTrade(page: Page, symbol: string): Promise<void> {
  await page.goto(`/trade/${symbol}`);
  await expect(page.getByTestId("order-ticket")).toBeVisible();
  await expect(page.getByTestId("market-stream")).toHaveText("Streaming");
}
