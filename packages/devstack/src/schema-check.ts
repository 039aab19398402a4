// Proves that prisma/schema.prisma and a migrated database agree. The schema is read with Prisma's own parser
// (the prisma-schema wasm behind @prisma/get-dmmf, offline); the database side comes from pg_catalog.
// Everything Prisma would generate DDL for is compared: tables, columns, types, nullability, defaults, enums,
// primary keys, unique/normal indexes (with Prisma's default names) and foreign keys.
import { readFileSync } from "node:fs";
import { getDMMF } from "@prisma/get-dmmf";
import pg from "pg";
import { DEFAULT_SCHEMA_PATH } from "./paths.js";

export interface SchemaDifference {
  kind:
    | "table"
    | "column"
    | "type"
    | "nullability"
    | "default"
    | "enum"
    | "primary-key"
    | "index"
    | "foreign-key"
    | "schema";
  /** e.g. "orders", "orders.user_id", "orders_user_id_fkey", enum "Role" */
  object: string;
  message: string;
}

/** One difference per line, for assertion messages and the CLI. */
export function formatDifferences(diffs: SchemaDifference[]): string {
  return diffs.map((d) => `- [${d.kind}] ${d.object}: ${d.message}`).join("\n");
}

// Minimal structural types of the DMMF parts we read (the package's own types live in @prisma/dmmf).
interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: "scalar" | "object" | "enum" | "unsupported";
  isList: boolean;
  isRequired: boolean;
  isUpdatedAt?: boolean;
  type: string;
  nativeType?: [string, string[]] | null;
  default?: unknown;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  schema?: string | null;
  fields: DmmfField[];
}
interface DmmfEnum {
  name: string;
  dbName?: string | null;
  values: { name: string; dbName: string | null }[];
}
interface DmmfIndex {
  model: string;
  type: "id" | "normal" | "unique" | "fulltext";
  dbName?: string | null;
  algorithm?: string;
  fields: { name: string; sortOrder?: "asc" | "desc" }[];
}
interface Datamodel {
  models: DmmfModel[];
  enums: DmmfEnum[];
  indexes: DmmfIndex[];
}

/** Parses a Prisma schema offline into its datamodel (throws with Prisma's validation message on errors). */
export function loadDatamodel(schemaText: string): Datamodel {
  const res = getDMMF({ datamodel: schemaText });
  if ("type" in res && "reason" in res) {
    throw new Error(`schema.prisma is not valid: ${res.reason}: ${res.error.message}`);
  }
  return (res as unknown as { datamodel: Datamodel }).datamodel;
}

const MAX_IDENT = 63;
/** Prisma's default constraint/index names: <table>_<columns>_<suffix>, truncated to 63 bytes. */
function prismaName(table: string, columns: string[], suffix: "pkey" | "key" | "idx" | "fkey"): string {
  if (suffix === "pkey") return `${table}_pkey`.slice(0, MAX_IDENT);
  const base = [table, ...columns].join("_");
  const tail = `_${suffix}`;
  return (base.length + tail.length > MAX_IDENT ? base.slice(0, MAX_IDENT - tail.length) : base) + tail;
}

/** The type `format_type()` prints for a Prisma field on PostgreSQL. */
function expectedType(f: DmmfField, enums: Map<string, string>): string {
  if (f.kind === "enum") return `enum:${enums.get(f.type) ?? f.type}`;
  const list = f.isList ? "[]" : "";
  const [nt, args] = f.nativeType ?? [undefined, []];
  const a = args ?? [];
  const withArgs = (base: string) => (a.length ? `${base}(${a.join(",")})` : base);
  const ts = (base: string, tz: boolean) =>
    `${base}${a.length ? `(${a[0]})` : ""} ${tz ? "with" : "without"} time zone`;
  let t: string;
  switch (nt) {
    case undefined:
      t =
        {
          String: "text",
          Boolean: "boolean",
          Int: "integer",
          BigInt: "bigint",
          Float: "double precision",
          Decimal: "numeric(65,30)",
          DateTime: "timestamp(3) without time zone",
          Json: "jsonb",
          Bytes: "bytea",
        }[f.type] ?? f.type.toLowerCase();
      break;
    case "VarChar":
      t = withArgs("character varying");
      break;
    case "Char":
      t = withArgs("character");
      break;
    case "Decimal":
      t = withArgs("numeric");
      break;
    case "Timestamp":
      t = ts("timestamp", false);
      break;
    case "Timestamptz":
      t = ts("timestamp", true);
      break;
    case "Time":
      t = ts("time", false);
      break;
    case "Timetz":
      t = ts("time", true);
      break;
    case "DoublePrecision":
      t = "double precision";
      break;
    case "SmallInt":
      t = "smallint";
      break;
    case "Integer":
      t = "integer";
      break;
    case "Bit":
      t = withArgs("bit");
      break;
    case "VarBit":
      t = withArgs("bit varying");
      break;
    case "ByteA":
      t = "bytea";
      break;
    case "JsonB":
      t = "jsonb";
      break;
    default:
      t = withArgs(nt.toLowerCase()); // Text, Uuid, Date, Json, Real, Money, Inet, Citext, Xml, Oid
  }
  return t + list;
}

