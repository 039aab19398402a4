// Set-based SQL for one WriteUnit: arrays bound through unnest(), one sub-statement per table, all of them
// data-modifying CTEs of ONE statement. A single statement outside BEGIN/COMMIT is its own transaction (atomic,
// and PostgreSQL answers it only after the commit record is flushed, synchronous_commit on), so a flush costs
// one round trip instead of BEGIN + one per table + COMMIT; each round trip is a wake-up of the backend and of
// a PostgreSQL process, which under load cost more than the SQL. Foreign keys (order_events/fills -> orders)
// are checked at the end of the statement, when the orders rows of the same statement exist.
import type pg from "pg";
import { isoTime } from "../time.js";
import type { WriteUnit } from "./rows.js";

interface Part {
  name: string;
  sql: string;
  params: unknown[];
}

const s = (v: bigint | number | null): string | null => (v === null ? null : v.toString());
// Prisma stores TIMESTAMP(3) as UTC wall time; an ISO string cast to timestamp keeps it (the Z is ignored).
const ts = isoTime;
// Array literal for values that never need quoting (integers, ISO timestamps, enum names, t/f): pg's generic
// array encoding quotes and escapes every element, which was a visible share of the backend's CPU per flush.
// Free text (client order ids, reasons, symbols) still goes through pg's escaping.
const lit = (values: (string | null)[]): string => `{${values.map((v) => v ?? "NULL").join(",")}}`;

// One statement text per combination of parts (at most 2^6), prepared once per connection under a stable
// name: PostgreSQL then skips parsing and planning, which cost more than the inserts for small batches.
const statements = new Map<string, string>();

function statementText(key: string, parts: Part[]): string {
  let text = statements.get(key);
  if (text === undefined) {
    // Renumber each part's $n placeholders after the parameters of the parts before it.
    let base = 0;
    const ctes = parts.map((p) => {
      const offset = base;
      base += p.params.length;
      return `${p.name} AS (${p.sql.replace(/\$(\d+)/g, (_, n: string) => `$${offset + Number(n)}`)})`;
    });
    text = `WITH ${ctes.join(",\n")}\n${key.includes("f") ? "SELECT * FROM f" : "SELECT 1"}`;
    statements.set(key, text);
  }
  return text;
}

