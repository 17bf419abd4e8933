/**
 * CPU seconds of this process per call of one round: `fn` repeated for about `budget` CPU
 * seconds. Time the process spends descheduled on a loaded machine is not counted. (Shared by
 * bench/run.ts and bench/rows32.ts.)
 */
export function cpuRound(fn: () => unknown, budget: number): number {
  let calls = 0;
  const start = process.cpuUsage();
  let elapsed = 0;
  do {
    fn();
    calls++;
    const d = process.cpuUsage(start);
    elapsed = (d.user + d.system) / 1e6;
  } while (elapsed < budget);
  return elapsed / calls;
}
