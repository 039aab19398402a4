// Seeds the two trading users of the deployed-platform smoke test (k8s-tests/deployed.test.ts) and prints their
// API keys as JSON. Runs inside the backend container, where DATABASE_URL is set and tsx is installed:
//   kubectl exec -i deploy/hft-platform-backend -- node --import tsx --input-type=module - < k8s-tests/kind/seed-users.mjs
// Idempotent per username (a fresh API key each run). Passwords are throwaway: the users exist only in CI.
import { randomBytes } from "node:crypto";
import { seedUser, withClient } from "./services/backend/src/db/seed.ts";

const password = () => randomBytes(18).toString("base64url");
const keys = await withClient(process.env.DATABASE_URL, async (c) => ({
  trader: (await seedUser(c, { username: "smoke-trader", password: password(), apiKeyLabel: "smoke" }))
    .apiKey,
  maker: (await seedUser(c, { username: "smoke-maker", password: password(), apiKeyLabel: "smoke" })).apiKey,
}));
console.log(JSON.stringify(keys));
