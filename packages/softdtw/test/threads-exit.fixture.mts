// Run by test/threads.test.ts in a process of its own: threaded calls (synchronous and async) leave
// idle workers behind, and the process must still exit by itself.
import { tensor } from '@losses/tensor';
import { softDtwValueAndGrad, softDtwValueAndGradAsync } from '../src/index.js';
import { setThreadKnobs } from '../src/threads.js';

setThreadKnobs({
  entry: {
    url: new URL('./worker-entry.mjs', import.meta.url),
    web: () => {
      throw new Error('no Web Workers in Node');
    },
  },
  minCells: 1,
  maxThreads: 2,
});
const data = (n: number) => Float64Array.from({ length: n }, (_, k) => Math.sin(k));
const x = tensor(data(4 * 8 * 2), [4, 8, 2]);
const y = tensor(data(4 * 9 * 2).reverse(), [4, 9, 2]);
const one = softDtwValueAndGrad(x, y);
const two = softDtwValueAndGrad(x, y, { threads: 2 });
const three = await softDtwValueAndGradAsync(x, y, { threads: 2 });
if (!Object.is(one.value, two.value) || !Object.is(one.value, three.value)) process.exit(1);
console.log('threaded ok');
