/**
 * Hand-written references of librosa's mel and chroma filterbanks for the tests: dense matrices
 * [bands][bins], written from librosa's source (librosa/librosa, `librosa/filters.py` `mel` and
 * `chroma`, `librosa/core/convert.py` `hz_to_mel`, `mel_to_hz`, `mel_frequencies`,
 * `fft_frequencies`, `hz_to_octs`, `librosa/util/utils.py` `normalize`; the same in 0.8, 0.10 and
 * the current main), array step by array step as librosa does it, sharing no code with
 * `src/scales`.
 */

/** numpy.linspace(start, stop, num) with or without its endpoint. */
function npLinspace(start: number, stop: number, num: number, endpoint = true): number[] {
  const div = endpoint ? num - 1 : num;
  const step = (stop - start) / div;
  const y = Array.from({ length: num }, (_, i) => i * step + start);
  if (endpoint && num > 1) y[num - 1] = stop;
  return y;
}

function hzToMelArray(f: number[], htk: boolean): number[] {
  if (htk) return f.map((x) => 2595.0 * Math.log10(1.0 + x / 700.0));
  const fMin = 0.0;
  const fSp = 200.0 / 3;
  const minLogHz = 1000.0;
  const minLogMel = (minLogHz - fMin) / fSp;
  const logstep = Math.log(6.4) / 27.0;
  return f.map((x) =>
    x >= minLogHz ? minLogMel + Math.log(x / minLogHz) / logstep : (x - fMin) / fSp,
  );
}

function melToHzArray(m: number[], htk: boolean): number[] {
  if (htk) return m.map((x) => 700.0 * (10.0 ** (x / 2595.0) - 1.0));
  const fMin = 0.0;
  const fSp = 200.0 / 3;
  const minLogHz = 1000.0;
  const minLogMel = (minLogHz - fMin) / fSp;
  const logstep = Math.log(6.4) / 27.0;
  return m.map((x) =>
    x >= minLogMel ? minLogHz * Math.exp(logstep * (x - minLogMel)) : fMin + fSp * x,
  );
}

/** librosa.filters.mel(sr, n_fft, n_mels, fmin, fmax, htk, norm), in float64. */
export function librosaMel(
  sr: number,
  nFft: number,
  nMels: number,
  fmin = 0,
  fmax?: number,
  htk = false,
  norm: 'slaney' | null = 'slaney',
): number[][] {
  const top = fmax ?? sr / 2;
  const bins = Math.floor(nFft / 2) + 1;
  // fft_frequencies: np.fft.rfftfreq(n_fft, 1 / sr) = arange(bins) * (1 / (n_fft * (1 / sr))).
  const val = 1.0 / (nFft * (1.0 / sr));
  const fftfreqs = Array.from({ length: bins }, (_, k) => k * val);
  const [minMel, maxMel] = hzToMelArray([fmin, top], htk) as [number, number];
  const melF = melToHzArray(npLinspace(minMel, maxMel, nMels + 2), htk);
  const fdiff = melF.slice(1).map((v, i) => v - melF[i]!);
  const ramps = melF.map((m) => fftfreqs.map((f) => m - f));
  const weights: number[][] = [];
  for (let i = 0; i < nMels; i++) {
    const lower = ramps[i]!.map((r) => -r / fdiff[i]!);
    const upper = ramps[i + 2]!.map((r) => r / fdiff[i + 1]!);
    weights.push(lower.map((l, k) => Math.max(0, Math.min(l, upper[k]!))));
  }
  if (norm === 'slaney') {
    for (let i = 0; i < nMels; i++) {
      const enorm = 2.0 / (melF[i + 2]! - melF[i]!);
      weights[i] = weights[i]!.map((w) => w * enorm);
    }
  }
  return weights;
}

/** numpy.round (half to even). */
function npRound(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** numpy.remainder(a, b): a - floor(a / b) b, with the sign of b. */
function npRemainder(a: number, b: number): number {
  const m = a % b;
  return m !== 0 && m < 0 !== b < 0 ? m + b : m;
}

/**
 * librosa.filters.chroma(sr, n_fft, n_chroma, tuning, ctroct, octwidth, norm, base_c), in float64.
 * `norm` is a p > 0, Infinity or null.
 */
export function librosaChroma(
  sr: number,
  nFft: number,
  nChroma = 12,
  tuning = 0.0,
  ctroct = 5.0,
  octwidth: number | null = 2,
  norm: number | null = 2,
  baseC = true,
): number[][] {
  // frequencies = np.linspace(0, sr, n_fft, endpoint=False)[1:]
  const frequencies = npLinspace(0, sr, nFft, false).slice(1);
  // frqbins = n_chroma * hz_to_octs(frequencies, tuning=tuning, bins_per_octave=n_chroma)
  const a440 = 440.0 * 2.0 ** (tuning / nChroma);
  let frqbins = frequencies.map((f) => nChroma * Math.log2(f / (a440 / 16)));
  frqbins = [frqbins[0]! - 1.5 * nChroma, ...frqbins];
  const binwidthbins = [...frqbins.slice(1).map((v, i) => Math.max(v - frqbins[i]!, 1.0)), 1];
  // D = np.subtract.outer(frqbins, np.arange(0, n_chroma)).T
  const nChroma2 = npRound(nChroma / 2);
  let wts: number[][] = [];
  for (let c = 0; c < nChroma; c++) {
    wts.push(
      frqbins.map((fb, k) => {
        const d = npRemainder(fb - c + nChroma2 + 10 * nChroma, nChroma) - nChroma2;
        return Math.exp(-0.5 * ((2 * d) / binwidthbins[k]!) ** 2);
      }),
    );
  }
  // librosa.util.normalize(wts, norm=norm, axis=0), fill=None, threshold = tiny(float64)
  if (norm !== null) {
    const tiny = 2.2250738585072014e-308;
    for (let k = 0; k < nFft; k++) {
      let length: number;
      if (norm === Number.POSITIVE_INFINITY) {
        length = Math.max(...wts.map((row) => Math.abs(row[k]!)));
      } else {
        let s = 0;
        for (let c = 0; c < nChroma; c++) s += Math.abs(wts[c]![k]!) ** norm;
        length = s ** (1.0 / norm);
      }
      if (length < tiny) length = 1.0;
      for (let c = 0; c < nChroma; c++) wts[c]![k] = wts[c]![k]! / length;
    }
  }
  if (octwidth !== null) {
    const g = frqbins.map((fb) => Math.exp(-0.5 * ((fb / nChroma - ctroct) / octwidth) ** 2));
    wts = wts.map((row) => row.map((w, k) => w * g[k]!));
  }
  if (baseC) {
    // np.roll(wts, -3 * (n_chroma // 12), axis=0)
    const shift = 3 * Math.floor(nChroma / 12);
    wts = wts.map((_, c) => wts[(c + shift) % nChroma]!);
  }
  const keep = Math.trunc(1 + nFft / 2);
  return wts.map((row) => row.slice(0, keep));
}
