/**
 * L-BFGS-B without bounds, following the iteration of scipy.optimize.minimize(method='L-BFGS-B')
 * (L-BFGS-B 3.0, Byrd, Lu, Nocedal, Zhu, SIAM J. Sci. Comput. 16, 1995; Morales & Nocedal, ACM
 * TOMS 38, 2011) step for step, so that soft-DTW barycenters reproduce tslearn's, whose examples
 * stop after a few iterations (barycenter.ts). Written for @losses/softdtw from the published
 * algorithm; with no bounds its parts reduce to:
 *
 * - the first step (and the first after a restart) along -g from the generalized Cauchy point of
 *   the model with B = I, with the line search's first trial step 1 / ||d|| at iteration 0;
 * - later steps along the quasi-Newton direction -H g of the limited-memory matrix with
 *   B_0 = theta I, theta = y'y / s'y of the latest pair (computed here by the two-loop recursion,
 *   equal to L-BFGS-B's compact form in exact arithmetic), first trial step 1;
 * - the line search dcsrch of Moré & Thuente (ACM TOMS 20, 1994; MINPACK-2) with ftol = 1e-3,
 *   gtol = 0.9, xtol = 0.1, at most `maxls` evaluations;
 * - a pair (s, y) is kept only when s'y > eps (-g'd) stp; stop when max |g_i| <= gtol or the
 *   relative decrease (f_old - f) / max(|f_old|, |f|, 1) <= ftol, or after `maxIter` iterations.
 */

/** Options of {@link lbfgsb}. */
export interface LbfgsbOptions {
  /** Iterations at most (scipy's `maxiter`). */
  maxIter: number;
  /** Relative decrease of f that stops (scipy's `ftol`; tslearn passes its `tol`). */
  ftol: number;
  /** Largest |gradient component| that stops (scipy's `gtol`; tslearn passes its `tol`). */
  gtol: number;
  /** Stored pairs (scipy's `maxcor`, default 10). */
  m?: number;
  /** Function evaluations per line search at most (default 20). */
  maxls?: number;
  /** Function evaluations at most (default 15000). */
  maxfun?: number;
}

/** What {@link lbfgsb} returns. */
export interface LbfgsbResult {
  x: Float64Array;
  f: number;
  iterations: number;
  evaluations: number;
  /** Why it stopped. */
  reason: 'gtol' | 'ftol' | 'maxIter' | 'maxfun' | 'lineSearch';
}

/** The objective: its value at x, with the gradient written into g. */
export type Objective = (x: Float64Array, g: Float64Array) => number;

const EPS = 2 ** -52;
const BIG = 1e10;

