// Trading users for the browser tests, written straight into the migrated database with the backend's own seed
// helper (same password hashing and API keys as `npm start`'s demo user).
import { seedUser, withClient } from "@hft/backend/seed";
import type { StackState } from "./stack";

export const TRADER = { username: "e2e-trader", password: "e2e-trader-password" } as const;
export const MAKER = { username: "e2e-maker", password: "e2e-maker-password" } as const;
/** A user whose order quantity limit is small, to provoke a risk rejection. */
export const LIMITED = { username: "e2e-limited", password: "e2e-limited-password" } as const;
export const LIMITED_MAX_ORDER_QUANTITY = "5";

export async function seedUsers(databaseUrl: string): Promise<StackState["users"]> {
  return withClient(databaseUrl, async (c) => {
    const trader = await seedUser(c, { ...TRADER, cash: "1000000" });
    const maker = await seedUser(c, { ...MAKER, cash: "10000000" });
    const limited = await seedUser(c, {
      ...LIMITED,
      cash: "1000000",
      limits: {
        maxPositionQuantity: "1000",
        maxOrderQuantity: LIMITED_MAX_ORDER_QUANTITY,
        maxOrderNotional: "100000",
      },
    });
    return {
      trader: { ...TRADER, apiKey: trader.apiKey },
      maker: { ...MAKER, apiKey: maker.apiKey },
      limited: { ...LIMITED, apiKey: limited.apiKey },
    };
  });
}
