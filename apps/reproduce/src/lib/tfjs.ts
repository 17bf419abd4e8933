/** TensorFlow.js for the cases: a backend chosen once, without its Node.js banner in the progress bars. */
import * as tf from '@tensorflow/tfjs';

const BANNER = 'looks like you are running TensorFlow.js in Node.js';
const ready = new Map<string, Promise<void>>();

/**
 * Selects a tfjs backend (`'cpu'`, or `'wasm'` once `@tensorflow/tfjs-backend-wasm` is imported;
 * the cases never use tfjs-node: the @losses ops run their own kernels) and makes its first tensor
 * while tfjs's one-time "Hi, looks like you are running TensorFlow.js in Node.js" advice is filtered
 * out, so it does not land in the middle of a progress bar.
 */
export function useBackend(name: string): Promise<void> {
  let p = ready.get(name);
  if (p === undefined) {
    p = (async () => {
      const warn = console.warn;
      console.warn = (...args: unknown[]) => {
        if (!args.some((a) => typeof a === 'string' && a.includes(BANNER))) warn(...args);
      };
      try {
        await tf.setBackend(name);
        tf.tidy(() => tf.scalar(0));
      } finally {
        console.warn = warn;
      }
    })();
    ready.set(name, p);
  }
  // A cached promise does not switch back after another backend was selected in between.
  return p.then(async () => {
    if (tf.getBackend() !== name) await tf.setBackend(name);
  });
}

/** {@link useBackend} with tfjs's cpu backend. */
export function useCpuBackend(): Promise<void> {
  return useBackend('cpu');
}
