/**
 * Run by test/resources.test.ts in a child process (`node --expose-gc --import tsx`): one
 * mssLossValueAndGrad call with the standard preset on 600,000 samples, then the typed and
 * WebAssembly memory still reachable after a full garbage collection (issue 12: the preset cache
 * kept 2.5 GB after 3 M samples).
 */
import { lcgNoise } from '@losses/tensor/internal';
import { mssLossValueAndGrad } from '../../src/index.js';

const gc = (globalThis as { gc?: () => void }).gc!;
/** Bytes of memory outside the JS heap: typed arrays and WebAssembly memories (in rss). */
const held = (): number => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.rss - m.heapTotal;
};
const T = 600_000;
const signal = (seed: number) => Float32Array.from(lcgNoise(T, seed));
const est = signal(1);
const tgt = signal(2);
const before = held();
let peak = 0;
{
  const { value } = mssLossValueAndGrad(est, tgt, 'standard');
  const m = process.memoryUsage();
  peak = m.rss - m.heapTotal;
  if (!Number.isFinite(value)) throw new Error('not finite');
}
console.log(JSON.stringify({ before, peak, after: held() }));
