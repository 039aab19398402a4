import { z } from "zod";
import { Timestamp } from "./common.js";

export const Role = z.enum(["USER", "ADMIN"]);
export type Role = z.infer<typeof Role>;

export const LoginRequest = z.object({
  username: z.string().min(1, "username is required").max(64),
  password: z.string().min(1, "password is required").max(256),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const User = z.object({
  id: z.string(),
  username: z.string(),
  role: Role,
  createdAt: Timestamp,
});
export type User = z.infer<typeof User>;

/** POST /api/v1/auth/login -> send `Authorization: Bearer <token>` afterwards. */
export const LoginResponse = z.object({
  token: z.string(),
  tokenType: z.literal("Bearer"),
  expiresAt: Timestamp,
  user: User,
});
export type LoginResponse = z.infer<typeof LoginResponse>;

/** POST /api/v1/auth/api-keys: the key is shown once; only its hash is stored. */
export const CreateApiKeyRequest = z.object({
  label: z.string().max(64).optional(),
});
export type CreateApiKeyRequest = z.infer<typeof CreateApiKeyRequest>;

export const ApiKeyInfo = z.object({
  id: z.string(),
  prefix: z.string(),
  label: z.string().nullable(),
  createdAt: Timestamp,
});
export type ApiKeyInfo = z.infer<typeof ApiKeyInfo>;

export const CreateApiKeyResponse = ApiKeyInfo.extend({ key: z.string() });
export type CreateApiKeyResponse = z.infer<typeof CreateApiKeyResponse>;
