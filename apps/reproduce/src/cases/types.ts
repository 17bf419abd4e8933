/** One case of the main job: `pnpm reproduce <name>`. */
export interface ReproduceCase {
  /** The CLI name, e.g. `'leakage'`. */
  name: string;
  /** One line for `pnpm reproduce --help`. */
  summary: string;
  /** Runs the case; `flags` are the CLI flags after the case name (e.g. `['--sensitivity']`). */
  run(flags: readonly string[]): Promise<void>;
}
