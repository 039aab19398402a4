// Order entry through the site against the real engine: resting limit order, cancel, modify, market order with
// a fill and the position change, and rejections (client-side validation, risk, engine) shown verbatim.
import { expect, openTrade, shot, signIn, test, ticket } from "./fixtures";
import { RestClient } from "./stack";

test("place a limit order, see it in open orders, cancel it and see CANCELLED", async ({ page, env }) => {
  const symbol = "MSFT";
  const trader = await RestClient.login(env.backendUrl, env.users.trader);
  const ref = await trader.reference(symbol);
  const limitTicks = Math.floor(ref.ticks * 0.97); // below the market: rests on the book
  await signIn(page, env.users.trader.username, env.users.trader.password);
  await openTrade(page, symbol);

  const t = ticket(page);
  await t.buy.click();
  await t.type.selectOption("LIMIT");
  await t.price.fill(ref.price(limitTicks));
  await t.quantity.fill("3");
  await t.submit.click();
  await expect(t.ok).toContainText("NEW");
  const orderId = (await t.ok.textContent())?.match(/Order (\d+)/)?.[1];
  expect(orderId, "the confirmation names the order id").toBeTruthy();

  const open = page.getByTestId("open-orders");
  const row = open.locator(`tr[data-order-id="${orderId}"]`);
  await expect(row).toContainText(symbol);
  await expect(row).toContainText(ref.shown(limitTicks));
  await expect(row).toHaveAttribute("data-status", "NEW");
  // our own bid is on the live ladder too
  await expect(
    page.getByTestId("book-bids").locator(".ladder-row", { hasText: ref.shown(limitTicks) }),
  ).toBeVisible();
  await shot(page, "02-trade-open-order");

  await row.getByRole("button", { name: `Cancel order ${orderId}` }).click();
  await expect(row).toHaveCount(0);
  await page.getByRole("tab", { name: "Order history" }).click();
  const hist = page.getByTestId("order-history").locator(`tr[data-order-id="${orderId}"]`);
  await expect(hist).toHaveAttribute("data-status", "CANCELLED");
  await expect(hist).toContainText("CANCELLED");
  await shot(page, "03-trade-cancelled");
});

test("modify an open order's price and quantity", async ({ page, env }) => {
  const symbol = "MSFT";
  const trader = await RestClient.login(env.backendUrl, env.users.trader);
  const ref = await trader.reference(symbol);
  const first = Math.floor(ref.ticks * 0.96);
  const second = first - 5;
  await signIn(page, env.users.trader.username, env.users.trader.password);
  await openTrade(page, symbol);
  const t = ticket(page);
  await t.price.fill(ref.price(first));
  await t.quantity.fill("4");
  await t.submit.click();
  await expect(t.ok).toContainText("NEW");
  const orderId = (await t.ok.textContent())?.match(/Order (\d+)/)?.[1] ?? "";

  const row = page.getByTestId("open-orders").locator(`tr[data-order-id="${orderId}"]`);
  await row.getByRole("button", { name: `Modify order ${orderId}` }).click();
  await row.getByLabel("New price").fill(ref.price(second));
  await row.getByLabel("New quantity").fill("6");
  await row.getByRole("button", { name: "Save" }).click();
  await expect(row).toContainText(ref.shown(second));
  await expect(row.locator("td").nth(5)).toHaveText("6");
  const detail = await trader.call<{ order: { price: string; quantity: string } }>(
    "GET",
    `/api/v1/orders/${orderId}`,
  );
  expect(detail.body.order.quantity).toBe("6");
  await trader.cancelAll();
});

