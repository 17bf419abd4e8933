// Run by test/threads.test.ts in a process of its own: a synchronous threaded call leaves idle
// workers behind, and the process must still exit by itself.
import { tensor } from '@losses/tensor';
import { createMssLoss } from '../src/index.js';
import { setThreadKnobs } from '../src/threads.js';

setThreadKnobs({
  entry: {
    url: new URL('./worker-entry.mjs', import.meta.url),
    web: () => {
      throw new Error('no Web Workers in Node');
    },
  },
  minSamples: 1,
  maxThreads: 2,
});
const data = (n: number, f: number) => Float64Array.from({ length: n }, (_, k) => Math.sin(f * k));
const e = tensor(data(4 * 2048, 0.1), [4, 2048]);
const t = tensor(data(4 * 2048, 0.11), [4, 2048]);
const one = createMssLoss('standard').valueAndGrad(e, t);
const two = createMssLoss('standard', { threads: 2 }).valueAndGrad(e, t);
if (!Object.is(one.value, two.value)) process.exit(1);
console.log('threaded ok');
