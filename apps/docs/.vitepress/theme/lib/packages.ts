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
/**
 * TensorFlow.js (the prebundled @tensorflow/tfjs build that config.ts maps `@tensorflow/tfjs-core`
 * to: core, every gradient, the cpu backend). Figures call `setBackend('cpu')`.
 */
export const loadTf = (): Promise<Mod> =>
  import.meta.env.SSR ? ssr() : import('@tensorflow/tfjs-core');

/** True when the module is the stand-in for a package that was not built. */
export function isMissing(mod: Mod): boolean {
  return mod == null || '__missing' in mod;
}
