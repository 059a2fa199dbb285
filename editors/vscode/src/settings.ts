// What the extension derives from its settings, kept apart from the editor's API so that unit
// tests run with node alone: the command that starts the language server, and the documents it
// serves.

/** The settings the extension reads (`annexa.path`, `annexa.today`). */
export interface Settings {
  path?: string;
  today?: string;
}

/** How to start the server: an executable and its arguments. */
export interface ServerCommand {
  command: string;
  args: string[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The command that starts `annexa lsp`: the configured executable (`~` expanded to `home`),
 * else `annexa` from the PATH; `--today` when a valid date is configured.
 */
export function serverCommand(settings: Settings, home: string): ServerCommand {
  let command = (settings.path ?? "").trim();
  if (command === "") {
    command = "annexa";
  } else if (command === "~" || command.startsWith("~/")) {
    command = home + command.slice(1);
  }
  const args = ["lsp"];
  const today = (settings.today ?? "").trim();
  if (DATE.test(today)) {
    args.push("--today", today);
  }
  return { command, args };
}

/** The documents the server checks: YAML and Markdown files on disk. */
export const documentSelector = [
  { scheme: "file", language: "yaml" },
  { scheme: "file", language: "markdown" },
];

/** The files whose changes the server must hear of (configuration, rules, catalogs). */
export const watchedFiles = "**/{annexa.toml,*.yaml,*.yml,*.md}";
