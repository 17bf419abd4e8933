/** The CLI flags the corpus cases read: `--quick` and `--seed=N`. */
export interface CaseFlags {
  quick: boolean;
  /** The training seed, when given. */
  seed: number | undefined;
}

/** Reads `--quick` and `--seed=N` (an integer) from the flags a case receives. */
export function caseFlags(flags: readonly string[]): CaseFlags {
  const seedFlag = flags.find((f) => f.startsWith('--seed='));
  let seed: number | undefined;
  if (seedFlag) {
    seed = Number(seedFlag.slice('--seed='.length));
    if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${seedFlag}`);
  }
  return { quick: flags.includes('--quick'), seed };
}
