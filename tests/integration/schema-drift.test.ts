// Fails when prisma/schema.prisma and prisma/migrations disagree. Prisma's own drift check
// (`migrate diff`) needs its native schema engine, which these machines cannot download, so this
// test applies the migrations to an empty schema and compares what PostgreSQL reports with the
// data model that Prisma's WebAssembly schema parser reads from schema.prisma.
import { readFileSync } from "node:fs";
import { get_dmmf } from "@prisma/prisma-schema-wasm";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { openTestDb } from "../support/db";

const { db, schema } = await openTestDb();
const schemaText = readFileSync("prisma/schema.prisma", "utf8");

const field = z.object({
  name: z.string(),
  kind: z.enum(["scalar", "enum", "object", "unsupported"]),
  isList: z.boolean(),
  isRequired: z.boolean(),
  hasDefaultValue: z.boolean(),
  default: z.unknown().optional(),
  type: z.string(),
  dbName: z.string().nullish(),
  relationFromFields: z.array(z.string()).optional(),
  relationToFields: z.array(z.string()).optional(),
  relationOnDelete: z.string().optional(),
});
const dmmf = z
  .object({
    datamodel: z.object({
      enums: z.array(z.object({ name: z.string(), values: z.array(z.object({ name: z.string() })) })),
      models: z.array(z.object({ name: z.string(), dbName: z.string().nullable(), fields: z.array(field) })),
      indexes: z.array(
        z.object({
          model: z.string(),
          type: z.enum(["id", "unique", "normal", "fulltext"]),
          dbName: z.string().nullish(),
          fields: z.array(z.object({ name: z.string(), sortOrder: z.enum(["asc", "desc"]).nullish() })),
        }),
      ),
    }),
  })
  .parse(JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: [["schema.prisma", schemaText]] }))));

