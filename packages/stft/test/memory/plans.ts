/**
 * Run by test/cache.test.ts in a child process (`node --expose-gc --import tsx`): plans an FFT of
 * every length from 2 to 3000 and an STFT of every 16th, then reports how many bytes of typed
 * memory stay reachable after a full garbage collection (issue 12: every length to 4100 kept 908 MB).
 */
import { createStft, getFftPlan } from '../../src/index.js';

const gc = (globalThis as { gc?: () => void }).gc!;
const held = (): number => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.arrayBuffers;
};
const before = held();
for (let n = 2; n <= 3000; n++) {
  getFftPlan(n);
  if (n % 16 === 0) createStft({ size: n, hop: n >> 2 }).magnitude(new Float64Array(2 * n));
}
console.log(JSON.stringify({ before, after: held() }));
