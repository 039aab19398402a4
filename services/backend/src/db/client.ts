// Prisma 7 client on the pg driver adapter (reads, admin writes) and a raw pg pool for the group-commit writer.
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/client.js";

export type { PrismaClient } from "./generated/client.js";

export function createPrisma(databaseUrl: string, poolSize: number): PrismaClient {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: poolSize });
  return new PrismaClient({ adapter });
}

export function createPool(databaseUrl: string, poolSize: number): pg.Pool {
  return new pg.Pool({ connectionString: databaseUrl, max: poolSize });
}
