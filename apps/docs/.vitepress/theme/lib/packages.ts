/**
 * Client-side loaders of the workspace packages the figures run. The `import.meta.env.SSR` guard
 * keeps the packages (and TensorFlow.js) out of the server render bundle: figures draw in the
 * browser only. A package that was not built resolves to `missing-package.ts` (`__missing`).
 */
// biome-ignore lint/suspicious/noExplicitAny: modules are typed loosely so the site builds at every stage
type Mod = any;

const ssr = (): Promise<Mod> => Promise.reject(new Error('figures render in the browser only'));

export const loadStft = (): Promise<Mod> => (import.meta.env.SSR ? ssr() : import('@losses/stft'));
export const loadMss = (): Promise<Mod> => (import.meta.env.SSR ? ssr() : import('@losses/mss'));
export const loadMssTfjs = (): Promise<Mod> =>
  import.meta.env.SSR ? ssr() : import('@losses/mss/tfjs');
export const loadSoftDtw = (): Promise<Mod> =>
  import.meta.env.SSR ? ssr() : import('@losses/softdtw');
export const loadHierarchy = (): Promise<Mod> =>
  import.meta.env.SSR ? ssr() : import('@losses/hierarchy');
/** tfjs-core with its gradients and the cpu backend registered (no webgl, layers or converter). */
export const loadTf = async (): Promise<Mod> => {
  if (import.meta.env.SSR) return ssr();
  // In this order: the core registers its flags (DEBUG, ...) before gradients and kernels register.
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-core/dist/register_all_gradients');
  await import('@tensorflow/tfjs-backend-cpu');
  return tf;
};

/** True when the module is the stand-in for a package that was not built. */
export function isMissing(mod: Mod): boolean {
  return mod == null || '__missing' in mod;
}
