// Sign in and sign out against the backend's authentication (through the web's session cookie).
import { expect, shot, signIn, test } from "./fixtures";

test("a wrong password shows the backend's reason and keeps the user on the sign-in page", async ({
  page,
  env,
}) => {
  await page.goto("/login");
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await shot(page, "01-login");
  await page.getByLabel("Username").fill(env.users.trader.username);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  // the site shows exactly what the backend answers to these credentials (code and message)
  const res = await fetch(`${env.backendUrl}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: env.users.trader.username, password: "not-the-password" }),
  });
  expect(res.status).toBe(401);
  const { error } = (await res.json()) as { error: { code: string; message: string } };
  // (scoped to the form: Next's route announcer is an empty role=alert too)
  const alert = page.locator("form").getByRole("alert");
  await expect(alert).toContainText(error.code);
  await expect(alert).toContainText(error.message);
  await expect(page).toHaveURL(/\/login/);
});

test("pages need a session: an anonymous visit is sent to sign in", async ({ page }) => {
  await page.goto("/portfolio");
  await expect(page).toHaveURL(/\/login/);
});

test("sign in, then sign out", async ({ page, env }) => {
  await signIn(page, env.users.trader.username, env.users.trader.password);
  await expect(page).toHaveURL(/\/trade\/AAPL$/);
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === "hft_session");
  expect(session?.httpOnly, "the credential cookie is httpOnly").toBe(true);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  // the session is gone: protected pages redirect again, and the API proxy refuses
  await page.goto("/orders");
  await expect(page).toHaveURL(/\/login/);
  const res = await page.request.get("/api/v1/portfolio");
  expect(res.status()).toBe(401);
});

test("sign in with an API key", async ({ page, env }) => {
  const key = env.users.trader.apiKey;
  test.skip(!key, "the seed returned no API key");
  await page.goto("/login");
  await page.getByRole("tab", { name: "API key" }).click();
  await page.getByLabel("API key").fill(key ?? "");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/trade\//);
  await expect(page.getByTestId("order-ticket")).toBeVisible();
});
