// Well-known locations in the monorepo, resolved from this file so callers work from any cwd.
import { fileURLToPath } from "node:url";

/** Absolute path of the repository root (packages/devstack/src/../../..). */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url)).replace(/\/$/, "");
export const DEFAULT_MIGRATIONS_DIR = `${REPO_ROOT}/prisma/migrations`;
export const DEFAULT_SCHEMA_PATH = `${REPO_ROOT}/prisma/schema.prisma`;
/** Default data directory of the embedded PostgreSQL (gitignored). */
export const DEFAULT_PGLITE_DIR = `${REPO_ROOT}/.data/pglite`;
