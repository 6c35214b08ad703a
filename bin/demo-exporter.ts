#!/usr/bin/env node
/**
 * demo-exporter: the command that serves the demo exporter. Everything but the process's exit
 * lives in lib/demo/cli.ts, so that it can be read (and tested) as a library.
 *
 * Usage: `demo-exporter [<flags>]`, `demo-exporter --once`, `demo-exporter lint [<file>]`,
 * `demo-exporter push --gateway.url=<url> --job=<name>`;
 * `demo-exporter --help` lists the flags.
 *
 * @module
 */

import { main } from "../lib/demo/cli.js";

main(process.argv.slice(2)).then(
  (code) => exit(code),
  (err: unknown) => {
    // Only a programming error gets here: expected failures are logged and turned into a status.
    process.stderr.write(`demo-exporter: error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    exit(1);
  },
);

/**
 * exit sets the status and lets Node exit once its streams are flushed; should something still
 * hold the event loop open, the unreferenced timer ends the process a second later anyway.
 */
function exit(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 1000).unref();
}
