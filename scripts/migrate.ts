// `npm run db:migrate [-- --check] [--database-url URL] [--migrations DIR] [--schema FILE]`
// Applies prisma/migrations to DATABASE_URL with the offline applier (no Prisma engine download needed);
// --check also proves schema.prisma and the migrated database agree and exits 1 on drift.
import { parseArgs } from "node:util";
import {
  applyMigrations,
  checkSchemaAgreement,
  DEFAULT_MIGRATIONS_DIR,
  DEFAULT_SCHEMA_PATH,
  formatDifferences,
  MigrationError,
} from "@hft/devstack";

const HELP = `Usage: npm run db:migrate -- [options]

Applies pending migrations from prisma/migrations (Prisma's folder format) to the database, offline.
The bookkeeping (_prisma_migrations) is the one \`prisma migrate deploy\` keeps, so both tools can be mixed.

Options:
  --database-url <url>   PostgreSQL URL (default: $DATABASE_URL)
  --migrations <dir>     migrations folder (default: prisma/migrations)
  --schema <file>        Prisma schema for --check (default: prisma/schema.prisma)
  --check                after migrating, compare schema.prisma with the database; exit 1 on any difference
  -h, --help             show this help
`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      "database-url": { type: "string" },
      migrations: { type: "string" },
      schema: { type: "string" },
      check: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const url = values["database-url"] ?? process.env.DATABASE_URL;
  if (!url) {
    process.stderr.write("error: no database: set DATABASE_URL or pass --database-url\n\n" + HELP);
    return 2;
  }
  const dir = values.migrations ?? DEFAULT_MIGRATIONS_DIR;
  const res = await applyMigrations(url, dir, { log: (m) => process.stdout.write(`${m}\n`) });
  process.stdout.write(
    `migrations: ${res.applied.length} applied, ${res.alreadyApplied.length} already applied` +
      (res.unknownInDatabase.length
        ? `; in the database but not in ${dir}: ${res.unknownInDatabase.join(", ")}`
        : "") +
      "\n",
  );
  if (values.check) {
    const diffs = await checkSchemaAgreement(url, values.schema ?? DEFAULT_SCHEMA_PATH);
    if (diffs.length > 0) {
      process.stderr.write(
        `schema.prisma and the database DISAGREE (${diffs.length}):\n${formatDifferences(diffs)}\n`,
      );
      return 1;
    }
    process.stdout.write("schema check: schema.prisma and the database agree\n");
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const msg =
      err instanceof MigrationError
        ? `${err.code}: ${err.message}`
        : err instanceof Error
          ? err.message
          : String(err);
    process.stderr.write(`error: ${msg}\n`);
    process.exitCode = 1;
  },
);
