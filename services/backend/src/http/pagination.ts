// Keyset pagination over (created_at DESC, id DESC) — the order of the (user_id, created_at DESC, id DESC)
// indexes on orders and fills. Cursors are opaque base64url of the last row's key; anything that does not
// decode to a key is a 400.
import { ApiError } from "../errors.js";

export interface CursorKey {
  createdAt: Date;
  id: bigint;
}

export function encodeCursor(row: CursorKey): string {
  return Buffer.from(`v2:${row.createdAt.getTime()}:${row.id}`).toString("base64url");
}

export function decodeCursor(cursor: string | undefined): CursorKey | undefined {
  if (cursor === undefined) return undefined;
  const text = Buffer.from(cursor, "base64url").toString();
  const m = /^v2:(\d{1,15}):(\d{1,19})$/.exec(text);
  if (!m || BigInt(m[2]) > (1n << 63n) - 1n) {
    throw new ApiError(
      400,
      "VALIDATION_ERROR",
      "querystring.cursor: malformed cursor (pass back nextCursor as is)",
      [{ field: "querystring.cursor", message: "malformed cursor" }],
    );
  }
  return { createdAt: new Date(Number(m[1])), id: BigInt(m[2]) };
}

/** Prisma `where` fragment: rows strictly after the cursor in (createdAt DESC, id DESC) order. */
export function afterCursor(c: CursorKey) {
  return { OR: [{ createdAt: { lt: c.createdAt } }, { createdAt: c.createdAt, id: { lt: c.id } }] };
}

export const PAGE_ORDER = [{ createdAt: "desc" as const }, { id: "desc" as const }];
