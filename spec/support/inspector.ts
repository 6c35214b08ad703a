/**
 * A minimal client of a process's inspector (Chrome DevTools protocol), for load specs that ask
 * the exporter for a full garbage collection before they read its memory. The exporter must be
 * started with `--inspect=127.0.0.1:0` (loopback only).
 */
import { WebSocket } from "undici";

/** Inspector is a minimal client of the exporter's inspector (Chrome DevTools protocol). */
export class Inspector {
  readonly #ws: WebSocket;
  readonly #pending = new Map<number, (result: unknown) => void>();
  #nextId = 1;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.addEventListener("message", (event) => {
      const { id, result } = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
      if (id !== undefined) this.#pending.get(id)?.(result);
    });
  }

  /** connect opens the inspector URL the exporter printed (`Debugger listening on ws://...`). */
  static async connect(logs: string): Promise<Inspector> {
    const url = /Debugger listening on (ws:\/\/\S+)/.exec(logs)?.[1];
    if (url === undefined) throw new Error(`no inspector URL in the exporter's logs:\n${logs}`);
    const ws = new WebSocket(url);
    await new Promise((resolve, reject) => {
      ws.addEventListener("open", resolve, { once: true });
      ws.addEventListener("error", reject, { once: true });
    });
    return new Inspector(ws);
  }

  /** call sends one protocol command and resolves to its result. */
  call<T>(method: string): Promise<T> {
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#pending.set(id, (result) => {
        this.#pending.delete(id);
        resolve(result as T);
      });
      this.#ws.send(JSON.stringify({ id, method }));
    });
  }

  close(): void {
    this.#ws.close();
  }
}