/** Writes the unit in one statement (its own transaction); resolves after PostgreSQL committed it. */
export async function writeUnit(client: pg.PoolClient, u: WriteUnit): Promise<void> {
  const parts: Part[] = [];
  if (u.orders.size > 0) {
    const rows = [...u.orders.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
    parts.push({
      name: "o",
      sql: `INSERT INTO "orders" ("id","user_id","engine_order_id","client_order_id","symbol","side","type","time_in_force",
        "post_only","price","quantity","filled_quantity","leaves_quantity","filled_notional","status","reject_reason",
        "version","created_at","updated_at","original_price","original_quantity")
       SELECT * FROM unnest($1::bigint[],$2::bigint[],$3::bigint[],$4::text[],$5::text[],$6::"OrderSide"[],
        $7::"OrderType"[],$8::"TimeInForce"[],$9::boolean[],$10::bigint[],$11::bigint[],$12::bigint[],$13::bigint[],
        $14::bigint[],$15::"OrderStatus"[],$16::text[],$17::bigint[],$18::timestamp(3)[],$19::timestamp(3)[],
        $20::bigint[],$21::bigint[])
       ON CONFLICT ("id") DO UPDATE SET "engine_order_id"=EXCLUDED."engine_order_id","price"=EXCLUDED."price",
        "quantity"=EXCLUDED."quantity","filled_quantity"=EXCLUDED."filled_quantity",
        "leaves_quantity"=EXCLUDED."leaves_quantity","filled_notional"=EXCLUDED."filled_notional",
        "status"=EXCLUDED."status","reject_reason"=EXCLUDED."reject_reason","version"=EXCLUDED."version",
        "updated_at"=EXCLUDED."updated_at"
       WHERE "orders"."version" <= EXCLUDED."version"`,
      params: [
        lit(rows.map((r) => s(r.id))),
        lit(rows.map((r) => s(r.userId))),
        lit(rows.map((r) => s(r.engineOrderId))),
        rows.map((r) => r.clientOrderId),
        rows.map((r) => r.symbol),
        lit(rows.map((r) => r.side)),
        lit(rows.map((r) => r.type)),
        lit(rows.map((r) => r.timeInForce)),
        lit(rows.map((r) => (r.postOnly ? "t" : "f"))),
        lit(rows.map((r) => s(r.price))),
        lit(rows.map((r) => s(r.quantity))),
        lit(rows.map((r) => s(r.filledQuantity))),
        lit(rows.map((r) => s(r.leavesQuantity))),
        lit(rows.map((r) => s(r.filledNotional))),
        lit(rows.map((r) => r.status)),
        rows.map((r) => r.rejectReason),
        lit(rows.map((r) => s(r.version))),
        lit(rows.map((r) => ts(r.createdAt))),
        lit(rows.map((r) => ts(r.updatedAt))),
        // the accepted terms are set by the first write only (not in the ON CONFLICT update list)
        lit(rows.map((r) => s(r.originalPrice))),
        lit(rows.map((r) => s(r.originalQuantity))),
      ],
    });
  }
  if (u.events.length > 0) {
    const rows = u.events;
    parts.push({
      name: "e",
      sql: `INSERT INTO "order_events" ("order_id","engine_seq","type","status","price","quantity","filled_quantity",
        "leaves_quantity","text","created_at")
       SELECT * FROM unnest($1::bigint[],$2::bigint[],$3::text[],$4::"OrderStatus"[],$5::bigint[],$6::bigint[],
        $7::bigint[],$8::bigint[],$9::text[],$10::timestamp(3)[])`,
      params: [
        lit(rows.map((r) => s(r.orderId))),
        lit(rows.map((r) => s(r.engineSeq))),
        rows.map((r) => r.type),
        lit(rows.map((r) => r.status)),
        lit(rows.map((r) => s(r.price))),
        lit(rows.map((r) => s(r.quantity))),
        lit(rows.map((r) => s(r.filledQuantity))),
        lit(rows.map((r) => s(r.leavesQuantity))),
        rows.map((r) => r.text),
        lit(rows.map((r) => ts(r.createdAt))),
      ],
    });
  }
  if (u.fills.length > 0) {
    const rows = u.fills;
    parts.push({
      name: "f",
      sql: `INSERT INTO "fills" ("order_id","user_id","symbol","side","price","quantity","liquidity","trade_id",
        "engine_seq","created_at")
       SELECT * FROM unnest($1::bigint[],$2::bigint[],$3::text[],$4::"OrderSide"[],$5::bigint[],$6::bigint[],
        $7::"Liquidity"[],$8::bigint[],$9::bigint[],$10::timestamp(3)[])
       RETURNING "id"::text, "order_id"::text, "trade_id"::text, "engine_seq"::text`,
      params: [
        lit(rows.map((r) => s(r.orderId))),
        lit(rows.map((r) => s(r.userId))),
        rows.map((r) => r.symbol),
        lit(rows.map((r) => r.side)),
        lit(rows.map((r) => s(r.price))),
        lit(rows.map((r) => s(r.quantity))),
        lit(rows.map((r) => r.liquidity)),
        lit(rows.map((r) => s(r.tradeId))),
        lit(rows.map((r) => s(r.engineSeq))),
        lit(rows.map((r) => ts(r.createdAt))),
      ],
    });
  }
  if (u.positions.size > 0) {
    const rows = [...u.positions.values()].sort((a, b) =>
      a.userId === b.userId ? (a.symbol < b.symbol ? -1 : 1) : a.userId < b.userId ? -1 : 1,
    );
    parts.push({
      name: "p",
      sql: `INSERT INTO "positions" ("user_id","symbol","quantity","cost_basis","realized_pnl","version","updated_at")
       SELECT * FROM unnest($1::bigint[],$2::text[],$3::bigint[],$4::bigint[],$5::bigint[],$6::bigint[],
        $7::timestamp(3)[])
       ON CONFLICT ("user_id","symbol") DO UPDATE SET "quantity"=EXCLUDED."quantity",
        "cost_basis"=EXCLUDED."cost_basis","realized_pnl"=EXCLUDED."realized_pnl","version"=EXCLUDED."version",
        "updated_at"=EXCLUDED."updated_at"
       WHERE "positions"."version" <= EXCLUDED."version"`,
      params: [
        lit(rows.map((r) => s(r.userId))),
        rows.map((r) => r.symbol),
        lit(rows.map((r) => s(r.quantity))),
        lit(rows.map((r) => s(r.costBasis))),
        lit(rows.map((r) => s(r.realizedPnl))),
        lit(rows.map((r) => s(r.version))),
        lit(rows.map((r) => ts(r.updatedAt))),
      ],
    });
  }
  if (u.accounts.size > 0) {
    const rows = [...u.accounts.values()].sort((a, b) => (a.userId < b.userId ? -1 : 1));
    parts.push({
      name: "a",
      sql: `UPDATE "accounts" AS a SET "cash"=v.cash,"version"=v.version,"updated_at"=v.updated_at
       FROM unnest($1::bigint[],$2::bigint[],$3::bigint[],$4::timestamp(3)[]) AS v(user_id,cash,version,updated_at)
       WHERE a."user_id"=v.user_id AND a."version" <= v.version`,
      params: [
        lit(rows.map((r) => s(r.userId))),
        lit(rows.map((r) => s(r.cash))),
        lit(rows.map((r) => s(r.version))),
        lit(rows.map((r) => ts(r.updatedAt))),
      ],
    });
  }
  if (u.rejections.length > 0) {
    const rows = u.rejections;
    parts.push({
      name: "r",
      sql: `INSERT INTO "rejected_orders" ("user_id","client_order_id","symbol","side","type","price","quantity","code",
        "reason","created_at")
       SELECT * FROM unnest($1::bigint[],$2::text[],$3::text[],$4::text[],$5::text[],$6::text[],$7::text[],
        $8::text[],$9::text[],$10::timestamp(3)[])`,
      params: [
        lit(rows.map((r) => s(r.userId))),
        rows.map((r) => r.clientOrderId),
        rows.map((r) => r.symbol),
        rows.map((r) => r.side),
        rows.map((r) => r.type),
        rows.map((r) => r.price),
        rows.map((r) => r.quantity),
        rows.map((r) => r.code),
        rows.map((r) => r.reason),
        lit(rows.map((r) => ts(r.createdAt))),
      ],
    });
  }
  if (parts.length === 0) return;
  const key = parts.map((p) => p.name).join("");
  const params: unknown[] = [];
  for (const p of parts) params.push(...p.params);
  const hasFills = parts.some((p) => p.name === "f");
  const result = await client.query<{
    id: string;
    order_id: string;
    trade_id: string;
    engine_seq: string | null;
  }>({ name: `hft_flush_${key}`, text: statementText(key, parts), values: params });
  if (hasFills) {
    // Hand the generated ids back so acknowledgements and stream messages carry the real fill id.
    const byKey = new Map(result.rows.map((r) => [`${r.order_id}:${r.trade_id}:${r.engine_seq}`, r.id]));
    for (const f of u.fills) {
      const id = byKey.get(`${f.orderId}:${f.tradeId}:${f.engineSeq}`);
      if (id !== undefined) f.id = BigInt(id);
    }
  }
}
