// @hft/devstack: the local platform runtime shared by the launcher (`npm start`), tests and benchmarks.

export {
  type ApplyMigrationsOptions,
  type ApplyMigrationsResult,
  applyMigrations,
  type LocalMigration,
  MigrationError,
  migrationChecksum,
  PRISMA_ADVISORY_LOCK_KEY,
  readMigrations,
} from "./migrate.js";
export { canConnect, freePort, type WaitForOptions, waitFor, waitForHttp, waitForPort } from "./net.js";
export { DEFAULT_MIGRATIONS_DIR, DEFAULT_PGLITE_DIR, DEFAULT_SCHEMA_PATH, REPO_ROOT } from "./paths.js";
export { type EmbeddedPostgres, type StartEmbeddedPostgresOptions, startEmbeddedPostgres } from "./pglite.js";
export {
  findPostgresBinDir,
  type StartedPostgres,
  type StartPostgresOptions,
  startPostgres,
} from "./postgres.js";
export {
  type ExitInfo,
  groupAlive,
  type ManagedProcess,
  ProcessStartError,
  type StartProcessOptions,
  startProcess,
} from "./process.js";
export {
  type CheckSchemaAgreementOptions,
  checkSchemaAgreement,
  formatDifferences,
  loadDatamodel,
  type SchemaDifference,
} from "./schema-check.js";
export {
  engineHealthCheck,
  type RunningService,
  type ServiceOptions,
  type StartBackendOptions,
  type StartEngineOptions,
  startBackend,
  startEngine,
  tsxCommand,
} from "./services.js";
export { type StartWebOptions, startWeb, WEB_DIR, webBuildExists } from "./web.js";
