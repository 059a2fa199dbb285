// The extension: starts `annexa lsp` for the workspace and restarts it when its settings change.
// Schema association for the YAML extension is declared in package.json (`yamlValidation`).

import * as os from "node:os";
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

import { documentSelector, serverCommand, watchedFiles } from "./settings";

let client: LanguageClient | undefined;

function settings() {
  const config = vscode.workspace.getConfiguration("annexa");
  return {
    path: config.get<string>("path"),
    today: config.get<string>("today"),
  };
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const { command, args } = serverCommand(settings(), os.homedir());
  const server: ServerOptions = { command, args, transport: TransportKind.stdio };
  const watcher = vscode.workspace.createFileSystemWatcher(watchedFiles);
  context.subscriptions.push(watcher);
  const options: LanguageClientOptions = {
    documentSelector,
    synchronize: { fileEvents: watcher },
  };
  client = new LanguageClient("annexa", "annexa", server, options);
  try {
    await client.start();
  } catch (e) {
    void vscode.window.showErrorMessage(
      `annexa: cannot start \`${command} ${args.join(" ")}\` (${e}). ` +
        "Install annexa or set `annexa.path`.",
    );
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  await start(context);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("annexa")) {
        await deactivate();
        await start(context);
      }
    }),
  );
}

export async function deactivate(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) {
    await running.stop();
  }
}
