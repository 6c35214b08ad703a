/**
 * The worker thread that runs bcrypt comparisons for {@link BcryptWorker} (bcrypt-thread.ts),
 * one message at a time: `{ id, hash, password }` in, `{ id, ok }` or `{ id, error }` out. A hash
 * that cannot be read is a mismatch (`ok: false`), as in basic-auth.ts.
 *
 * @module
 */

import { parentPort } from "node:worker_threads";

import { BcryptError, compareHashAndPassword } from "./bcrypt.js";

/** CompareRequest is what the main thread posts. */
export interface CompareRequest {
  id: number;
  hash: string;
  password: Uint8Array;
}

/** CompareReply is what the worker posts back. */
export interface CompareReply {
  id: number;
  ok?: boolean;
  error?: string;
}

parentPort?.on("message", (m: CompareRequest) => {
  let reply: CompareReply;
  try {
    reply = { id: m.id, ok: compareHashAndPassword(m.hash, m.password) };
  } catch (err) {
    reply = err instanceof BcryptError ? { id: m.id, ok: false } : { id: m.id, error: String(err) };
  }
  parentPort!.postMessage(reply);
});
