import { describe, expect, it } from 'vitest';
import {
  applyLogForm,
  type LogForm,
  logFormDerivative,
  logFormValue,
} from '../../src/compression-forms.js';
import {
  applyMagnitudeForm,
  type MagnitudeForm,
  magnitudeFormDerivative,
  magnitudeFormValue,
} from '../../src/magnitude-forms.js';
import { goldens } from './fixtures.js';

const FORMS: LogForm[] = [
  { kind: 'log', floor: 'clamp', eps: 1e-5, power: 1 },
  { kind: 'log10', floor: 'clamp', eps: 1e-5, power: 1 },
  { kind: 'log10', floor: 'clamp', eps: 1e-5, power: 2 },
  { kind: 'log', floor: 'add', eps: 1e-7, power: 1 },
  { kind: 'log10', floor: 'add', eps: 1e-3, power: 0.5 },
  { kind: 'db', floor: 'clamp', eps: 1e-4, power: 1 },
  { kind: 'db', floor: 'add', eps: 0, power: 3 },
];

function name(f: LogForm): string {
  return `${f.kind} ${f.floor} eps ${f.eps} power ${f.power}`;
}

describe('logarithmic compression forms', () => {
  for (const g of goldens.compressionForms) {
    it(`match torch's values and autograd derivatives, at and around the floor: ${g.name}`, () => {
      g.x.forEach((x, i) => {
        const v = logFormValue(g.form, x);
        const d = logFormDerivative(g.form, x);
        expect(Math.abs(v - g.value[i]!)).toBeLessThanOrEqual(1e-14 * Math.abs(g.value[i]!));
        expect(Math.abs(d - g.derivative[i]!)).toBeLessThanOrEqual(
          1e-14 * Math.abs(g.derivative[i]!),
        );
      });
    });
  }

  it("pass the gradient at x = eps exactly and give 0 below the clamp floor (torch's clamp)", () => {
    const f: LogForm = { kind: 'log', floor: 'clamp', eps: 1e-5, power: 1 };
    expect(logFormDerivative(f, 1e-5)).toBe(1 / 1e-5);
    expect(logFormDerivative(f, 0.999e-5)).toBe(0);
    expect(logFormDerivative(f, 0)).toBe(0);
    expect(logFormValue(f, 0)).toBe(Math.log(1e-5));
    expect(logFormValue(f, 3e-6)).toBe(Math.log(1e-5));
  });

  for (const f of FORMS) {
    it(`derivative equals central finite differences in float64: ${name(f)}`, () => {
      for (const x of [3e-5, 1e-3, 0.02, 0.7, 3, 250]) {
        const h = x * 1e-6;
        const fd = (logFormValue(f, x + h) - logFormValue(f, x - h)) / (2 * h);
        // Below a clamp floor both are 0.
        expect(Math.abs(fd - logFormDerivative(f, x))).toBeLessThanOrEqual(1e-7 * Math.abs(fd));
        if (f.floor === 'add' || x > f.eps) expect(Math.abs(fd)).toBeGreaterThan(0);
      }
    });
  }

  it('the one-sided differences at the clamp floor: the right one is the derivative given there, the left one 0', () => {
    for (const f of FORMS.filter((g) => g.floor === 'clamp')) {
      const h = f.eps * 1e-7;
      const right = (logFormValue(f, f.eps + h) - logFormValue(f, f.eps)) / h;
      const left = (logFormValue(f, f.eps) - logFormValue(f, f.eps - h)) / h;
      expect(Math.abs(right - logFormDerivative(f, f.eps))).toBeLessThan(1e-6 * Math.abs(right));
      expect(left).toBe(0);
    }
  });

  it('a power inside the logarithm is that multiple of the logarithm: log10(max(x, eps)^2) = 2 log10(max(x, eps))', () => {
    const one: LogForm = { kind: 'log10', floor: 'clamp', eps: 1e-5, power: 1 };
    const two: LogForm = { kind: 'log10', floor: 'clamp', eps: 1e-5, power: 2 };
    for (const x of [0, 1e-6, 1e-5, 0.3, 12]) {
      expect(logFormValue(two, x)).toBeCloseTo(Math.log10(Math.max(x, 1e-5) ** 2), 13);
      expect(logFormValue(two, x)).toBe(2 * logFormValue(one, x));
    }
  });

  for (const f of FORMS) {
    it(`the array form equals the scalar functions: ${name(f)}`, () => {
      const x = Float64Array.of(0, 1e-9, f.eps, 2e-5, 0.5, 4, 1e4).filter(
        (v) => f.floor === 'clamp' || f.eps > 0 || v > 0,
      );
      const out = new Float64Array(x.length);
      const deriv = new Float64Array(x.length);
      applyLogForm(f, x, x.length, out, deriv);
      x.forEach((v, i) => {
        expect(out[i]).toBeCloseTo(logFormValue(f, v), 12);
        expect(deriv[i]).toBe(logFormDerivative(f, v));
      });
      const only = new Float64Array(x.length);
      applyLogForm(f, x, x.length, only);
      expect(only).toEqual(out);
    });
  }
});

