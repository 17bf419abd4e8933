import {
  arrayType,
  checkNumber,
  type DType,
  LossInputError,
  show,
  type Tensor,
  type TensorLike,
  tensor,
  toTensor,
} from '@losses/tensor';

/**
 * The sinusoidal surrogate of Hayes, Saitis & Fazekas, "Sinusoidal frequency estimation by
 * gradient descent" (ICASSP 2023, arXiv:2210.14476): instead of the real oscillator
 * a cos(omega n + phi), whose loss is non-convex in omega and full of local minima, model each
 * component as the real part of a damped complex exponential,
 *
 *   s[n] = sum_k Re(c_k z_k^n),   z_k = r_k e^{i omega_k},   c_k = a_k e^{i phi_k},   n = 0..N-1,
 *        = sum_k a_k r_k^n cos(omega_k n + phi_k),
 *
 * and optimise z_k in the complex plane with its Wirtinger derivative dL/d(conj z_k) (what
 * PyTorch's autograd returns for a complex parameter, times 2). |z_k| = r_k < 1 decays, r_k = 1 is
 * the undamped sinusoid; the frequency estimate is omega_k = arg z_k. The authors' code
 * (github.com/ben-hayes/sinusoidal-gradient-descent, `core.complex_oscillator(z, initial_phase)`,
 * commit e16637b) computes Re(initial_phase * z^n) by a cumulative product; `initial_phase` is the
 * complex coefficient c_k here (amplitude |c_k|, phase arg c_k; 1 by default), and they recover the
 * amplitudes of the undamped model afterwards by least squares on cos(omega_k n).
 *
 * Here the signal is computed from (r, omega, a, phi) directly (r^n and the cosine per sample, so
 * nothing drifts over long signals), and {@link surrogateVjp} pulls a loss gradient dL/ds back to
 * both parameterisations: polar (r, omega, a, phi) and Cartesian (Re z, Im z, Re c, Im c). A study
 * can so compare "a better loss" (descent on omega of a real sinusoid) with "a better
 * parameterisation" (descent on z).
 */

/** Parameters of K damped complex sinusoids c_k z_k^n (see {@link surrogateSignal}). */
export interface SurrogateParams {
  /** r_k = |z_k| >= 0: the decay per sample (1 = undamped, < 1 decays). K values. */
  r: ArrayLike<number>;
  /** omega_k = arg z_k in radians per sample: the frequency (2 pi f / sampleRate). K values. */
  omega: ArrayLike<number>;
  /** a_k = |c_k|, the amplitude at n = 0 (default 1 each). K values. */
  amplitude?: ArrayLike<number>;
  /** phi_k = arg c_k in radians, the phase at n = 0 (default 0 each). K values. */
  phase?: ArrayLike<number>;
}

/** Options of {@link surrogateSignal}. */
export interface SurrogateSignalOptions {
  /** Float type of the signal (default `'float64'`). */
  dtype?: DType;
}

/** dL/d(parameter) for every parameter of {@link SurrogateParams}, K values each (float64). */
export interface SurrogateGradient {
  /** dL/dr_k. */
  r: Float64Array;
  /** dL/domega_k. */
  omega: Float64Array;
  /** dL/da_k. */
  amplitude: Float64Array;
  /** dL/dphi_k. */
  phase: Float64Array;
  /**
   * dL/d(Re z_k) and dL/d(Im z_k): the real gradient in the complex plane, equal to
   * 2 dL/d(conj z_k) (the Wirtinger derivative Hayes et al. descend along; PyTorch's `z.grad`).
   */
  zRe: Float64Array;
  /** dL/d(Im z_k), see `zRe`. */
  zIm: Float64Array;
  /** dL/d(Re c_k) and dL/d(Im c_k) (= 2 dL/d(conj c_k)). */
  cRe: Float64Array;
  /** dL/d(Im c_k), see `cRe`. */
  cIm: Float64Array;
}

/** Longest signal accepted. */
const MAX_LENGTH = 2 ** 27;

interface Resolved {
  K: number;
  r: Float64Array;
  omega: Float64Array;
  amplitude: Float64Array;
  phase: Float64Array;
}

function vector(
  value: unknown,
  name: string,
  K: number | undefined,
  fallback: number | undefined,
): Float64Array {
  if (value === undefined && fallback !== undefined && K !== undefined) {
    return new Float64Array(K).fill(fallback);
  }
  if (
    value === null ||
    typeof value !== 'object' ||
    typeof (value as ArrayLike<number>).length !== 'number'
  ) {
    throw new LossInputError(
      'INVALID_TYPE',
      `${name}: expected an array of numbers, got ${show(value)}`,
      name,
    );
  }
  const v = value as ArrayLike<unknown>;
  if (K !== undefined && v.length !== K) {
    throw new LossInputError(
      'SHAPE_MISMATCH',
      `${name}: expected ${K} values (one per component, as params.r), got ${v.length}`,
      name,
    );
  }
  const out = new Float64Array(v.length);
  for (let k = 0; k < v.length; k++) out[k] = checkNumber(v[k], `${name}[${k}]`);
  return out;
}

