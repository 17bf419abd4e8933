/**
 * The float32 WebAssembly (SIMD) STFT at sizes that are not powers of two (issue 17):
 * wasm/stft32-any.wat computes each DFT of size n by Bluestein's chirp-z over a cyclic convolution
 * of length M >= 2n - 1 (a power of two, or 5 L with one radix-5 step over the FFT of size L), or
 * by Rader's algorithm over the cyclic convolution of length M = n - 1 for a prime n where n - 1 is
 * such a length (257: 256 instead of 640), whose FFTs are wasm/stft32.wat's four-lane complex `fft`
 * (the module shares that instance's memory and imports its `fft`), with two real frames per
 * complex lane (x_a + i x_b), so eight frames per transform, each frame scaled by its own power of
 * two.
 *
 * Why this design: the power-of-two FFT is the fastest kernel of the package (and the one being
 * tuned), a convolution step around it (Bluestein's, or Rader's where n - 1 is an FFT length:
 * the same steps with a permutation for the chirp, through one table of places) serves every size
 * with one code path, and packing two real
 * frames halves the work of one real frame per lane (which would need M >= 1.5 n only, but twice
 * the transforms: the same or more work at every smooth-preset size). The frames of a pair are
 * consecutive frames of one item, so an item's numbers never depend on its batch. No direct DFT for
 * small sizes: at 67 (M = 160) a direct real DFT needs about 2 h^2 = 2200 multiply-adds per frame
 * (h = 33), about what Bluestein costs there, and above 67 it loses.
 *
 * Accuracy: each frame's magnitudes within about 1e-6 of the pair's largest magnitude (each frame
 * scaled to its own peak first, so a frame is accurate relative to itself unless its neighbour
 * frame is much louder after that scaling; measured 0.7e-7 .. 1.6e-7 of the frame's own peak on
 * tones); a silent frame is exactly 0 (its scale is 0).
 */
import { compileWasm } from '@losses/tensor/internal';
import { isPrime, powMod, primitiveRoot } from '../fft/number-theory.js';
import { fftPlan } from '../fft/plan.js';
import {
  compiledModule,
  twiddleCount,
  Wasm32Memory,
  WasmStft32,
  writeTwiddles,
} from './kernel32.js';
import { WASM_BASE64 as ANY_BASE64 } from './module32-any.js';

/** The exports of wasm/stft32-any.wat. */
interface AnyExports {
  magnitudes(
    n: number,
    mm: number,
    hop: number,
    frames: number,
    total: number,
    plen: number,
    sig: number,
    win: number,
    chirp: number,
    bk: number,
    tw: number,
    x: number,
    y: number,
    out: number,
    spare: number,
    floor: number,
    wide: number,
    spec: number,
    lp: number,
    l5: number,
    tw5: number,
    perm: number,
  ): void;
  adjoint(
    n: number,
    mm: number,
    hop: number,
    frames: number,
    total: number,
    plen: number,
    spec: number,
    mag: number,
    dmag: number,
    floor: number,
    wide: number,
    win: number,
    chirp: number,
    bk: number,
    tw: number,
    x: number,
    y: number,
    gp: number,
    spare: number,
    lp: number,
    l5: number,
    tw5: number,
    perm: number,
  ): void;
}

/** The exports of wasm/stft32.wat that this module uses. */
interface ForwardExports {
  memory: WebAssembly.Memory;
  fft(m: number, x: number, y: number, tw: number): void;
  stockham(m: number, x: number, y: number, tw: number): number;
}

/**
 * What the float32 routes use of a float32 STFT plan: {@link Wasm32Memory}, which
 * {@link WasmStft32} (powers of two) and {@link WasmStft32Any} (other sizes) extend.
 */
export type Stft32Kernel = Wasm32Memory;

let compiledAny: WebAssembly.Module | undefined;

/** The module (compiled on first use; SIMD is there when the forward module is). */
function anyModule(): WebAssembly.Module {
  compiledAny ??= compileWasm(ANY_BASE64) ?? undefined;
  if (!compiledAny) throw new Error('WebAssembly SIMD is not available');
  return compiledAny;
}

/** Whether the four-lane FFT runs length m: a power of two, or 5 L with L a power of two >= 4. */
function fftLength(m: number): boolean {
  const l = m % 5 === 0 ? m / 5 : m;
  return (l & (l - 1)) === 0 && (m === l || l >= 4);
}

/**
 * The cyclic convolution length for size n: M = n - 1 (Rader) for a prime n where the FFT runs
 * n - 1 (e.g. 17, 41, 257, 641); else Bluestein's, the smallest power of two P >= 2n - 1, or the
 * smallest 5 L >= 2n - 1 (L a power of two >= 4, one radix-5 step over the FFT of size L) where
 * that is at most 0.7 P (measured: the radix-5 step costs about two radix-4 passes per point).
 */
