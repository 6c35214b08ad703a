/**
 * Go's `time.Duration` text, for the messages promhttp shares with client_golang.
 *
 * Counterpart: `Duration.String` (with `fmtFrac` and `fmtInt`) in Go's time/time.go. The timeout
 * message `Exceeded configured timeout of 1.5s.` formats its duration with `%v`, so the same
 * timeout must print the same way here: `250ms`, `1.5s`, `1m30s`, `2h0m0s`.
 *
 * @module
 */

const nanosecond = 1n;
const microsecond = 1000n * nanosecond;
const millisecond = 1000n * microsecond;
const second = 1000n * millisecond;

/**
 * formatDuration renders a duration given in milliseconds as Go's `time.Duration.String` does.
 * The duration is first rounded to whole nanoseconds, Go's resolution.
 *
 * @example
 * ```ts
 * formatDuration(1500); // "1.5s"
 * formatDuration(250); // "250ms"
 * formatDuration(90_000); // "1m30s"
 * ```
 */
export function formatDuration(ms: number): string {
  let ns = BigInt(Math.round(ms * 1e6));
  const sign = ns < 0n ? "-" : "";
  if (ns < 0n) ns = -ns;
  if (ns === 0n) return "0s";
  if (ns < second) {
    // Below a second Go switches to the largest unit that keeps an integer part: ns, µs or ms.
    if (ns < microsecond) return `${sign}${ns}ns`;
    if (ns < millisecond) return `${sign}${withFraction(ns, microsecond)}µs`;
    return `${sign}${withFraction(ns, millisecond)}ms`;
  }
  const seconds = withFraction(ns % (60n * second), second);
  const totalMinutes = ns / (60n * second);
  if (totalMinutes === 0n) return `${sign}${seconds}s`;
  const hours = totalMinutes / 60n;
  const minutes = totalMinutes % 60n;
  return hours === 0n ? `${sign}${minutes}m${seconds}s` : `${sign}${hours}h${minutes}m${seconds}s`;
}

/** withFraction writes `value / unit` with its decimal fraction, trailing zeros dropped (Go's fmtFrac). */
function withFraction(value: bigint, unit: bigint): string {
  const whole = value / unit;
  const digits = unit.toString().length - 1;
  const fraction = (value % unit).toString().padStart(digits, "0").replace(/0+$/, "");
  return fraction === "" ? `${whole}` : `${whole}.${fraction}`;
}
