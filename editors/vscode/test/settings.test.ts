import { strict as assert } from "node:assert";
import { test } from "node:test";

import { documentSelector, serverCommand } from "../src/settings";

test("annexa from the PATH by default", () => {
  assert.deepEqual(serverCommand({}, "/home/u"), { command: "annexa", args: ["lsp"] });
  assert.deepEqual(serverCommand({ path: "  " }, "/home/u"), { command: "annexa", args: ["lsp"] });
});

test("a configured path, with ~ expanded", () => {
  assert.equal(serverCommand({ path: "/opt/annexa/bin/annexa" }, "/h").command, "/opt/annexa/bin/annexa");
  assert.equal(serverCommand({ path: "~/bin/annexa" }, "/home/u").command, "/home/u/bin/annexa");
});

test("today is passed only when it is a date", () => {
  assert.deepEqual(serverCommand({ today: "2026-11-22" }, "/h").args, ["lsp", "--today", "2026-11-22"]);
  assert.deepEqual(serverCommand({ today: "tomorrow" }, "/h").args, ["lsp"]);
});

test("YAML and Markdown files are served", () => {
  assert.deepEqual(
    documentSelector.map((s) => s.language),
    ["yaml", "markdown"],
  );
});