function resolve(params: SurrogateParams, length: number): Resolved {
  if (params === null || typeof params !== 'object') {
    throw new LossInputError(
      'INVALID_TYPE',
      `params: expected { r, omega, amplitude?, phase? }, got ${show(params)}`,
      'params',
    );
  }
  checkNumber(length, 'length', { integer: true, min: 1, max: MAX_LENGTH });
  const r = vector(params.r, 'params.r', undefined, undefined);
  const K = r.length;
  if (K === 0)
    throw new LossInputError('EMPTY', 'params.r: needs at least one component', 'params.r');
  const omega = vector(params.omega, 'params.omega', K, undefined);
  const amplitude = vector(params.amplitude, 'params.amplitude', K, 1);
  const phase = vector(params.phase, 'params.phase', K, 0);
  for (let k = 0; k < K; k++) {
    const rk = r[k]!;
    if (rk < 0) {
      throw new LossInputError(
        'INVALID_OPTION',
        `params.r[${k}]: expected a magnitude >= 0, got ${rk}`,
        'params.r',
      );
    }
    // |a| r^(N-1) N must stay finite (the largest term of the signal and of dL/dr).
    const growth =
      Math.log(Math.abs(amplitude[k]!) || 1) + (length - 1) * Math.log(rk) + Math.log(length);
    if (growth > 700) {
      throw new LossInputError(
        'INVALID_OPTION',
        `params.r[${k}]: ${rk} grows beyond the float64 range over ${length} samples (|a| r^(N-1) N > 1e304); use r <= 1 or a shorter signal`,
        'params.r',
      );
    }
  }
  return { K, r, omega, amplitude, phase };
}

/**
 * The surrogate signal s[n] = sum_k a_k r_k^n cos(omega_k n + phi_k) = sum_k Re(c_k z_k^n),
 * n = 0..length-1 (Hayes, Saitis & Fazekas, ICASSP 2023). With every r_k = 1 it is the sum of the
 * undamped sinusoids a_k cos(omega_k n + phi_k).
 *
 * @param params K components: `r` (>= 0), `omega` (rad/sample), `amplitude` (default 1), `phase`
 *   (rad, default 0), equally long.
 * @param length N, samples (1 to 2^27).
 * @returns A `[N]` tensor (float64 unless `dtype: 'float32'`).
 * @throws LossInputError `INVALID_TYPE`, `SHAPE_MISMATCH` (lists of different lengths), `EMPTY`
 *   (no component), `INVALID_OPTION` (non-finite value, r < 0, a growth beyond the float range).
 */
export function surrogateSignal(
  params: SurrogateParams,
  length: number,
  options: SurrogateSignalOptions = {},
): Tensor {
  const p = resolve(params, length);
  const dtype = options.dtype ?? 'float64';
  if (dtype !== 'float64' && dtype !== 'float32') {
    throw new LossInputError(
      'INVALID_OPTION',
      `options.dtype: expected 'float32' or 'float64', got ${show(dtype)}`,
      'options.dtype',
    );
  }
  const acc = new Float64Array(length);
  for (let k = 0; k < p.K; k++) {
    const r = p.r[k]!;
    const w = p.omega[k]!;
    const a = p.amplitude[k]!;
    const phi = p.phase[k]!;
    for (let n = 0; n < length; n++) acc[n]! += a * r ** n * Math.cos(w * n + phi);
  }
  return tensor(dtype === 'float64' ? acc : new (arrayType(dtype))(acc), [length]);
}

/**
 * The vector-Jacobian product of {@link surrogateSignal}: given g = dL/ds (`[N]`, e.g. the
 * gradient of a loss w.r.t. its estimate), the gradient of L w.r.t. every parameter, in polar and
 * Cartesian form, theta_n = omega n + phi:
 *
 *   dL/da     = sum_n g_n r^n cos theta_n           dL/dphi   = -a sum_n g_n r^n sin theta_n
 *   dL/domega = -a sum_n g_n n r^n sin theta_n      dL/dr     =  a sum_n g_n n r^(n-1) cos theta_n
 *   dL/dRe z  =  a sum_n g_n n r^(n-1) cos(theta_n - omega)     (d s_n / dz = n c z^(n-1))
 *   dL/dIm z  = -a sum_n g_n n r^(n-1) sin(theta_n - omega)
 *   dL/dRe c  =  sum_n g_n r^n cos(omega n)         dL/dIm c  = -sum_n g_n r^n sin(omega n)
 *
 * (the Cartesian ones computed directly, so they hold at r = 0 too). Sums run in float64.
 *
 * @param params As {@link surrogateSignal}.
 * @param length N.
 * @param grad dL/ds, `[N]`.
 * @throws LossInputError as {@link surrogateSignal}, and for a bad `grad`.
 */
