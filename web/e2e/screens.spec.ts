// The other main screens (orders, portfolio, risk, status) with their content, screenshots of each, and the
// trade page on a narrow (phone-sized) screen.
import { expect, openTrade, shot, signIn, test, ticket } from "./fixtures";
import { RestClient } from "./stack";

test("risk page shows the limits and how close each is to being hit", async ({ page, env }) => {
  const symbol = "TSLA";
  const limited = await RestClient.login(env.backendUrl, env.users.limited);
  const ref = await limited.reference(symbol);
  // an open order of 4 against a max order quantity of 5: 80 %
  await limited.place({
    symbol,
    side: "BUY",
    type: "LIMIT",
    price: ref.price(Math.floor(ref.ticks * 0.98)),
    quantity: "4",
  });
  await signIn(page, env.users.limited.username, env.users.limited.password);
  await page.goto("/risk");
  await expect(page.getByRole("heading", { name: "Risk limits" })).toBeVisible();
  const qty = page.getByTestId("limit-orderQuantity");
  await expect(qty.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "80");
  await expect(qty).toContainText("80.0%");
  await expect(qty.locator(".bar")).toHaveAttribute("data-level", "warn");
  await expect(page.getByTestId("limit-position")).toContainText("1000");
  await expect(page.getByTestId("limit-buyingPower")).toBeVisible();
  await shot(page, "07-risk");
  await limited.cancelAll();
});

test("orders page lists history with fills; portfolio has the allocation chart", async ({ page, env }) => {
  // a cancelled and a filled order of the trader, made through the API
  const trader = await RestClient.login(env.backendUrl, env.users.trader);
  const maker = await RestClient.login(env.backendUrl, env.users.maker);
  const ref = await trader.reference("MSFT");
  const resting = await trader.place({
    symbol: "MSFT",
    side: "BUY",
    type: "LIMIT",
    price: ref.price(Math.floor(ref.ticks * 0.95)),
    quantity: "1",
  });
  await trader.call("DELETE", `/api/v1/orders/${resting.order.id}`);
  await maker.place({
    symbol: "MSFT",
    side: "SELL",
    type: "LIMIT",
    price: ref.price(ref.ticks),
    quantity: "2",
  });
  const filled = await trader.place({ symbol: "MSFT", side: "BUY", type: "MARKET", quantity: "2" });
  expect(filled.order.status).toBe("FILLED");
  await maker.cancelAll();

  await signIn(page, env.users.trader.username, env.users.trader.password);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Orders" }).click();
  await expect(page.getByRole("heading", { name: "Orders" })).toBeVisible();
  await page.getByRole("tab", { name: "Order history" }).click();
  const history = page.getByTestId("order-history");
  await expect(history.locator(`tr[data-order-id="${resting.order.id}"]`)).toHaveAttribute(
    "data-status",
    "CANCELLED",
  );
  const filledRow = history.locator(`tr[data-order-id="${filled.order.id}"]`);
  await expect(filledRow).toHaveAttribute("data-status", "FILLED");
  // the order's fills open under it
  await filledRow
    .getByRole("button", { name: `${filled.fills.length} fills of order ${filled.order.id}` })
    .click();
  const detail = history.locator(`tr[data-fills-of="${filled.order.id}"]`).getByTestId("order-fill");
  await expect(detail).toHaveCount(filled.fills.length);
  await expect(detail.first()).toContainText(`2 @ ${ref.shown(ref.ticks)}`);
  await shot(page, "08-orders");
  await page.getByRole("tab", { name: "Fills" }).click();
  const fillRow = page.getByTestId("fills").locator(`tr[data-order-id="${filled.order.id}"]`);
  await expect(fillRow).toHaveCount(filled.fills.length);
  await expect(fillRow.first()).toContainText("MSFT");
  await expect(fillRow.first()).toContainText(ref.shown(ref.ticks));

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Portfolio" }).click();
  await expect(page.getByTestId("pf-total")).not.toHaveText("—");
  await expect(page.getByRole("img", { name: "Allocation of positions by market value" })).toBeVisible();
  await expect(page.locator(".legend li", { hasText: "MSFT" })).toBeVisible();
  await expect(page.getByTestId("pf-cash-share")).toContainText(
    /Positions are \d+\.\d% of total value, cash \d+\.\d%/,
  );
  await shot(page, "11-portfolio-allocation");
});

test("status page shows engine, backend, database and feed health with latencies", async ({ page, env }) => {
  await signIn(page, env.users.trader.username, env.users.trader.password);
  await page.goto("/status");
  for (const part of ["backend", "engine", "database", "feed"]) {
    await expect(page.getByTestId(`status-${part}`).locator(".badge")).toHaveText("OK");
  }
  await expect(page.getByTestId("status-engine")).toContainText(/\d+(\.\d+)? ms/);
  await expect(page.getByTestId("status-database")).toContainText(/\d+(\.\d+)? ms/);
  await expect(page.getByTestId("status-backend")).toContainText(/\d+(\.\d+)? ms/);
  await shot(page, "09-status");
});

test.describe("narrow screen", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("the trade page is usable on a phone-sized screen", async ({ page, env }) => {
    await signIn(page, env.users.trader.username, env.users.trader.password);
    await openTrade(page, "AAPL");
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow, "no horizontal scrolling").toBeLessThanOrEqual(0);
    const t = ticket(page);
    await t.quantity.scrollIntoViewIfNeeded();
    for (const el of [t.price, t.quantity, t.submit]) {
      const box = await el.boundingBox();
      expect(box, "ticket control is laid out").not.toBeNull();
      expect((box?.x ?? -1) >= 0 && (box?.x ?? 0) + (box?.width ?? 0) <= 390).toBe(true);
    }
    // every page of the main navigation is on screen (no clipped links)
    for (const link of await page.getByRole("navigation", { name: "Main" }).getByRole("link").all()) {
      const box = await link.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= 390, `${await link.textContent()} is on screen`).toBe(
        true,
      );
    }
    await expect(page.getByTestId("order-book")).toBeVisible();
    await shot(page, "10-trade-narrow");
  });

  test("the other pages fit a phone-sized screen (wide tables scroll inside their panel)", async ({
    page,
    env,
  }) => {
    await signIn(page, env.users.trader.username, env.users.trader.password);
    for (const [path, heading] of [
      ["/orders", "Orders"],
      ["/portfolio", "Portfolio"],
      ["/risk", "Risk limits"],
      ["/status", "System status"],
    ] as const) {
      await page.goto(path);
      await expect(page.getByRole("heading", { name: heading })).toBeVisible();
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow, `${path}: no horizontal scrolling of the page`).toBeLessThanOrEqual(0);
    }
  });
});
