// The ladder, the trades tape and the last price follow the market live, without reloading the page:
// other traders' orders are placed through the API while the page is open.
import { expect, expectSameDocument, markDocument, openTrade, shot, signIn, test } from "./fixtures";
import { RestClient } from "./stack";

test("book and trades update live without a reload", async ({ page, env }) => {
  const symbol = "GOOGL";
  const maker = await RestClient.login(env.backendUrl, env.users.maker);
  const taker = await RestClient.login(env.backendUrl, env.users.limited);
  const ref = await maker.reference(symbol);
  const bidTicks = ref.ticks - 3;
  const askTicks = ref.ticks + 2;

  await signIn(page, env.users.trader.username, env.users.trader.password);
  await openTrade(page, symbol);
  await markDocument(page);
  let navigations = 0;
  page.on("framenavigated", (f) => {
    if (f === page.mainFrame()) navigations++;
  });
  const bids = page.getByTestId("book-bids");
  const asks = page.getByTestId("book-asks");
  const tapeRows = page.getByTestId("trades-tape").getByTestId("tape-row");
  const tapeBefore = await tapeRows.count();

  // a bid and an ask appear on the ladder, with cumulative size on the second level
  await maker.place({ symbol, side: "BUY", type: "LIMIT", price: ref.price(bidTicks), quantity: "7" });
  const bidRow = bids.locator(".ladder-row", { hasText: ref.shown(bidTicks) });
  await expect(bidRow).toContainText("7");
  await maker.place({ symbol, side: "BUY", type: "LIMIT", price: ref.price(bidTicks - 1), quantity: "5" });
  const secondBid = bids.locator(".ladder-row", { hasText: ref.shown(bidTicks - 1) });
  await expect(secondBid.locator("span").nth(2)).toHaveText("5");
  await expect(secondBid.locator("span").nth(3)).toHaveText("12"); // cumulative 7 + 5
  await maker.place({ symbol, side: "SELL", type: "LIMIT", price: ref.price(askTicks), quantity: "9" });
  const askRow = asks.locator(".ladder-row", { hasText: ref.shown(askTicks) });
  await expect(askRow).toContainText("9");
  await expect(page.getByTestId("stat-bid")).toHaveText(ref.shown(bidTicks));
  await expect(page.getByTestId("stat-ask")).toHaveText(ref.shown(askTicks));
  await expect(page.getByTestId("stat-spread")).toHaveText(ref.shown(askTicks - bidTicks));

  // another trader lifts 3 of the ask: a trade prints on the tape, the level shrinks, last price moves
  await taker.place({ symbol, side: "BUY", type: "LIMIT", price: ref.price(askTicks), quantity: "3" });
  await expect(tapeRows).toHaveCount(tapeBefore + 1);
  await expect(tapeRows.first()).toContainText(ref.shown(askTicks));
  await expect(tapeRows.first()).toContainText("3");
  await expect(askRow.locator("span").nth(2)).toHaveText("6");
  await expect(page.getByTestId("stat-last")).toHaveText(ref.shown(askTicks));
  const chart = page.getByTestId("price-chart");
  await expect(chart).toHaveAttribute("data-last-close", ref.shown(askTicks));

  // the bid is hit completely: the level disappears
  await taker.place({ symbol, side: "SELL", type: "LIMIT", price: ref.price(bidTicks), quantity: "5" });
  await taker.place({ symbol, side: "SELL", type: "LIMIT", price: ref.price(bidTicks), quantity: "2" });
  await expect(bidRow).toHaveCount(0);
  await expect(tapeRows).toHaveCount(tapeBefore + 3);
  await expect(chart).toHaveAttribute("data-last-close", ref.shown(bidTicks));

  await shot(page, "06-trade-live");
  await expectSameDocument(page);
  expect(navigations, "no navigation happened while the market moved").toBe(0);
  await maker.cancelAll();
  await taker.cancelAll();
});

test("the user's own orders update live: placed elsewhere, filled by another trader", async ({
  page,
  env,
}) => {
  const symbol = "GOOGL";
  const trader = await RestClient.login(env.backendUrl, env.users.trader);
  const maker = await RestClient.login(env.backendUrl, env.users.maker);
  const ref = await trader.reference(symbol);
  const bidTicks = ref.ticks - 10;

  await signIn(page, env.users.trader.username, env.users.trader.password);
  await openTrade(page, symbol);
  await markDocument(page);

  // the same user places an order through the API (another session): it shows up in open orders
  const placed = await trader.place({
    symbol,
    side: "BUY",
    type: "LIMIT",
    price: ref.price(bidTicks),
    quantity: "6",
  });
  const row = page.getByTestId("open-orders").locator(`tr[data-order-id="${placed.order.id}"]`);
  await expect(row).toHaveAttribute("data-status", "NEW");

  // another trader sells into it: partially filled, then filled and gone from open orders
  await maker.place({ symbol, side: "SELL", type: "LIMIT", price: ref.price(bidTicks), quantity: "2" });
  await expect(row).toHaveAttribute("data-status", "PARTIALLY_FILLED");
  await expect(row.locator("td").nth(6)).toHaveText("2");
  await maker.place({ symbol, side: "SELL", type: "LIMIT", price: ref.price(bidTicks), quantity: "4" });
  await expect(row).toHaveCount(0);
  await page.getByRole("tab", { name: "Order history" }).click();
  await expect(
    page.getByTestId("order-history").locator(`tr[data-order-id="${placed.order.id}"]`),
  ).toHaveAttribute("data-status", "FILLED");
  await page.getByRole("tab", { name: "Fills" }).click();
  await expect(page.getByTestId("fills").locator(`tr[data-order-id="${placed.order.id}"]`)).toHaveCount(2);
  await expectSameDocument(page);
  await maker.cancelAll();
});