/** Normalised DB default for comparison: casts and quotes removed. */
function normDefault(d: string | null): string | null {
  if (d === null) return null;
  let s = d.trim();
  for (;;) {
    const m = /^(.*)::[\w\s".[\]()]+$/s.exec(s);
    if (!m) break;
    s = m[1].trim();
    if (s.startsWith("(") && s.endsWith(")")) s = s.slice(1, -1);
  }
  if (s.startsWith("'") && s.endsWith("'")) s = s.slice(1, -1).replace(/''/g, "'");
  return s;
}

/** What the column default must look like for a Prisma `@default(...)`, or undefined if not checkable. */
function checkDefault(f: DmmfField, actual: string | null, isIdentity: boolean): string | undefined {
  const want = f.default;
  const got = normDefault(actual);
  if (want === undefined || f.isUpdatedAt) {
    return got === null && !isIdentity
      ? undefined
      : `expected no database default, found ${actual ?? "identity"}`;
  }
  if (typeof want === "object" && want !== null && !Array.isArray(want) && "name" in want) {
    const fn = (want as { name: string; args: unknown[] }).name;
    switch (fn) {
      case "autoincrement":
        return isIdentity || /^nextval\(/.test(got ?? "")
          ? undefined
          : `expected autoincrement (sequence), found ${actual}`;
      case "now":
        return got !== null && /^(CURRENT_TIMESTAMP|now\(\))/i.test(got)
          ? undefined
          : `expected CURRENT_TIMESTAMP, found ${actual}`;
      case "dbgenerated":
        return got !== null ? undefined : "expected a database-generated default, found none";
      case "uuid":
      case "cuid":
      case "ulid":
      case "nanoid":
        // generated by Prisma Client, not by the database
        return got === null
          ? undefined
          : `expected no database default (${fn}() is client-side), found ${actual}`;
      default:
        return undefined;
    }
  }
  if (Array.isArray(want)) return undefined; // list defaults: not compared
  const expected = typeof want === "string" ? want : JSON.stringify(want);
  if (got === null) return `expected default ${expected}, found none`;
  if (f.type === "Decimal" || f.type === "Float" || f.type === "Int" || f.type === "BigInt") {
    return Number(got) === Number(expected) ? undefined : `expected default ${expected}, found ${actual}`;
  }
  if (f.type === "Json") {
    try {
      return JSON.stringify(JSON.parse(got)) === JSON.stringify(JSON.parse(expected))
        ? undefined
        : `expected default ${expected}, found ${actual}`;
    } catch {
      return `expected default ${expected}, found ${actual}`;
    }
  }
  return got === expected ? undefined : `expected default ${expected}, found ${actual}`;
}

const FK_ACTIONS: Record<string, string> = {
  a: "NoAction",
  r: "Restrict",
  c: "Cascade",
  n: "SetNull",
  d: "SetDefault",
};

interface DbColumn {
  table: string;
  column: string;
  type: string;
  enumName: string | null;
  notNull: boolean;
  default: string | null;
  isIdentity: boolean;
}
interface DbIndex {
  table: string;
  name: string;
  unique: boolean;
  primary: boolean;
  method: string;
  columns: string[];
  desc: boolean[];
  partial: boolean;
}
interface DbForeignKey {
  table: string;
  name: string;
  columns: string[];
  refTable: string;
  refColumns: string[];
  onDelete: string;
  onUpdate: string;
}

async function readCatalog(client: pg.Client, schema: string) {
  const tables = (
    await client.query<{ table: string }>(
      `SELECT c.relname AS table FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') ORDER BY 1`,
      [schema],
    )
  ).rows.map((r) => r.table);
  const columns = (
    await client.query<DbColumn>(
      `SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
              CASE WHEN t.typtype = 'e' THEN t.typname
                   WHEN et.typtype = 'e' THEN et.typname END AS "enumName",
              a.attnotnull AS "notNull", pg_get_expr(d.adbin, d.adrelid) AS default,
              a.attidentity <> '' AS "isIdentity"
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
       ORDER BY c.relname, a.attnum`,
      [schema],
    )
  ).rows;
  const enums = new Map<string, string[]>();
  for (const r of (
    await client.query<{ name: string; value: string }>(
      `SELECT t.typname AS name, e.enumlabel AS value FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid
       JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = $1 ORDER BY t.typname, e.enumsortorder`,
      [schema],
    )
  ).rows) {
    enums.set(r.name, [...(enums.get(r.name) ?? []), r.value]);
  }
  const indexes = (
    await client.query<DbIndex>(
      `SELECT t.relname AS table, i.relname AS name, x.indisunique AS unique, x.indisprimary AS primary,
              am.amname AS method, x.indpred IS NOT NULL AS partial,
              ARRAY(SELECT COALESCE(a.attname::text, '(expression)') FROM unnest(x.indkey) WITH ORDINALITY k(attnum, ord)
                    LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
                    ORDER BY k.ord)::text[] AS columns,
              ARRAY(SELECT (o.opt & 1) = 1 FROM unnest(x.indoption::int2[]) WITH ORDINALITY o(opt, ord)
                    ORDER BY o.ord) AS desc
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_am am ON am.oid = i.relam
       WHERE n.nspname = $1 ORDER BY 1, 2`,
      [schema],
    )
  ).rows;
  const foreignKeys = (
    await client.query<DbForeignKey>(
      `SELECT t.relname AS table, con.conname AS name, rt.relname AS "refTable",
              ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS columns,
              ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[]
                AS "refColumns",
              con.confdeltype AS "onDelete", con.confupdtype AS "onUpdate"
       FROM pg_constraint con JOIN pg_class t ON t.oid = con.conrelid JOIN pg_class rt ON rt.oid = con.confrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       WHERE n.nspname = $1 AND con.contype = 'f' ORDER BY 1, 2`,
      [schema],
    )
  ).rows;
  return { tables, columns, enums, indexes, foreignKeys };
}

export interface CheckSchemaAgreementOptions {
  /** PostgreSQL schema (namespace) the migrations created the tables in (default "public"). */
  schema?: string;
  /** Tables that exist in the database but not in schema.prisma and are fine (default: Prisma's bookkeeping). */
  ignoreTables?: string[];
}

/**
 * Compares schema.prisma with the database at `url` (normally right after applyMigrations). Returns the list of
 * differences; an empty list means they agree.
 */
export async function checkSchemaAgreement(
  url: string | pg.ClientConfig,
  schemaPath: string = DEFAULT_SCHEMA_PATH,
  opts: CheckSchemaAgreementOptions = {},
): Promise<SchemaDifference[]> {
  const dm = loadDatamodel(readFileSync(schemaPath, "utf8"));
  const schema = opts.schema ?? "public";
  const ignore = new Set(opts.ignoreTables ?? ["_prisma_migrations"]);
  const client = new pg.Client(typeof url === "string" ? { connectionString: url } : url);
  await client.connect();
  let db: Awaited<ReturnType<typeof readCatalog>>;
  try {
    db = await readCatalog(client, schema);
  } finally {
    await client.end().catch(() => {});
  }
  return compare(dm, db, ignore);
}

function compare(
  dm: Datamodel,
  db: Awaited<ReturnType<typeof readCatalog>>,
  ignore: Set<string>,
): SchemaDifference[] {
  const diffs: SchemaDifference[] = [];
  const add = (kind: SchemaDifference["kind"], object: string, message: string) =>
    diffs.push({ kind, object, message });

  // Enums
  const enumDbName = new Map(dm.enums.map((e) => [e.name, e.dbName ?? e.name]));
  for (const e of dm.enums) {
    const name = e.dbName ?? e.name;
    const want = e.values.map((v) => v.dbName ?? v.name);
    const got = db.enums.get(name);
    if (!got) add("enum", name, `enum type is missing (expected values ${want.join(", ")})`);
    else if (want.join(",") !== got.join(","))
      add("enum", name, `values differ: schema [${want.join(", ")}], database [${got.join(", ")}]`);
  }
  const wantEnums = new Set(enumDbName.values());
  for (const name of db.enums.keys()) {
    if (!wantEnums.has(name)) add("enum", name, "enum type exists in the database but not in schema.prisma");
  }

  // Tables and columns
  const modelByName = new Map(dm.models.map((m) => [m.name, m]));
  const tableOf = (m: DmmfModel) => m.dbName ?? m.name;
  const colOf = (m: DmmfModel, field: string) => {
    const f = m.fields.find((x) => x.name === field);
    return f?.dbName ?? field;
  };
  const dbTables = new Set(db.tables);
  const wantTables = new Set(dm.models.map(tableOf));
  for (const t of db.tables) {
    if (!wantTables.has(t) && !ignore.has(t))
      add("table", t, "table exists in the database but not in schema.prisma");
  }
  for (const m of dm.models) {
    const table = tableOf(m);
    if (!dbTables.has(table)) {
      add("table", table, `table of model ${m.name} is missing`);
      continue;
    }
    const dbCols = new Map(db.columns.filter((c) => c.table === table).map((c) => [c.column, c]));
    const scalar = m.fields.filter((f) => f.kind === "scalar" || f.kind === "enum");
    const wantCols = new Set(scalar.map((f) => f.dbName ?? f.name));
    for (const c of dbCols.keys()) {
      if (!wantCols.has(c))
        add("column", `${table}.${c}`, "column exists in the database but not in schema.prisma");
    }
    for (const f of scalar) {
      const col = f.dbName ?? f.name;
      const obj = `${table}.${col}`;
      const c = dbCols.get(col);
      if (!c) {
        add("column", obj, `column of ${m.name}.${f.name} is missing`);
        continue;
      }
      const want = expectedType(f, enumDbName);
      const got =
        c.enumName !== null
          ? `enum:${c.enumName}${c.type.endsWith("[]") ? "[]" : ""}`
          : c.type.replace(/"/g, "");
      if (want !== got)
        add("type", obj, `schema ${f.type}${f.isList ? "[]" : ""} wants ${want}, database has ${got}`);
      if (!f.isList && f.isRequired !== c.notNull) {
        add(
          "nullability",
          obj,
          f.isRequired ? "schema: required, database: NULL allowed" : "schema: optional, database: NOT NULL",
        );
      }
      const dErr = checkDefault(f, c.default, c.isIdentity);
      if (dErr) add("default", obj, dErr);
    }
  }

  // Primary keys, unique and normal indexes
  const dbIdx = new Map(db.indexes.map((i) => [`${i.table}.${i.name}`, i]));
  const matched = new Set<string>();
  for (const ix of dm.indexes) {
    const m = modelByName.get(ix.model);
    if (!m || !dbTables.has(tableOf(m))) continue;
    const table = tableOf(m);
    const cols = ix.fields.map((f) => colOf(m, f.name));
    const desc = ix.fields.map((f) => f.sortOrder === "desc");
    const kind = ix.type === "id" ? "primary-key" : "index";
    if (ix.type === "fulltext") continue; // MySQL/MongoDB only
    const name =
      ix.dbName ?? prismaName(table, cols, ix.type === "id" ? "pkey" : ix.type === "unique" ? "key" : "idx");
    const label = `${ix.type === "id" ? "@@id" : ix.type === "unique" ? "@@unique" : "@@index"}(${cols.join(", ")})`;
    let found = dbIdx.get(`${table}.${name}`);
    if (!found) {
      const same = db.indexes.find(
        (i) =>
          i.table === table && i.columns.join(",") === cols.join(",") && !matched.has(`${i.table}.${i.name}`),
      );
      add(
        kind,
        name,
        `${label} on ${table} is missing${same ? ` (an index with these columns is named ${same.name})` : ""}`,
      );
      if (same) matched.add(`${same.table}.${same.name}`);
      continue;
    }
    matched.add(`${table}.${name}`);
    if (found.columns.join(",") !== cols.join(",")) {
      add(kind, name, `columns differ: schema (${cols.join(", ")}), database (${found.columns.join(", ")})`);
    }
    if (found.desc.join(",") !== desc.join(",")) {
      const fmt = (c: string[], d: boolean[]) => c.map((x, i) => `${x}${d[i] ? " DESC" : ""}`).join(", ");
      add(
        kind,
        name,
        `sort order differs: schema (${fmt(cols, desc)}), database (${fmt(found.columns, found.desc)})`,
      );
    }
    if (ix.type === "id" && !found.primary) add(kind, name, "exists but is not the primary key");
    if (ix.type !== "id" && found.unique !== (ix.type === "unique")) {
      add(
        kind,
        name,
        ix.type === "unique"
          ? "schema: unique, database: not unique"
          : "schema: not unique, database: unique",
      );
    }
    const method = (ix.algorithm ?? "BTree").toLowerCase();
    if (found.method !== method)
      add(kind, name, `method differs: schema ${method}, database ${found.method}`);
    if (found.partial) add(kind, name, "is partial (WHERE ...) in the database; Prisma indexes are not");
    found = undefined;
  }
  for (const i of db.indexes) {
    if (ignore.has(i.table) || matched.has(`${i.table}.${i.name}`)) continue;
    add(
      i.primary ? "primary-key" : "index",
      i.name,
      `exists on ${i.table} (${i.columns.join(", ")}) but not in schema.prisma`,
    );
  }

  // Foreign keys
  const dbFk = new Map(db.foreignKeys.map((f) => [`${f.table}.${f.name}`, f]));
  const fkMatched = new Set<string>();
  for (const m of dm.models) {
    const table = tableOf(m);
    if (!dbTables.has(table)) continue;
    for (const f of m.fields) {
      if (f.kind !== "object" || !f.relationFromFields?.length) continue;
      const target = modelByName.get(f.type);
      if (!target) continue;
      const cols = f.relationFromFields.map((x) => colOf(m, x));
      const refCols = (f.relationToFields ?? []).map((x) => colOf(target, x));
      const required = f.relationFromFields.every((x) => m.fields.find((y) => y.name === x)?.isRequired);
      const onDelete = f.relationOnDelete ?? (required ? "Restrict" : "SetNull");
      const onUpdate = f.relationOnUpdate ?? "Cascade";
      const name = prismaName(table, cols, "fkey");
      const fk =
        dbFk.get(`${table}.${name}`) ??
        db.foreignKeys.find((x) => x.table === table && x.columns.join(",") === cols.join(","));
      const label = `${m.name}.${f.name} -> ${tableOf(target)}(${refCols.join(", ")})`;
      if (!fk) {
        add("foreign-key", name, `${label} is missing`);
        continue;
      }
      fkMatched.add(`${fk.table}.${fk.name}`);
      if (fk.name !== name) add("foreign-key", name, `${label} exists under another name: ${fk.name}`);
      if (
        fk.columns.join(",") !== cols.join(",") ||
        fk.refTable !== tableOf(target) ||
        fk.refColumns.join(",") !== refCols.join(",")
      ) {
        add(
          "foreign-key",
          name,
          `target differs: schema ${label}, database ${fk.refTable}(${fk.refColumns.join(", ")}) from (${fk.columns.join(", ")})`,
        );
      }
      if (FK_ACTIONS[fk.onDelete] !== onDelete) {
        add(
          "foreign-key",
          name,
          `ON DELETE differs: schema ${onDelete}, database ${FK_ACTIONS[fk.onDelete] ?? fk.onDelete}`,
        );
      }
      if (FK_ACTIONS[fk.onUpdate] !== onUpdate) {
        add(
          "foreign-key",
          name,
          `ON UPDATE differs: schema ${onUpdate}, database ${FK_ACTIONS[fk.onUpdate] ?? fk.onUpdate}`,
        );
      }
    }
  }
  for (const fk of db.foreignKeys) {
    if (ignore.has(fk.table) || fkMatched.has(`${fk.table}.${fk.name}`)) continue;
    add("foreign-key", fk.name, `exists on ${fk.table} (${fk.columns.join(", ")}) but not in schema.prisma`);
  }
  return diffs;
}
