/** Shared helpers of the live figures: loading Plot on the client, yielding to the browser. */
import { onMounted, type Ref } from 'vue';
import { isMissing } from './packages';

export type PlotModule = typeof import('@observablehq/plot');

let plotPromise: Promise<PlotModule> | null = null;
/** Observable Plot, imported on the client only (figures are never rendered during SSR). */
export function loadPlot(): Promise<PlotModule> {
  plotPromise ??= import('@observablehq/plot');
  return plotPromise;
}

/** Lets the browser paint between chunks of a long computation. */
export function nextFrame(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Replaces the children of `el` with `node`. */
export function mount(el: HTMLElement | null | undefined, node: Element | null): void {
  if (!el) return;
  el.replaceChildren(...(node ? [node] : []));
}

/**
 * A sinusoid sin(2 pi f (n - origin) / sampleRate) of `length` samples, as float32: its phase is 0
 * at sample `origin` (0 = the first sample; length / 2 = the middle).
 */
export function sinusoid(f: number, sampleRate: number, length: number, origin = 0): Float32Array {
  const x = new Float32Array(length);
  const w = (2 * Math.PI * f) / sampleRate;
  for (let n = 0; n < length; n++) x[n] = Math.sin(w * (n - origin));
  return x;
}

/** Frequency `cents` away from `f0`. */
export function centsToHz(f0: number, cents: number): number {
  return f0 * 2 ** (cents / 1200);
}

/** Distance of `f` from `f0` in cents. */
export function hzToCents(f: number, f0: number): number {
  return 1200 * Math.log2(f / f0);
}

/** Format a number for display with `digits` significant digits. */
export function fmt(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5)) return v.toExponential(digits - 1);
  return Number(v.toPrecision(digits)).toString();
}

/**
 * Starts a live figure when it mounts: awaits `load` (the modules it draws with), then runs `start`
 * with them. `status` becomes `'missing'` when one of the packages was not built, and `'error'`
 * (with `message`) when loading or starting throws; `start` sets the other states itself.
 */
export function startFigure<T extends readonly unknown[]>(
  status: Ref<string>,
  message: Ref<string>,
  load: () => Promise<T>,
  start: (...modules: T) => void | Promise<void>,
): void {
  onMounted(async () => {
    try {
      const modules = await load();
      if (modules.some(isMissing)) {
        status.value = 'missing';
        return;
      }
      await start(...modules);
    } catch (e) {
      status.value = 'error';
      message.value = String(e);
      console.error(e);
    }
  });
}