/** Minimizes `fg` from `x0` (not modified). */
export function lbfgsb(fg: Objective, x0: ArrayLike<number>, o: LbfgsbOptions): LbfgsbResult {
  const n = x0.length;
  const m = o.m ?? 10;
  const maxls = o.maxls ?? 20;
  const maxfun = o.maxfun ?? 15000;
  // scipy: factr = ftol / eps, and the test is (fold - f) <= factr * epsmch * max(...).
  const tol = (o.ftol / EPS) * EPS;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  let f = fg(x, g);
  let nfev = 1;
  const done = (reason: LbfgsbResult['reason'], iterations: number): LbfgsbResult => ({
    x,
    f,
    iterations,
    evaluations: nfev,
    reason,
  });
  if (maxAbs(g) <= o.gtol) return done('gtol', 0);
  // The limited memory: pairs (s, y), their s'y as L-BFGS-B stores it, oldest first.
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const SY: number[] = [];
  let theta = 1;
  let iter = 0; // L-BFGS-B's count of accepted steps
  let iterations = 0; // scipy's count of NEW_X
  const z = new Float64Array(n);
  const d = new Float64Array(n);
  const t = new Float64Array(n);
  const r = new Float64Array(n);
  const alpha = new Float64Array(m);
  for (;;) {
    // The search direction d = z - x.
    if (S.length === 0) {
      // Generalized Cauchy point of the model with B = theta I (theta = 1 here) along -g:
      // f1 = -g'g, f2 = theta g'g, step dtm = -f1 / f2, z = x + dtm (-g).
      let f1 = 0;
      for (let i = 0; i < n; i++) f1 = f1 - g[i]! * g[i]!;
      const f2 = -theta * f1;
      let dtm = -f1 / f2;
      if (!(dtm > 0)) dtm = 0;
      const tsum = 0 + dtm;
      for (let i = 0; i < n; i++) z[i] = x[i]! + tsum * -g[i]!;
    } else {
      // The subspace minimizer with every variable free: z = x - H g (two-loop recursion).
      for (let i = 0; i < n; i++) r[i] = -g[i]!;
      for (let k = S.length - 1; k >= 0; k--) {
        const a = dot(S[k]!, r) / SY[k]!;
        alpha[k] = a;
        const y = Y[k]!;
        for (let i = 0; i < n; i++) r[i] = r[i]! - a * y[i]!;
      }
      for (let i = 0; i < n; i++) r[i] = r[i]! / theta;
      for (let k = 0; k < S.length; k++) {
        const b = dot(Y[k]!, r) / SY[k]!;
        const s = S[k]!;
        const c = alpha[k]! - b;
        for (let i = 0; i < n; i++) r[i] = r[i]! + c * s[i]!;
      }
      for (let i = 0; i < n; i++) z[i] = x[i]! + r[i]!;
    }
    for (let i = 0; i < n; i++) d[i] = z[i]! - x[i]!;
    // The line search (lnsrlb with dcsrch).
    const dtd = dot(d, d);
    const dnorm = Math.sqrt(dtd);
    const stpmx = BIG;
    let stp = iter === 0 ? Math.min(1 / dnorm, stpmx) : 1;
    t.set(x);
    r.set(g); // the old gradient, for y = g - r
    const fold = f;
    let ifun = 0;
    let gd = dot(g, d);
    const gdold = gd;
    let failed = gd >= 0;
    const ls = new LineSearch(f, gd, stp, 1e-3, 0.9, 0.1, 0, stpmx);
    stp = ls.stp;
    while (!failed) {
      if (ls.task === 'conv' || ls.task === 'warn') break;
      ifun++;
      if (ifun - 1 >= maxls) {
        failed = true;
        break;
      }
      if (stp === 1) x.set(z);
      else for (let i = 0; i < n; i++) x[i] = stp * d[i]! + t[i]!;
      f = fg(x, g);
      nfev++;
      gd = dot(g, d);
      stp = ls.next(f, gd);
      if (ls.task === 'error') failed = true;
    }
    if (failed) {
      x.set(t);
      g.set(r);
      f = fold;
      if (S.length === 0) return done('lineSearch', iterations);
      // Refresh the memory and restart from the steepest descent step.
      S.length = 0;
      Y.length = 0;
      SY.length = 0;
      theta = 1;
      continue;
    }
    iter++;
    iterations++;
    if (iterations >= o.maxIter) return done('maxIter', iterations);
    if (nfev > maxfun) return done('maxfun', iterations);
    if (maxAbs(g) <= o.gtol) return done('gtol', iterations);
    const ddum0 = Math.max(Math.abs(fold), Math.abs(f), 1);
    if (fold - f <= tol * ddum0) return done('ftol', iterations);
    // y = g - g_old, s = stp d; s'y from the line search's derivatives, as L-BFGS-B does.
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) y[i] = g[i]! - r[i]!;
    const rr = dot(y, y);
    let dr: number;
    let ddum: number;
    const s = new Float64Array(n);
    if (stp === 1) {
      dr = gd - gdold;
      ddum = -gdold;
      s.set(d);
    } else {
      dr = (gd - gdold) * stp;
      for (let i = 0; i < n; i++) s[i] = stp * d[i]!;
      ddum = -gdold * stp;
    }
    if (dr <= EPS * ddum) continue; // skip the update
    if (S.length === m) {
      S.shift();
      Y.shift();
      SY.shift();
    }
    S.push(s);
    Y.push(y);
    SY.push(dr);
    theta = rr / dr;
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/**
 * The line search of Moré & Thuente (dcsrch of MINPACK-2): finds a step with
 * f(stp) <= f(0) + ftol stp f'(0) and |f'(stp)| <= gtol |f'(0)|, keeping an interval of
 * uncertainty [stx, sty] and choosing trial steps by cubic and quadratic interpolation (dcstep).
 * Construct with f(0), f'(0) and the first trial step (`stp`); then `next(f, g)` with the values
 * at `stp` until `task` is 'conv' (or 'warn').
 */
class LineSearch {
  task: 'fg' | 'conv' | 'warn' | 'error' = 'fg';
  stp: number;
  private brackt = false;
  private stage = 1;
  private readonly finit: number;
  private readonly ginit: number;
  private readonly gtest: number;
  private width: number;
  private width1: number;
  private stx = 0;
  private fx: number;
  private gx: number;
  private sty = 0;
  private fy: number;
  private gy: number;
  private stmin = 0;
  private stmax: number;

  constructor(
    f: number,
    g: number,
    stp: number,
    ftol: number,
    private readonly gtol: number,
    private readonly xtol: number,
    private readonly stpmin: number,
    private readonly stpmax: number,
  ) {
    this.stp = stp;
    if (stp < stpmin || stp > stpmax || g >= 0) this.task = 'error';
    this.finit = f;
    this.ginit = g;
    this.gtest = ftol * g;
    this.width = stpmax - stpmin;
    this.width1 = this.width / 0.5;
    this.fx = f;
    this.gx = g;
    this.fy = f;
    this.gy = g;
    this.stmax = stp + 4 * stp;
  }

  /** Takes f and f' at the current `stp`; returns the next trial step (or the final one). */
  next(f: number, g: number): number {
    let stp = this.stp;
    const ftest = this.finit + stp * this.gtest;
    if (this.stage === 1 && f <= ftest && g >= 0) this.stage = 2;
    let task: 'fg' | 'conv' | 'warn' = 'fg';
    if (this.brackt && (stp <= this.stmin || stp >= this.stmax)) task = 'warn';
    if (this.brackt && this.stmax - this.stmin <= this.xtol * this.stmax) task = 'warn';
    if (stp === this.stpmax && f <= ftest && g <= this.gtest) task = 'warn';
    if (stp === this.stpmin && (f > ftest || g >= this.gtest)) task = 'warn';
    if (f <= ftest && Math.abs(g) <= this.gtol * -this.ginit) task = 'conv';
    if (task !== 'fg') {
      this.task = task;
      return stp;
    }
    if (this.stage === 1 && f <= this.fx && f > ftest) {
      // The modified function psi(stp) = f(stp) - f(0) - ftol stp f'(0) in the first stage.
      const gt = this.gtest;
      const s = dcstep(
        this.stx,
        this.fx - this.stx * gt,
        this.gx - gt,
        this.sty,
        this.fy - this.sty * gt,
        this.gy - gt,
        stp,
        f - stp * gt,
        g - gt,
        this.brackt,
        this.stmin,
        this.stmax,
      );
      this.stx = s.stx;
      this.sty = s.sty;
      this.fx = s.fx + s.stx * gt;
      this.fy = s.fy + s.sty * gt;
      this.gx = s.dx + gt;
      this.gy = s.dy + gt;
      this.brackt = s.brackt;
      stp = s.stp;
    } else {
      const s = dcstep(
        this.stx,
        this.fx,
        this.gx,
        this.sty,
        this.fy,
        this.gy,
        stp,
        f,
        g,
        this.brackt,
        this.stmin,
        this.stmax,
      );
      this.stx = s.stx;
      this.sty = s.sty;
      this.fx = s.fx;
      this.fy = s.fy;
      this.gx = s.dx;
      this.gy = s.dy;
      this.brackt = s.brackt;
      stp = s.stp;
    }
    if (this.brackt) {
      if (Math.abs(this.sty - this.stx) >= 0.66 * this.width1) {
        stp = this.stx + 0.5 * (this.sty - this.stx);
      }
      this.width1 = this.width;
      this.width = Math.abs(this.sty - this.stx);
    }
    if (this.brackt) {
      this.stmin = Math.min(this.stx, this.sty);
      this.stmax = Math.max(this.stx, this.sty);
    } else {
      this.stmin = stp + 1.1 * (stp - this.stx);
      this.stmax = stp + 4 * (stp - this.stx);
    }
    stp = Math.max(stp, this.stpmin);
    stp = Math.min(stp, this.stpmax);
    if (
      (this.brackt && (stp <= this.stmin || stp >= this.stmax)) ||
      (this.brackt && this.stmax - this.stmin <= this.xtol * this.stmax)
    ) {
      stp = this.stx;
    }
    this.stp = stp;
    this.task = 'fg';
    return stp;
  }
}

/** One safeguarded step of the line search (dcstep of MINPACK-2), returning the updated state. */
function dcstep(
  stx0: number,
  fx0: number,
  dx0: number,
  sty0: number,
  fy0: number,
  dy0: number,
  stp: number,
  fp: number,
  dp: number,
  brackt0: boolean,
  stpmin: number,
  stpmax: number,
): {
  stx: number;
  fx: number;
  dx: number;
  sty: number;
  fy: number;
  dy: number;
  stp: number;
  brackt: boolean;
} {
  let stx = stx0;
  let fx = fx0;
  let dx = dx0;
  let sty = sty0;
  let fy = fy0;
  let dy = dy0;
  let brackt = brackt0;
  const sgnd = dp * (dx / Math.abs(dx));
  let stpf: number;
  if (fp > fx) {
    // A higher function value: the minimum is bracketed; cubic step if closer to stx, else the
    // average of the cubic and quadratic steps.
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const s = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = s * Math.sqrt((theta / s) ** 2 - (dx / s) * (dp / s));
    if (stp < stx) gamma = -gamma;
    const p = gamma - dx + theta;
    const q = gamma - dx + gamma + dp;
    const r = p / q;
    const stpc = stx + r * (stp - stx);
    const stpq = stx + (dx / ((fx - fp) / (stp - stx) + dx) / 2) * (stp - stx);
    stpf = Math.abs(stpc - stx) < Math.abs(stpq - stx) ? stpc : stpc + (stpq - stpc) / 2;
    brackt = true;
  } else if (sgnd < 0) {
    // A lower value and derivatives of opposite sign: bracketed; the cubic step if farther from
    // stp than the secant step, else the secant step.
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const s = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = s * Math.sqrt((theta / s) ** 2 - (dx / s) * (dp / s));
    if (stp > stx) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma - dp + gamma + dx;
    const r = p / q;
    const stpc = stp + r * (stx - stp);
    const stpq = stp + (dp / (dp - dx)) * (stx - stp);
    stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
    brackt = true;
  } else if (Math.abs(dp) < Math.abs(dx)) {
    // A lower value, same signs, the derivative's magnitude decreasing.
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const s = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = s * Math.sqrt(Math.max(0, (theta / s) ** 2 - (dx / s) * (dp / s)));
    if (stp > stx) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma + (dx - dp) + gamma;
    const r = p / q;
    let stpc: number;
    if (r < 0 && gamma !== 0) stpc = stp + r * (stx - stp);
    else if (stp > stx) stpc = stpmax;
    else stpc = stpmin;
    const stpq = stp + (dp / (dp - dx)) * (stx - stp);
    if (brackt) {
      stpf = Math.abs(stpc - stp) < Math.abs(stpq - stp) ? stpc : stpq;
      if (stp > stx) stpf = Math.min(stp + 0.66 * (sty - stp), stpf);
      else stpf = Math.max(stp + 0.66 * (sty - stp), stpf);
    } else {
      stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
      stpf = Math.min(stpmax, stpf);
      stpf = Math.max(stpmin, stpf);
    }
  } else {
    // A lower value, same signs, the derivative not decreasing: stpmin or stpmax unless
    // bracketed, then the cubic step.
    if (brackt) {
      const theta = (3 * (fp - fy)) / (sty - stp) + dy + dp;
      const s = Math.max(Math.abs(theta), Math.abs(dy), Math.abs(dp));
      let gamma = s * Math.sqrt((theta / s) ** 2 - (dy / s) * (dp / s));
      if (stp > sty) gamma = -gamma;
      const p = gamma - dp + theta;
      const q = gamma - dp + gamma + dy;
      const r = p / q;
      stpf = stp + r * (sty - stp);
    } else if (stp > stx) {
      stpf = stpmax;
    } else {
      stpf = stpmin;
    }
  }
  // Update the interval that contains a minimizer.
  if (fp > fx) {
    sty = stp;
    fy = fp;
    dy = dp;
  } else {
    if (sgnd < 0) {
      sty = stx;
      fy = fx;
      dy = dx;
    }
    stx = stp;
    fx = fp;
    dx = dp;
  }
  return { stx, fx, dx, sty, fy, dy, stp: stpf, brackt };
}