export function surrogateVjp(
  params: SurrogateParams,
  length: number,
  grad: TensorLike,
): SurrogateGradient {
  const p = resolve(params, length);
  const g = toTensor(grad, { name: 'grad', rank: 1, shape: [length] }).data;
  const K = p.K;
  const out: SurrogateGradient = {
    r: new Float64Array(K),
    omega: new Float64Array(K),
    amplitude: new Float64Array(K),
    phase: new Float64Array(K),
    zRe: new Float64Array(K),
    zIm: new Float64Array(K),
    cRe: new Float64Array(K),
    cIm: new Float64Array(K),
  };
  for (let k = 0; k < K; k++) {
    const r = p.r[k]!;
    const w = p.omega[k]!;
    const a = p.amplitude[k]!;
    const phi = p.phase[k]!;
    let sCos = 0; // sum g r^n cos theta
    let sSin = 0; // sum g r^n sin theta
    let nSin = 0; // sum g n r^n sin theta
    let nCosPrev = 0; // sum g n r^(n-1) cos theta
    let zCos = 0; // sum g n r^(n-1) cos(theta - omega)
    let zSin = 0; // sum g n r^(n-1) sin(theta - omega)
    let cCos = 0; // sum g r^n cos(omega n)
    let cSin = 0; // sum g r^n sin(omega n)
    for (let n = 0; n < length; n++) {
      const gn = g[n]!;
      if (gn === 0) continue;
      const rn = r ** n;
      const theta = w * n + phi;
      const ct = Math.cos(theta);
      const st = Math.sin(theta);
      sCos += gn * rn * ct;
      sSin += gn * rn * st;
      nSin += gn * n * rn * st;
      cCos += gn * rn * Math.cos(w * n);
      cSin += gn * rn * Math.sin(w * n);
      if (n > 0) {
        const rPrev = r ** (n - 1);
        nCosPrev += gn * n * rPrev * ct;
        const thetaPrev = w * (n - 1) + phi;
        zCos += gn * n * rPrev * Math.cos(thetaPrev);
        zSin += gn * n * rPrev * Math.sin(thetaPrev);
      }
    }
    out.amplitude[k] = sCos;
    out.phase[k] = -a * sSin;
    out.omega[k] = -a * nSin;
    out.r[k] = a * nCosPrev;
    out.zRe[k] = a * zCos;
    out.zIm[k] = -a * zSin;
    out.cRe[k] = cCos;
    out.cIm[k] = -cSin;
  }
  return out;
}

/**
 * The polar parameters of complex z_k (and c_k, default 1): r = |z|, omega = arg z in (-pi, pi],
 * a = |c|, phi = arg c. For descent in the complex plane, as Hayes et al. do: keep (Re z, Im z),
 * map them here for {@link surrogateSignal}, and step along `zRe`/`zIm` of {@link surrogateVjp}.
 *
 * @throws LossInputError `INVALID_TYPE`, `SHAPE_MISMATCH`, `EMPTY`, `INVALID_OPTION` (non-finite).
 */
export function surrogateParamsFromComplex(z: {
  re: ArrayLike<number>;
  im: ArrayLike<number>;
  cRe?: ArrayLike<number>;
  cIm?: ArrayLike<number>;
}): { r: Float64Array; omega: Float64Array; amplitude: Float64Array; phase: Float64Array } {
  if (z === null || typeof z !== 'object') {
    throw new LossInputError(
      'INVALID_TYPE',
      `z: expected { re, im, cRe?, cIm? }, got ${show(z)}`,
      'z',
    );
  }
  const re = vector(z.re, 'z.re', undefined, undefined);
  const K = re.length;
  if (K === 0) throw new LossInputError('EMPTY', 'z.re: needs at least one component', 'z.re');
  const im = vector(z.im, 'z.im', K, undefined);
  const cRe = vector(z.cRe, 'z.cRe', K, 1);
  const cIm = vector(z.cIm, 'z.cIm', K, 0);
  return {
    r: re.map((v, k) => Math.hypot(v, im[k]!)),
    omega: re.map((v, k) => Math.atan2(im[k]!, v)),
    amplitude: cRe.map((v, k) => Math.hypot(v, cIm[k]!)),
    phase: cRe.map((v, k) => Math.atan2(cIm[k]!, v)),
  };
}
