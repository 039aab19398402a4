// Password hashing (scrypt), API keys (only a sha256 is stored) and signed bearer tokens (HMAC-SHA256).
import { createHmac, hash, randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";

const scryptAsync = promisify(scrypt) as (
  pw: string,
  salt: Buffer,
  len: number,
  opts: object,
) => Promise<Buffer>;
const N = 16384;
const R = 8;
const P = 1;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, 32, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString("base64url")}$${hash.toString("base64url")}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [, n, r, p, saltText, hashText] = parts;
  const expected = Buffer.from(hashText, "base64url");
  const actual = await scryptAsync(password, Buffer.from(saltText, "base64url"), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return timingSafeEqual(expected, actual);
}

export const API_KEY_PREFIX_LENGTH = 12;

export function newApiKey(): { key: string; prefix: string; hash: string } {
  const key = `hft_${randomBytes(24).toString("base64url")}`;
  return { key, prefix: key.slice(0, API_KEY_PREFIX_LENGTH), hash: sha256(key) };
}

export function sha256(text: string): string {
  // One-shot digest: no Hash object per call (this runs on every API-key request).
  return hash("sha256", text, "hex");
}

export interface TokenClaims {
  sub: string;
  role: "USER" | "ADMIN";
  exp: number; // unix seconds
}

export function signToken(claims: TokenClaims, secret: string): string {
  const body = Buffer.from(JSON.stringify(claims)).toString("base64url");
  const sig = createHmac("sha256", secret).update(body).digest("base64url");
  return `${body}.${sig}`;
}

export function verifyToken(
  token: string,
  secret: string,
  nowSeconds = Date.now() / 1000,
): TokenClaims | null {
  const dot = token.indexOf(".");
  if (dot <= 0 || token.length > 2048) return null;
  const body = token.slice(0, dot);
  const sig = Buffer.from(token.slice(dot + 1), "base64url");
  const expected = createHmac("sha256", secret).update(body).digest();
  if (sig.length !== expected.length || !timingSafeEqual(sig, expected)) return null;
  try {
    const claims = JSON.parse(Buffer.from(body, "base64url").toString()) as TokenClaims;
    if (typeof claims.sub !== "string" || typeof claims.exp !== "number" || claims.exp < nowSeconds)
      return null;
    if (claims.role !== "USER" && claims.role !== "ADMIN") return null;
    return claims;
  } catch {
    return null;
  }
}
