/**
 * The grouping key in the URL path: `job/<job>/<name>/<value>/...`, each part encoded the way the
 * Pushgateway decodes it.
 *
 * Counterpart: `fullURL` and `encodeComponent` in client_golang's prometheus/push/push.go. A
 * value that contains `/` is written in base64url without padding after a name suffixed with
 * `@base64` (`foobar@base64/YnUvbXM`); an empty value as `@base64/=` (a path part cannot be
 * empty); any other value with Go's `url.QueryEscape`, which older Pushgateways understand and
 * people can read.
 *
 * One deliberate difference: a value with a space is written in base64 too. `url.QueryEscape`
 * writes a space as `+`, and the Pushgateway decodes a path, where `+` is a plus: client_golang
 * 1.14 pushes `a b` and Pushgateway 1.5 stores `a+b` (seen in spec/push/pushgateway.spec.ts).
 *
 * @module
 */

/** Base64Suffix marks a label name whose value follows in base64url form. */
export const Base64Suffix = "@base64";

/**
 * groupingPath returns the path of a group below `/metrics/`: the job first, then the grouping
 * labels in the order of the map.
 *
 * @example
 * ```ts
 * groupingPath("test/job", new Map([["empty", ""], ["titan", "Προμηθεύς"]]));
 * // "job@base64/dGVzdC9qb2I/empty@base64/=/titan/%CE%A0%CF%81%CE%BF%CE%BC%CE%B7%CE%B8%CE%B5%CF%8D%CF%82"
 * ```
 */
export function groupingPath(job: string, grouping: ReadonlyMap<string, string>): string {
  const parts = [pathPair("job", job)];
  for (const [name, value] of grouping) parts.push(pathPair(name, value));
  return parts.join("/");
}

/** pathPair is `name/value`, or `name@base64/value` when the value needs base64. */
function pathPair(name: string, value: string): string {
  const { encoded, base64 } = encodeComponent(value);
  return base64 ? `${name}${Base64Suffix}/${encoded}` : `${name}/${encoded}`;
}

/**
 * encodeComponent encodes a value for the path: `=` (base64) when empty, base64url without
 * padding when it contains `/` or a space, Go's `url.QueryEscape` otherwise.
 */
export function encodeComponent(value: string): { encoded: string; base64: boolean } {
  if (value === "") return { encoded: "=", base64: true };
  if (value.includes("/") || value.includes(" ")) return { encoded: Buffer.from(value, "utf8").toString("base64url"), base64: true };
  return { encoded: queryEscape(value), base64: false };
}

/**
 * queryEscape is Go's `url.QueryEscape`: every UTF-8 byte but `A-Z a-z 0-9 - _ . ~` becomes
 * `%XX` (upper-case hex), and a space becomes `+`. (encodeURIComponent differs: it leaves
 * `! ' ( ) *` as they are and writes a space as `%20`.)
 */
export function queryEscape(s: string): string {
  let out = "";
  for (const byte of Buffer.from(s, "utf8")) {
    const unreserved =
      (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x30 && byte <= 0x39) ||
      byte === 0x2d || byte === 0x5f || byte === 0x2e || byte === 0x7e;
    if (unreserved) out += String.fromCharCode(byte);
    else if (byte === 0x20) out += "+";
    else out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}