describe('magnitude forms: sqrt(m^2 + offset)^power', () => {
  const forms: MagnitudeForm[] = [
    { offset: 0, power: 1 },
    { offset: 0, power: 2 },
    { offset: 1e-9, power: 1 },
    { offset: 1e-9, power: 2 },
    { offset: 0.25, power: 1 },
  ];

  it("HiFi-GAN's magnitude: sqrt(re^2 + im^2 + 1e-9), sqrt(1e-9) for a silent bin", () => {
    const f: MagnitudeForm = { offset: 1e-9, power: 1 };
    expect(magnitudeFormValue(f, 0)).toBe(Math.sqrt(1e-9));
    expect(magnitudeFormValue(f, 3)).toBe(Math.sqrt(9 + 1e-9));
    expect(magnitudeFormDerivative(f, 0)).toBe(0);
  });

  it('power 2 is the power spectrum, its derivative 2 m (0 at a silent bin)', () => {
    const f: MagnitudeForm = { offset: 0, power: 2 };
    expect(magnitudeFormValue(f, 3)).toBe(9);
    expect(magnitudeFormDerivative(f, 3)).toBe(6);
    expect(magnitudeFormDerivative(f, 0)).toBe(0);
  });

  for (const f of forms) {
    it(`derivative equals central finite differences: offset ${f.offset}, power ${f.power}`, () => {
      for (const m of [1e-6, 3e-5, 0.01, 0.4, 2, 90]) {
        // A step on the scale where the function bends (m, or sqrt(offset) near m = 0).
        const h = 1e-6 * Math.max(m, Math.sqrt(f.offset));
        const fd = (magnitudeFormValue(f, m + h) - magnitudeFormValue(f, m - h)) / (2 * h);
        expect(Math.abs(fd - magnitudeFormDerivative(f, m))).toBeLessThan(
          1e-7 * Math.abs(fd) + 1e-9,
        );
      }
    });
  }

  it("chained with d|X|/d(re, im) = (re, im) / |X| it is the reference's gradient (re, im) / sqrt(p + offset)", () => {
    const f: MagnitudeForm = { offset: 1e-9, power: 1 };
    for (const [re, im] of [
      [3e-6, -2e-6],
      [0.5, 0.25],
      [-40, 7],
    ] as const) {
      const m = Math.hypot(re, im);
      const p = re * re + im * im;
      expect(magnitudeFormDerivative(f, m) * (re / m)).toBeCloseTo(re / Math.sqrt(p + 1e-9), 12);
    }
  });

  it('the array form equals the scalar functions', () => {
    for (const f of forms) {
      const m = Float64Array.of(0, 1e-170, 1e-5, 0.3, 8);
      const out = new Float64Array(m.length);
      const deriv = new Float64Array(m.length);
      applyMagnitudeForm(f, m, m.length, out, deriv);
      m.forEach((v, i) => {
        expect(out[i]).toBe(magnitudeFormValue(f, v));
        expect(deriv[i]).toBe(magnitudeFormDerivative(f, v));
      });
    }
  });
});