test("a market order fills against the book and the position changes in the portfolio", async ({
  page,
  env,
}) => {
  const symbol = "AAPL";
  const maker = await RestClient.login(env.backendUrl, env.users.maker);
  const trader = await RestClient.login(env.backendUrl, env.users.trader);
  const ref = await maker.reference(symbol);
  const askTicks = ref.ticks + 1;
  await maker.place({ symbol, side: "SELL", type: "LIMIT", price: ref.price(askTicks), quantity: "10" });
  const before = BigInt(await trader.position(symbol));

  await signIn(page, env.users.trader.username, env.users.trader.password);
  await openTrade(page, symbol);
  const t = ticket(page);
  await expect(
    page.getByTestId("book-asks").locator(".ladder-row", { hasText: ref.shown(askTicks) }),
  ).toBeVisible();

  // post-only at the ask would take liquidity: the engine's reason is shown as is
  await t.price.fill(ref.price(askTicks));
  await t.quantity.fill("1");
  await t.postOnly.check();
  await t.submit.click();
  await expect(t.error).toContainText("POST_ONLY");
  await t.postOnly.uncheck();

  await expect(page.getByTestId("ticket-position")).toHaveText(String(before));
  await t.type.selectOption("MARKET");
  await expect(t.tif).toHaveValue("IOC");
  await expect(t.price).toBeDisabled();
  await t.quantity.fill("4");
  await t.submit.click();
  await expect(t.ok).toContainText("FILLED");
  await expect(t.ok).toContainText(`filled 4 @ ${ref.shown(askTicks)}`);
  // the fill is in the fills list, and the tape shows the trade
  await page.getByRole("tab", { name: "Fills" }).click();
  await expect(page.getByTestId("fills").locator("tr", { hasText: symbol }).first()).toContainText(
    ref.shown(askTicks),
  );
  await expect(page.getByTestId("trades-tape").getByTestId("tape-row").first()).toContainText(
    ref.shown(askTicks),
  );
  await expect(page.getByTestId("stat-last")).toHaveText(ref.shown(askTicks));
  // the position next to the ticket follows the fill without a reload
  await expect(page.getByTestId("ticket-position")).toHaveText(String(before + 4n));

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Portfolio" }).click();
  await expect(page).toHaveURL(/\/portfolio$/);
  const pos = page.getByTestId("positions").locator(`tr[data-symbol="${symbol}"]`);
  await expect(pos.getByTestId("pos-qty")).toHaveText(String(before + 4n));
  expect(BigInt(await trader.position(symbol))).toBe(before + 4n);
  await shot(page, "04-portfolio");
  await maker.cancelAll();
});

test("rejections: invalid input is caught before sending, risk limits show the backend's reason", async ({
  page,
  env,
}) => {
  const symbol = "TSLA";
  const limited = await RestClient.login(env.backendUrl, env.users.limited);
  const ref = await limited.reference(symbol);
  await signIn(page, env.users.limited.username, env.users.limited.password);
  await openTrade(page, symbol);
  const t = ticket(page);

  // off the tick grid: the ticket explains and sends nothing
  let posted = 0;
  page.on("request", (r) => {
    if (r.method() === "POST" && r.url().endsWith("/api/v1/orders")) posted++;
  });
  await t.price.fill(`${ref.shown(ref.ticks)}5`); // one decimal more than the 0.01 tick allows
  await t.quantity.fill("1");
  await t.submit.click();
  await expect(page.getByTestId("price-error")).toHaveText(
    `Price must be a multiple of the tick size ${ref.tickSize}`,
  );
  await t.price.fill(ref.price(ref.ticks));
  await t.quantity.fill("0");
  await expect(page.getByTestId("quantity-error")).toHaveText("Quantity must be greater than 0");
  expect(posted).toBe(0);

  // over the user's max order quantity (5): the risk check rejects with its exact code and message
  await t.quantity.fill("10");
  await t.submit.click();
  await expect(t.error).toContainText("RISK_MAX_ORDER_QUANTITY");
  await expect(t.error).toContainText("order quantity exceeds the limit of 5 lots");
  expect(posted).toBe(1);
  await shot(page, "05-risk-rejection");

  // far from the reference price: price collar
  await t.quantity.fill("1");
  await t.price.fill(ref.price(Math.floor(ref.ticks * 0.5)));
  await t.submit.click();
  await expect(t.error).toContainText("RISK_PRICE_COLLAR");
});
