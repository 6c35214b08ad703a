/**
 * Decoding a web configuration file's bytes as yaml.v2's reader does: UTF-8 only, refusing
 * invalid sequences with yaml.v2's messages instead of replacing them with U+FFFD, which would
 * let a corrupted password hash or header through unnoticed.
 *
 * Counterpart: yaml.v2 `readerc.go` (`yaml_parser_update_buffer`, the UTF-8 branch). The
 * UTF-16 byte-order marks yaml.v2 also reads are not supported: they are refused as invalid
 * UTF-8.
 *
 * @module
 */

import { WebConfigError } from "./errors.js";

/**
 * decodeConfigText returns the text of a web configuration file, the one function every read of
 * one goes through.
 *
 * @throws {WebConfigError} `yaml: invalid leading UTF-8 octet`, `yaml: incomplete UTF-8 octet
 *   sequence`, `yaml: invalid trailing UTF-8 octet`, `yaml: invalid length of a UTF-8 sequence` or
 *   `yaml: invalid Unicode character`, with the line and column of the offending byte.
 */
export function decodeConfigText(data: Uint8Array): string {
  const offset = invalidUTF8(data);
  if (offset === undefined) return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("utf8");
  const before = Buffer.from(data.buffer, data.byteOffset, offset.at).toString("utf8").split("\n");
  throw new WebConfigError(`yaml: ${offset.problem}`, { line: before.length, column: [...before[before.length - 1]!].length + 1 });
}

/** invalidUTF8 finds the first invalid sequence as yaml.v2 checks them, or undefined. */
function invalidUTF8(b: Uint8Array): { at: number; problem: string } | undefined {
  for (let i = 0; i < b.length; ) {
    const octet = b[i]!;
    if (octet < 0x80) {
      i++;
      continue;
    }
    const width = (octet & 0xe0) === 0xc0 ? 2 : (octet & 0xf0) === 0xe0 ? 3 : (octet & 0xf8) === 0xf0 ? 4 : 0;
    if (width === 0) return { at: i, problem: "invalid leading UTF-8 octet" };
    if (i + width > b.length) return { at: i, problem: "incomplete UTF-8 octet sequence" };
    let value = octet & (width === 2 ? 0x1f : width === 3 ? 0x0f : 0x07);
    for (let k = 1; k < width; k++) {
      const trailing = b[i + k]!;
      if ((trailing & 0xc0) !== 0x80) return { at: i + k, problem: "invalid trailing UTF-8 octet" };
      value = (value << 6) + (trailing & 0x3f);
    }
    if ((width === 2 && value < 0x80) || (width === 3 && value < 0x800) || (width === 4 && value < 0x10000)) {
      return { at: i, problem: "invalid length of a UTF-8 sequence" };
    }
    if ((value >= 0xd800 && value <= 0xdfff) || value > 0x10ffff) return { at: i, problem: "invalid Unicode character" };
    i += width;
  }
  return undefined;
}