export function convolutionSize(n: number): number {
  if (n > 8 && isPrime(n) && fftLength(n - 1)) return n - 1;
  let p = 1;
  while (p < 2 * n - 1) p *= 2;
  let l = 4;
  while (5 * l < 2 * n - 1) l *= 2;
  return 5 * l <= 0.7 * p ? 5 * l : p;
}

/**
 * The float32 plan of size n (power of two: {@link WasmStft32}, else {@link WasmStft32Any}), or
 * null when its tables do not fit in the WebAssembly memory limit. Call where `wasm32Supports(n)`.
 */
export function createStft32(
  n: number,
  hop: number,
  window: ArrayLike<number>,
): Stft32Kernel | null {
  try {
    return (n & (n - 1)) === 0 ? new WasmStft32(n, hop, window) : new WasmStft32Any(n, hop, window);
  } catch (e) {
    if (e instanceof RangeError) return null;
    throw e;
  }
}

/**
 * One configuration's float32 instance for a size n that is not a power of two: a wasm/stft32.wat
 * instance (its memory and `fft`) and a wasm/stft32-any.wat instance on the same memory. The memory
 * holds the twiddles of the FFT of size M (of L and the radix-5 twiddles when M = 5 L), the chirp
 * w_j = exp(-i pi j^2 / n) (Rader: 1), the places (where z_j goes into the convolution and where
 * F_k is read), the transformed kernel B' = DFT_M(b) / M (Bluestein: b = conj w wrapped; Rader:
 * b_m = exp(-2 pi i g^-m / n)), the window, 320 bytes of scratch, two work buffers of M + 2
 * four-lane complex numbers, a spare output row (float64: either width of `analyzeAt`'s rows) and
 * frame, then the per-call data (grown on demand).
 */
export class WasmStft32Any extends Wasm32Memory {
  private readonly fwd: ForwardExports;
  private readonly ex: AnyExports;
  private readonly n: number;
  private readonly mm: number;
  /** L when M = 5 L, else 0. */
  private readonly l5: number;
  private readonly tw5: number;
  private readonly hop: number;
  private readonly tw: number;
  private readonly chirp: number;
  private readonly perm: number;
  private readonly bk: number;
  private readonly win: number;
  private readonly lp: number;
  private readonly x: number;
  private readonly y: number;
  private readonly spare: number;
  private readonly spareGp: number;
  /** One-sided bins: floor(n / 2) + 1. */
  readonly bins: number;

