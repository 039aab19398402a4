// Prisma 7 configuration: the schema and migrations live in the repository root's prisma/ folder.
// The datasource URL is only needed by `prisma migrate deploy` (platform images with Prisma's engine);
// `prisma generate` works offline without it.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "../../prisma/schema.prisma",
  migrations: { path: "../../prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/hft" },
});
