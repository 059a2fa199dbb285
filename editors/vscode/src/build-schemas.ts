// Puts annexa's JSON Schemas into the extension (`schemas/`), for the YAML extension to validate
// and complete artifacts with (`yamlValidation` in package.json maps every YAML file to
// `annexa.schema.json`):
//
// - each kind's schema and the shared `common.schema.json`, without `$id`, so that their
//   references (`common.schema.json#/$defs/…`) resolve next to them, inside the extension;
// - `annexa.schema.json`, which applies the schema of the document's `kind` to documents marked
//   `annexa: v1` and accepts any other YAML as it is (Kubernetes manifests, CI workflows).
//
//   node out/src/build-schemas.js SCHEMAS_DIR OUT_DIR

import * as fs from "node:fs";
import * as path from "node:path";

/** A schema as annexa ships it. */
export type Schema = { [key: string]: unknown };

/** The schema without its `$id`, so that relative references resolve beside its file. */
export function local(schema: Schema): Schema {
  const { $id: _id, ...rest } = schema;
  return rest;
}

/** The kind a schema describes (`properties.kind.const`), if it describes an artifact. */
export function kindOf(schema: Schema): string | undefined {
  const properties = schema["properties"] as Schema | undefined;
  const kind = properties?.["kind"] as Schema | undefined;
  const value = kind?.["const"];
  return typeof value === "string" ? value : undefined;
}

/** The schema that dispatches on `kind`: `kinds` maps each kind to its schema's file name. */
export function dispatch(kinds: Map<string, string>): Schema {
  const names = [...kinds.keys()].sort();
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: "annexa artifact",
    description:
      "A document marked `annexa: v1` is checked against the schema of its `kind`; any other YAML is left alone.",
    if: { type: "object", required: ["annexa"] },
    then: {
      required: ["kind"],
      properties: { kind: { enum: names, description: "The artifact kind." } },
      allOf: names.map((kind) => ({
        if: { properties: { kind: { const: kind } }, required: ["kind"] },
        then: { $ref: kinds.get(kind) },
      })),
    },
  };
}

/** Write the schemas of `from` into `to`; returns the kinds found. */
export function build(from: string, to: string): string[] {
  fs.mkdirSync(to, { recursive: true });
  const kinds = new Map<string, string>();
  for (const name of fs.readdirSync(from).sort()) {
    if (!name.endsWith(".schema.json")) {
      continue;
    }
    const schema = JSON.parse(fs.readFileSync(path.join(from, name), "utf8")) as Schema;
    const kind = kindOf(schema);
    if (kind === undefined && name !== "common.schema.json") {
      continue; // rule files and catalogs are not artifacts
    }
    if (kind !== undefined) {
      kinds.set(kind, name);
    }
    fs.writeFileSync(path.join(to, name), JSON.stringify(local(schema), null, 2) + "\n");
  }
  const out = path.join(to, "annexa.schema.json");
  fs.writeFileSync(out, JSON.stringify(dispatch(kinds), null, 2) + "\n");
  return [...kinds.keys()];
}

if (require.main === module) {
  const [from, to] = process.argv.slice(2);
  if (!from || !to) {
    console.error("usage: build-schemas SCHEMAS_DIR OUT_DIR");
    process.exit(2);
  }
  const kinds = build(from, to);
  console.log(`build-schemas: ${kinds.length} kinds written to ${to}`);
}
