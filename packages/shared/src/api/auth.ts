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

/** GET /api/v1/auth/me */
export const MeResponse = z.object({ user: User });
export type MeResponse = z.infer<typeof MeResponse>;

/** POST /api/v1/admin/users (admin only): creates a user with an account and returns its first API key. */
export const CreateUserRequest = z
  .object({
    username: z
      .string()
      .min(3, "username must be at least 3 characters")
      .max(64)
      .regex(/^[A-Za-z0-9_.-]+$/, "username may contain letters, digits and _ . -"),
    password: z.string().min(8, "password must be at least 8 characters").max(256),
    role: Role.default("USER"),
    /** starting cash, currency with at most 2 decimals (default: the backend's DEFAULT_STARTING_CASH) */
    cash: z
      .string()
      .max(20)
      .regex(/^\d+(\.\d{1,2})?$/, 'cash must be a decimal with at most 2 decimals, e.g. "100000"')
      .optional(),
  })
  .strict();
export type CreateUserRequest = z.infer<typeof CreateUserRequest>;

export const CreateUserResponse = z.object({ user: User, apiKey: z.string() });
export type CreateUserResponse = z.infer<typeof CreateUserResponse>;