// Columns schema.prisma declares as Unsupported(...) are absent from the DMMF but must exist.
const unsupported = [...schemaText.matchAll(/^\s*(\w+)\s+Unsupported\(/gm)].map((m) => m[1]);

const SQL_TYPES: Record<string, string> = {
  String: "text",
  Int: "integer",
  BigInt: "bigint",
  Boolean: "boolean",
  DateTime: "timestamp without time zone",
  Float: "double precision",
  Json: "jsonb",
};
/** The same types by PostgreSQL's internal names, as arrays report their element (`_text`). */
const SQL_ELEMENT_TYPES: Record<string, string> = {
  String: "text",
  Int: "int4",
  BigInt: "int8",
  Boolean: "bool",
  DateTime: "timestamp",
  Float: "float8",
  Json: "jsonb",
};

async function columns(table: string) {
  return db.$queryRawUnsafe<
    { column_name: string; data_type: string; udt_name: string; is_nullable: string; column_default: string | null }[]
  >(
    `SELECT column_name, data_type, udt_name, is_nullable, column_default FROM information_schema.columns
     WHERE table_schema = $1 AND table_name = $2`,
    schema,
    table,
  );
}

async function indexColumns(table: string) {
  const rows = await db.$queryRawUnsafe<{ indexname: string; indexdef: string }[]>(
    `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = $2`,
    schema,
    table,
  );
  return rows.map((r) => {
    const cols = r.indexdef.slice(r.indexdef.indexOf("(") + 1, r.indexdef.lastIndexOf(")"));
    return {
      name: r.indexname,
      unique: /UNIQUE/.test(r.indexdef),
      columns: cols.replace(/"/g, "").replace(/\s+/g, " "),
    };
  });
}

describe("schema.prisma and the migrations", () => {
  it("have the same tables", async () => {
    const tables = await db.$queryRawUnsafe<{ table_name: string }[]>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name <> '_prisma_migrations'`,
      schema,
    );
    const expected = dmmf.datamodel.models.map((m) => m.dbName ?? m.name).sort();
    expect(tables.map((t) => t.table_name).sort()).toEqual(expected);
  });

  it("have the same enums", async () => {
    const rows = await db.$queryRawUnsafe<{ typname: string; labels: string[] }[]>(
      `SELECT t.typname::text AS typname, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE n.nspname = $1 GROUP BY t.typname`,
      schema,
    );
    const actual = Object.fromEntries(rows.map((r) => [r.typname, r.labels]));
    const expected = Object.fromEntries(dmmf.datamodel.enums.map((e) => [e.name, e.values.map((v) => v.name)]));
    expect(actual).toEqual(expected);
  });

  for (const model of dmmf.datamodel.models) {
    const table = model.dbName ?? model.name;
    it(`agree on the columns of ${table}`, async () => {
      const actual = await columns(table);
      const scalar = model.fields.filter((f) => f.kind === "scalar" || f.kind === "enum");
      const expectedNames = [
        ...scalar.map((f) => f.dbName ?? f.name),
        ...unsupported.filter((u) => actual.some((c) => c.column_name === u)),
      ];
      expect(actual.map((c) => c.column_name).sort()).toEqual(expectedNames.sort());
      for (const f of scalar) {
        const col = actual.find((c) => c.column_name === (f.dbName ?? f.name));
        if (f.isList) {
          // Prisma keeps lists as nullable PostgreSQL arrays ("scopes" TEXT[]): compare the element type.
          expect({ column: f.name, type: col?.data_type, element: col?.udt_name }).toEqual({
            column: f.name,
            type: "ARRAY",
            element: f.kind === "enum" ? `_${f.type}` : `_${SQL_ELEMENT_TYPES[f.type]}`,
          });
        } else {
          const type = f.kind === "enum" ? f.type : SQL_TYPES[f.type];
          expect({ column: f.name, type: f.kind === "enum" ? col?.udt_name : col?.data_type }).toEqual({
            column: f.name,
            type,
          });
        }
        expect({ column: f.name, nullable: col?.is_nullable }).toEqual({
          column: f.name,
          nullable: f.isRequired && !f.isList ? "NO" : "YES",
        });
        // cuid()/uuid() defaults live in the client; now(), literals and enums must be database defaults.
        const dbDefault =
          f.hasDefaultValue &&
          !(typeof f.default === "object" && f.default !== null && "name" in f.default && f.default.name !== "now");
        expect({ column: f.name, hasDefault: col?.column_default != null }).toEqual({
          column: f.name,
          hasDefault: dbDefault,
        });
      }
    });

    it(`agree on the indexes of ${table}`, async () => {
      const actual = await indexColumns(table);
      const expected = dmmf.datamodel.indexes
        .filter((i) => i.model === model.name)
        .map((i) => ({
          unique: i.type !== "normal",
          columns: i.fields.map((f) => `${f.name}${f.sortOrder === "desc" ? " DESC" : ""}`).join(", "),
        }));
      // Indexes beyond what Prisma can express are allowed only over Unsupported columns (e.g. GIN on a
      // tsvector) or over an expression (a function of columns, such as the history's per-user terms).
      const comparable = actual
        .filter((i) => !i.columns.includes("(") && !i.columns.split(", ").some((c) => unsupported.includes(c)))
        .map(({ unique, columns }) => ({ unique, columns }));
      const sort = (xs: { unique: boolean; columns: string }[]) =>
        [...xs].sort((a, b) => a.columns.localeCompare(b.columns));
      expect(sort(comparable)).toEqual(sort(expected));
    });

    it(`agree on the foreign keys of ${table}`, async () => {
      const rows = await db.$queryRawUnsafe<{ columns: string; target: string; on_delete: string }[]>(
        `SELECT string_agg(a.attname, ',' ORDER BY k.ord) AS columns, c.confrelid::regclass::text AS target,
                CASE c.confdeltype WHEN 'c' THEN 'Cascade' WHEN 'r' THEN 'Restrict' WHEN 'n' THEN 'SetNull'
                                   WHEN 'a' THEN 'NoAction' WHEN 'd' THEN 'SetDefault' END AS on_delete
         FROM pg_constraint c
         JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
         CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
         WHERE c.contype = 'f' AND n.nspname = $1 AND t.relname = $2
         GROUP BY c.oid, c.confrelid, c.confdeltype`,
        schema,
        table,
      );
      const actual = rows.map((r) => ({ ...r, target: r.target.replace(/^.*\./, "").replace(/"/g, "") }));
      const expected = model.fields
        .filter((f) => f.kind === "object" && (f.relationFromFields?.length ?? 0) > 0)
        .map((f) => {
          const target = dmmf.datamodel.models.find((m) => m.name === f.type);
          return {
            columns: (f.relationFromFields ?? []).join(","),
            target: target?.dbName ?? f.type,
            // Prisma's default for a required relation is Restrict, for an optional one SetNull.
            on_delete: f.relationOnDelete ?? (f.isRequired ? "Restrict" : "SetNull"),
          };
        });
      const sort = (xs: { columns: string }[]) => [...xs].sort((a, b) => a.columns.localeCompare(b.columns));
      expect(sort(actual)).toEqual(sort(expected));
    });
  }
});
