// Opaque cursors: base64url of the last row's id. Anything that does not decode to an id is a 400.
import { ApiError } from "../errors.js";

export function encodeCursor(id: bigint): string {
  return Buffer.from(`v1:${id}`).toString("base64url");
}

export function decodeCursor(cursor: string | undefined): bigint | undefined {
  if (cursor === undefined) return undefined;
  const text = Buffer.from(cursor, "base64url").toString();
  const m = /^v1:(\d{1,19})$/.exec(text);
  if (!m || BigInt(m[1]) > (1n << 63n) - 1n) {
    throw new ApiError(
      400,
      "VALIDATION_ERROR",
      "querystring.cursor: malformed cursor (pass back nextCursor as is)",
      [{ field: "querystring.cursor", message: "malformed cursor" }],
    );
  }
  return BigInt(m[1]);
}
