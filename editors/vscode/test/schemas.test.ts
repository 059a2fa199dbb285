import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";

import { build, dispatch, kindOf, local } from "../src/build-schemas";

// The repository's schemas, from out/test/ (compiled) or test/ (sources).
const SCHEMAS = path.resolve(__dirname, "..", "..", "..", "..", "schemas");

test("every kind of the repository's schemas is dispatched to", () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "annexa-schemas-"));
  const kinds = build(SCHEMAS, out);
  assert.ok(kinds.includes("control") && kinds.includes("statement-of-applicability"), `${kinds}`);
  assert.ok(!fs.existsSync(path.join(out, "rules.schema.json")));
  const control = JSON.parse(fs.readFileSync(path.join(out, "control.schema.json"), "utf8"));
  assert.equal(control.$id, undefined);
  assert.ok(fs.existsSync(path.join(out, "common.schema.json")));
  const top = JSON.parse(fs.readFileSync(path.join(out, "annexa.schema.json"), "utf8"));
  const targets = top.then.allOf.map((b: { then: { $ref: string } }) => b.then.$ref);
  for (const t of targets) {
    assert.ok(fs.existsSync(path.join(out, t)), t);
  }
  assert.equal(targets.length, kinds.length);
  fs.rmSync(out, { recursive: true });
});

test("documents without annexa: v1 are left alone", () => {
  const schema = dispatch(new Map([["control", "control.schema.json"]]));
  assert.deepEqual(schema["if"], { type: "object", required: ["annexa"] });
  assert.equal(kindOf({ properties: { kind: { const: "risk" } } }), "risk");
  assert.equal(kindOf({ properties: {} }), undefined);
  assert.deepEqual(local({ $id: "x", title: "t" }), { title: "t" });
});
