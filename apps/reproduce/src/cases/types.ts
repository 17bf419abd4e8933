/** One case of the main job: `pnpm reproduce <name>`, and the options every case receives. */

/** A flag of one case (`--name` or `--name=value`), validated by the CLI before any case runs. */
export interface FlagSpec {
  /** Without the dashes, e.g. `'points'`. */
  name: string;
  /** `boolean`: present or not; the others take a value (`--name=V` or `--name V`). */
  kind: 'boolean' | 'integer' | 'number' | 'string';
  /** Smallest accepted value (integer and number flags). */
  min?: number;
  /** For `--help`, e.g. `'sweep points (default 1000)'`. */
  description: string;
}

/** What every case receives: the command line, parsed and validated once. */
export interface ReproduceOptions {
  /** `--quick`: a smoke run - every case at a small size, about a minute for all of them. */
  readonly quick: boolean;
  /** `--trials=N`: the case's repetitions (what one is: `ReproduceCase.trials`); undefined = its default. */
  readonly trials: number | undefined;
  /** `--seed=N`: the base seed of the case's random draws; undefined = its default seeds. */
  readonly seed: number | undefined;
  /** `--out=DIR`: the absolute directory the case writes to (`writeOut` writes there). */
  readonly out: string;
  /** The case's own flags (declared in `ReproduceCase.flags`) that were given, by name. */
  readonly flags: Readonly<Record<string, number | boolean | string>>;
}

/** One case of the main job. */
export interface ReproduceCase {
  /** The CLI name, e.g. `'leakage'`. */
  name: string;
  /** One line for `pnpm reproduce --help`. */
  summary: string;
  /** What one of `--trials` is here (for `--help`); absent when the case has no repetitions. */
  trials?: string;
  /** What `--seed` seeds here (for `--help`); absent when the case draws nothing at random. */
  seed?: string;
  /** Flags of this case only. */
  flags?: readonly FlagSpec[];
  /** Runs the case. */
  /**
   * Runs only when named on the command line (or under `--quick`, which runs every case small): a
   * long measurement that `pnpm reproduce` without case names leaves out.
   */
  onDemand?: boolean;
  run(options: ReproduceOptions): Promise<void>;
}
