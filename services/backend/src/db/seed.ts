// Users and API keys straight in the database: the demo seed of the launcher (`npm start`), tests and benchmarks.
// Idempotent per username: an existing user keeps its id and password; a new API key is issued each call.
import pg from "pg";
import { hashPassword, newApiKey } from "../auth/crypto.js";
import { parseCents } from "../money.js";

export interface SeedUserOptions {
  username: string;
  password: string;
  role?: "USER" | "ADMIN";
  /** starting cash for a NEW user's account, currency decimal (default "100000") */
  cash?: string;
  /** risk limits for a NEW user (defaults apply when omitted) */
  limits?: {
    maxPositionQuantity: string;
    maxOrderQuantity: string;
    maxOrderNotional: string;
    priceCollarBps?: number;
    ordersPerSecond?: number;
    orderBurst?: number;
  };
  /** label of the API key issued for the user (default "seed") */
  apiKeyLabel?: string;
}

export interface SeededUser {
  userId: string;
  username: string;
  role: "USER" | "ADMIN";
  /** plain API key (only its sha256 is stored) */
  apiKey: string;
  created: boolean;
}

/** Creates the user (with account and optional limits) unless it exists, and issues one API key. */
export async function seedUser(client: pg.ClientBase, opts: SeedUserOptions): Promise<SeededUser> {
  const role = opts.role ?? "USER";
  const existing = await client.query<{ id: string; role: "USER" | "ADMIN" }>(
    `SELECT id::text AS id, role::text AS role FROM "users" WHERE username = $1`,
    [opts.username],
  );
  let userId: string;
  let created = false;
  let actualRole = role;
  if (existing.rows.length > 0) {
    userId = existing.rows[0].id;
    actualRole = existing.rows[0].role;
  } else {
    created = true;
    const hash = await hashPassword(opts.password);
    const r = await client.query<{ id: string }>(
      `INSERT INTO "users" (username, password_hash, role) VALUES ($1, $2, $3::"Role") RETURNING id::text AS id`,
      [opts.username, hash, role],
    );
    userId = r.rows[0].id;
    await client.query(`INSERT INTO "accounts" (user_id, cash) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
      userId,
      parseCents(opts.cash ?? "100000").toString(),
    ]);
    if (opts.limits) {
      const l = opts.limits;
      await client.query(
        `INSERT INTO "risk_limits" (user_id, max_position_quantity, max_order_quantity, max_order_notional,
           price_collar_bps, orders_per_second, order_burst) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
        [
          userId,
          l.maxPositionQuantity,
          l.maxOrderQuantity,
          parseCents(l.maxOrderNotional).toString(),
          l.priceCollarBps ?? 1000,
          l.ordersPerSecond ?? 1000,
          l.orderBurst ?? 2000,
        ],
      );
    }
  }
  const key = newApiKey();
  await client.query(`INSERT INTO "api_keys" (user_id, prefix, key_hash, label) VALUES ($1, $2, $3, $4)`, [
    userId,
    key.prefix,
    key.hash,
    opts.apiKeyLabel ?? "seed",
  ]);
  return { userId, username: opts.username, role: actualRole, apiKey: key.key, created };
}

export const DEMO_USER = { username: "demo", password: "demo-password" } as const;

/** Seeds the demo user (`demo` / `demo-password`, 100,000.00 cash) and returns a fresh API key for it. */
export async function seedDemo(databaseUrl: string): Promise<SeededUser> {
  return withClient(databaseUrl, (c) => seedUser(c, { ...DEMO_USER, apiKeyLabel: "demo" }));
}

/** Opens one connection (PGlite serves one at a time), runs `fn`, closes it. */
export async function withClient<T>(databaseUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
