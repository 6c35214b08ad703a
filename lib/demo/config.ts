/**
 * The demo exporter's configuration: the host it reports on. In the original write-up, `Config`
 * carries `host` and `NewExporter` copies it into the exporter.
 *
 * @module
 */

/** Config is what the demo exporter is configured with. */
export interface Config {
  /** The host this exporter stands for (from `--demo.host`). */
  host: string;
}

/** DefaultHost is the host used when none is configured. */
export const DefaultHost = "localhost";
