// Helpers of the HTTP cases: start a bench server, talk to it over IPC, fetch bodies, run wrk.

import { execFile, fork } from "node:child_process";
import { request, Agent } from "node:http";
import { fileURLToPath } from "node:url";
import { once } from "node:events";

const serverScript = fileURLToPath(new URL("./server.mjs", import.meta.url));

/** startServer forks bench/lib/server.mjs and resolves once it listens. */
export async function startServer(impl, size, { monitor = false } = {}) {
  const argv = [`--impl=${impl}`, `--size=${size}`, ...(monitor ? ["--monitor"] : [])];
  const child = fork(serverScript, argv, { execArgv: ["--expose-gc", ...(process.env.BENCH_SERVER_FLAGS?.split(" ") ?? [])], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const [msg] = await Promise.race([
    once(child, "message"),
    once(child, "exit").then(([code]) => Promise.reject(new Error(`server ${impl} exited with ${code}`))),
  ]);
  const ask = async (what) => {
    child.send(what);
    const [reply] = await once(child, "message");
    return reply;
  };
  return {
    impl,
    port: msg.port,
    url: `http://127.0.0.1:${msg.port}/metrics`,
    pid: child.pid,
    stats: () => ask("stats"),
    reset: () => ask("reset"),
    gc: () => ask("gc"),
    async stop() {
      child.disconnect();
      if (child.exitCode === null) await once(child, "exit");
    },
  };
}

/** get fetches a URL and resolves to `{ status, body }` (body as a Buffer, or only its size). */
export function get(url, { agent, keep = true } = {}) {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      const chunks = [];
      let size = 0;
      res.on("data", (c) => {
        size += c.length;
        if (keep) chunks.push(c);
      });
      res.on("end", () => resolve({ status: res.statusCode, size, body: keep ? Buffer.concat(chunks) : undefined }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/** keepAliveAgent is a client connection pool of `sockets` kept-alive connections. */
export function keepAliveAgent(sockets) {
  return new Agent({ keepAlive: true, maxSockets: sockets });
}

/** wrkCommand is the exact load-generator command line the HTTP case runs. */
export function wrkArgs(url, seconds, connections = 10) {
  return ["-t1", `-c${connections}`, `-d${seconds}s`, "--timeout", "10s", "--latency", url];
}

/** wrk runs the load generator and parses requests/s, transfer/s, latency percentiles, errors. */
export async function wrk(url, seconds, connections = 10) {
  const args = wrkArgs(url, seconds, connections);
  const stdout = await new Promise((resolve, reject) =>
    execFile("wrk", args, { timeout: (seconds + 60) * 1000 }, (err, out) => (err ? reject(err) : resolve(out))),
  );
  const num = (re) => {
    const m = re.exec(stdout);
    return m === null ? undefined : Number(m[1]);
  };
  const ms = (re) => {
    const m = re.exec(stdout);
    if (m === null) return undefined;
    const unit = { us: 1e-3, ms: 1, s: 1000, m: 60000 }[m[2]];
    return Number(m[1]) * unit;
  };
  return {
    command: `wrk ${args.join(" ")}`,
    requestsPerSec: num(/Requests\/sec:\s+([\d.]+)/),
    requests: num(/(\d+) requests in/),
    latencyP50Ms: ms(/50%\s+([\d.]+)(us|ms|s|m)\b/),
    latencyP99Ms: ms(/99%\s+([\d.]+)(us|ms|s|m)\b/),
    non2xx: num(/Non-2xx or 3xx responses:\s+(\d+)/) ?? 0,
    // "Socket errors: connect 0, read 0, write 0, timeout 2" (the line is absent when all are 0)
    socketErrors: ["connect", "read", "write"].reduce((sum, kind) => sum + (num(new RegExp(`Socket errors:.*${kind} (\\d+)`)) ?? 0), 0),
    timeouts: num(/Socket errors:.*timeout (\d+)/) ?? 0,
    raw: stdout,
  };
}
