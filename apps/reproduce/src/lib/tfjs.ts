/** TensorFlow.js for the cases: the cpu backend, without its Node.js banner in the progress bars. */
import * as tf from '@tensorflow/tfjs';

const BANNER = 'looks like you are running TensorFlow.js in Node.js';
let ready: Promise<void> | null = null;

/**
 * Selects tfjs's cpu backend (the cases never use tfjs-node: the @losses ops run their own kernels)
 * and makes its first tensor while tfjs's one-time "Hi, looks like you are running TensorFlow.js
 * in Node.js" advice is filtered out, so it does not land in the middle of a progress bar.
 */
export function useCpuBackend(): Promise<void> {
  ready ??= (async () => {
    await tf.setBackend('cpu');
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      if (!args.some((a) => typeof a === 'string' && a.includes(BANNER))) warn(...args);
    };
    try {
      tf.tidy(() => tf.scalar(0));
    } finally {
      console.warn = warn;
    }
  })();
  return ready;
}