  /**
   * `mm`: the convolution length (tests and benches): n - 1 for Rader (n prime), else Bluestein's
   * (a power of two or 5 L, at least 2n - 1).
   */
  constructor(n: number, hop: number, window: ArrayLike<number>, mm = convolutionSize(n)) {
    if (mm === n - 1 && !isPrime(n)) {
      throw new Error(`Rader's algorithm needs a prime size, not ${n}`);
    }
    const mod = compiledModule();
    if (mod === null) throw new Error('WebAssembly SIMD is not available');
    const fwd = new WebAssembly.Instance(mod).exports as unknown as ForwardExports;
    super(fwd.memory);
    this.fwd = fwd;
    this.ex = new WebAssembly.Instance(anyModule(), {
      env: { memory: this.fwd.memory, fft: this.fwd.fft, stockham: this.fwd.stockham },
    }).exports as unknown as AnyExports;
    // M = 5 L: the FFT of size L under one radix-5 step (wasm/stft32-any.wat, $fft5).
    const l5 = (mm & (mm - 1)) === 0 ? 0 : mm / 5;
    this.n = n;
    this.mm = mm;
    this.l5 = l5;
    this.hop = hop;
    this.bins = Math.floor(n / 2) + 1;
    const align = (b: number) => Math.ceil(b / 32) * 32;
    this.tw = 0;
    this.tw5 = align(4 * twiddleCount(l5 || mm));
    this.chirp = align(this.tw5 + 32 * l5);
    this.perm = align(this.chirp + 8 * n);
    this.bk = align(this.perm + 8 * n);
    this.win = align(this.bk + 8 * mm);
    this.lp = align(this.win + 4 * n);
    this.x = align(this.lp + 320);
    this.y = this.x + 32 * (mm + 2);
    this.spare = this.y + 32 * (mm + 2);
    this.spareGp = align(this.spare + 8 * this.bins);
    this.base = align(this.spareGp + 4 * n);
    const f = this.f32(this.base);
    writeTwiddles(f, this.tw / 4, l5 || mm);
    // W^{rk} = exp(-2 pi i r k / M) for r = 1..4, k < L (r k reduced mod M, exactly).
    for (let r = 1; r <= 4 && l5 > 0; r++) {
      for (let k = 0; k < l5; k++) {
        const angle = (-2 * Math.PI * ((r * k) % mm)) / mm;
        f[this.tw5 / 4 + 2 * ((r - 1) * l5 + k)] = Math.cos(angle);
        f[this.tw5 / 4 + 2 * ((r - 1) * l5 + k) + 1] = Math.sin(angle);
      }
    }
    // The places: z_j to number i of `into` (x, or for M = 5 L the buffer where the FFT of size L
    // starts so that it ends in y: x after an odd number of passes, ceil(log2 L / 2); as the
    // module's $inbuf), F_k read from x's number `from`.
    const rader = mm === n - 1;
    const into = l5 && Math.ceil(Math.log2(l5) / 2) % 2 === 0 ? this.y : this.x;
    const perm = new Int32Array(this.memory.buffer, this.perm, 2 * n);
    const b = new Float64Array(2 * mm);
    if (rader) {
      // a_p = z_{g^p} (z_0 to the spare number M), Z_{g^-q} at q; b_m = exp(-2 pi i g^-m / n).
      const g = primitiveRoot(n);
      const gInv = powMod(g, n - 2, n);
      perm[0] = into + 32 * mm;
      perm[n] = this.x + 32 * mm;
      for (let p = 0, gp = 1, gm = 1; p < mm; p++) {
        perm[gp] = into + 32 * p;
        perm[n + gm] = this.x + 32 * p;
        const angle = (-2 * Math.PI * gm) / n;
        b[2 * p] = Math.cos(angle);
        b[2 * p + 1] = Math.sin(angle);
        gp = (gp * g) % n;
        gm = (gm * gInv) % n;
      }
      for (let j = 0; j < n; j++) {
        f[this.chirp / 4 + 2 * j] = 1;
        f[this.chirp / 4 + 2 * j + 1] = 0;
      }
    } else {
      // w_j = exp(-i pi j^2 / n) (j^2 reduced mod 2n, exactly), and b_t = conj(w_t) for |t| < n
      // wrapped mod M, transformed in float64 (B' = DFT_M(b) / M), each rounded once to float32.
      for (let j = 0; j < n; j++) {
        const angle = (-Math.PI * ((j * j) % (2 * n))) / n;
        const c = Math.cos(angle);
        const s = Math.sin(angle);
        f[this.chirp / 4 + 2 * j] = c;
        f[this.chirp / 4 + 2 * j + 1] = s;
        b[2 * j] = c;
        b[2 * j + 1] = -s;
        if (j > 0) {
          b[2 * (mm - j)] = c;
          b[2 * (mm - j) + 1] = -s;
        }
        perm[j] = into + 32 * j;
        perm[n + j] = this.x + 32 * j;
      }
    }
    const bhat = new Float64Array(2 * mm);
    fftPlan(mm).transform(b, bhat);
    for (let k = 0; k < 2 * mm; k++) f[this.bk / 4 + k] = bhat[k]! / mm;
    for (let j = 0; j < n; j++) f[this.win / 4 + j] = window[j]!;
  }

  protected transform(
    sig: number,
    frames: number,
    total: number,
    plen: number,
    mag: number,
    floor32: number,
    wide: boolean,
    spec: number,
  ): void {
    this.ex.magnitudes(
      this.n,
      this.mm,
      this.hop,
      frames,
      total,
      plen,
      sig,
      this.win,
      this.chirp,
      this.bk,
      this.tw,
      this.x,
      this.y,
      mag,
      this.spare,
      floor32,
      wide ? 1 : 0,
      spec,
      this.lp,
      this.l5,
      this.tw5,
      this.perm,
    );
  }

  /** Four pairs of frames (2 bins four-lane complex numbers) per group; pairs within items. */
  specBytes(total: number, frames: number): number {
    const pairs = (total / frames) * Math.ceil(frames / 2);
    return Math.ceil(pairs / 4) * this.bins * 64;
  }

  /** {@link Wasm32Memory.adjointAt} by wasm/stft32-any.wat's `adjoint`. */
  protected adjoint(
    spec: number,
    mag: number,
    dmag: number,
    frames: number,
    total: number,
    plen: number,
    floor32: number,
    wide: boolean,
    gp: number,
  ): void {
    this.ex.adjoint(
      this.n,
      this.mm,
      this.hop,
      frames,
      total,
      plen,
      spec,
      mag,
      dmag,
      floor32,
      wide ? 1 : 0,
      this.win,
      this.chirp,
      this.bk,
      this.tw,
      this.x,
      this.y,
      gp,
      this.spareGp,
      this.lp,
      this.l5,
      this.tw5,
      this.perm,
    );
  }
}
