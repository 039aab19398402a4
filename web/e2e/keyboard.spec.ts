// The order ticket works with the keyboard alone: reach it with Tab, pick the side, fill the fields, submit
// with Enter, read the validation message, fix it and send. No mouse event is used in this test.
import { expect, openTrade, signIn, test, ticket } from "./fixtures";
import { RestClient } from "./stack";

test("keyboard-only order ticket", async ({ page, env }) => {
  const symbol = "AMZN";
  const trader = await RestClient.login(env.backendUrl, env.users.trader);
  const ref = await trader.reference(symbol);
  const priceTicks = Math.ceil(ref.ticks * 1.03) + 1; // a sell above the market: rests
  await signIn(page, env.users.trader.username, env.users.trader.password);
  await openTrade(page, symbol);
  const t = ticket(page);

  const focusedInTicket = () =>
    page.evaluate(() => document.activeElement?.closest('[data-testid="order-ticket"]') !== null);
  const focusedLabel = () =>
    page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el) return "";
      const byFor = el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : null;
      return (byFor ?? el.textContent ?? "").trim();
    });

  // from the top of the page, Tab until the ticket has focus (bounded)
  await page.locator("body").focus();
  let presses = 0;
  while (!(await focusedInTicket())) {
    expect(presses++, "the ticket is reachable with Tab").toBeLessThan(80);
    await page.keyboard.press("Tab");
  }
  expect(await focusedLabel()).toBe("Buy");
  await page.keyboard.press("Tab");
  expect(await focusedLabel()).toBe("Sell");
  await page.keyboard.press("Space");
  await expect(t.sell).toHaveAttribute("aria-pressed", "true");
  await expect(t.submit).toHaveText(`Sell ${symbol}`);

  await page.keyboard.press("Tab");
  expect(await focusedLabel()).toBe("Order type");
  await page.keyboard.press("Tab");
  expect(await focusedLabel()).toBe("Time in force");
  await page.keyboard.press("Tab");
  expect(await focusedLabel()).toMatch(/^Limit price/);
  await page.keyboard.type(ref.price(priceTicks - 1));
  // arrow keys step the price by exactly one tick
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("ArrowDown");
  await expect(t.price).toHaveValue(ref.shown(priceTicks));
  await page.keyboard.press("Tab");
  expect(await focusedLabel()).toMatch(/^Quantity/);
  await page.keyboard.type("2.5"); // off the lot grid (lot 1)
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("quantity-error")).toHaveText(
    "Quantity must be a multiple of the lot size 1",
  );
  await expect(t.quantity).toHaveAttribute("aria-invalid", "true");

  await page.keyboard.press("Control+A");
  await page.keyboard.type("2");
  await expect(page.getByTestId("quantity-error")).toHaveCount(0);
  await page.keyboard.press("Enter");
  await expect(t.ok).toContainText("NEW");
  const orderId = (await t.ok.textContent())?.match(/Order (\d+)/)?.[1] ?? "";
  const row = page.getByTestId("open-orders").locator(`tr[data-order-id="${orderId}"]`);
  await expect(row).toContainText("SELL");
  await expect(row).toContainText(ref.shown(priceTicks));

  // cancel it with the keyboard too: focus the row's Cancel button and press Enter
  await row.getByRole("button", { name: `Cancel order ${orderId}` }).focus();
  await page.keyboard.press("Enter");
  await expect(row).toHaveCount(0);
});
