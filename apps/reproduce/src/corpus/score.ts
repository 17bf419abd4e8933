/**
 * Seeded score generator of the corpus: short pieces in common practice style with plausible
 * multi-voice harmony and rhythm. Each piece has a key, a tempo (with a final ritardando), a
 * meter, a chord progression drawn from a Markov chain over scale degrees (ending on a V - I
 * cadence), an ensemble of 1-4 families, and one voice per instrument: a melody (high
 * instruments: stepwise motion with chord tones on chord changes), inner voices and a bass (chord
 * tones led to the nearest pitch of the previous note), piano chords over a bass. Instruments
 * switch on and off in two-bar sections (a persistent Markov chain), so some are silent for long
 * stretches; notes within a voice never overlap. Every note keeps onset, offset, pitch, velocity
 * and instrument: the labels are exact.
 */
import { gaussian, mulberry32 } from '../lib/random.js';
import { type Family, INSTRUMENTS, type Instrument } from './instruments.js';

/** One note of a score. Times in seconds from the start of the piece, pitch as a MIDI number. */
export interface Note {
  onset: number;
  offset: number;
  pitch: number;
  /** MIDI velocity 1-127. */
  velocity: number;
  /** Instrument name (see {@link INSTRUMENTS}). */
  instrument: string;
}

/** A generated piece. */
export interface Score {
  /** `piece-<index>`. */
  id: string;
  /** Beats per minute before the final ritardando. */
  tempo: number;
  beatsPerBar: number;
  bars: number;
  /** Tonic pitch class (0 = C) and mode. */
  key: { tonic: number; mode: 'major' | 'minor' };
  /** Length of the rendered audio in seconds (the last bar plus a release tail). */
  duration: number;
  /** The instruments of the ensemble, in {@link INSTRUMENTS} order. */
  instruments: string[];
  families: Family[];
  /** Sorted by onset, then pitch. */
  notes: Note[];
}

/** Options of {@link generateScore}. */
export interface ScoreOptions {
  /** Target length in seconds (whole bars are written; the release tail is added). */
  duration: number;
  /** Standard deviation of a random timing deviation of every onset and offset, seconds. Default 0. */
  jitter?: number;
  /** Seconds of silence after the last note ends (release tail). Default 1. */
  tail?: number;
}

const MAJOR = [0, 2, 4, 5, 7, 9, 11];
const MINOR = [0, 2, 3, 5, 7, 8, 10];

/** Next scale degree given the current one (0 = I ... 6 = vii), with weights (common practice). */
const PROGRESSION: readonly (readonly [number, number][])[] = [
  [
    [3, 0.3],
    [4, 0.3],
    [5, 0.2],
    [1, 0.15],
    [2, 0.05],
  ],
  [
    [4, 0.7],
    [3, 0.2],
    [6, 0.1],
  ],
  [
    [5, 0.6],
    [3, 0.4],
  ],
  [
    [4, 0.45],
    [0, 0.3],
    [1, 0.25],
  ],
  [
    [0, 0.65],
    [5, 0.3],
    [3, 0.05],
  ],
  [
    [1, 0.4],
    [3, 0.4],
    [4, 0.2],
  ],
  [[0, 1]],
];

/** Rhythm patterns in beats, per role and meter. */
const RHYTHMS: Record<'high' | 'middle' | 'low', Record<3 | 4, number[][]>> = {
  high: {
    4: [
      [1, 1, 1, 1],
      [0.5, 0.5, 1, 1, 1],
      [1.5, 0.5, 1, 1],
      [2, 1, 1],
      [0.5, 0.5, 0.5, 0.5, 1, 1],
      [1, 0.5, 0.5, 2],
      [3, 1],
      [4],
    ],
    3: [[1, 1, 1], [2, 1], [0.5, 0.5, 1, 1], [3], [1.5, 0.5, 1]],
  },
  middle: {
    4: [[2, 2], [4], [1, 1, 2], [1, 1, 1, 1]],
    3: [[3], [2, 1], [1, 1, 1]],
  },
  low: {
    4: [[4], [2, 2], [1, 1, 1, 1], [2, 1, 1]],
    3: [[3], [2, 1], [1, 1, 1]],
  },
};

function pick<T>(r: () => number, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)]!;
}

function weighted(r: () => number, items: readonly (readonly [number, number])[]): number {
  let u = r() * items.reduce((s, [, w]) => s + w, 0);
  for (const [v, w] of items) {
    u -= w;
    if (u <= 0) return v;
  }
  return items[items.length - 1]![0];
}

/** The pitch in [lo, hi] with a pitch class in `pcs` nearest to `near` (ties: the lower). */
export function nearestPitch(pcs: readonly number[], near: number, lo: number, hi: number): number {
  let best = -1;
  for (let p = lo; p <= hi; p++) {
    if (!pcs.includes(((p % 12) + 12) % 12)) continue;
    if (best < 0 || Math.abs(p - near) < Math.abs(best - near)) best = p;
  }
  return best < 0 ? Math.round((lo + hi) / 2) : best;
}

/** A seed for piece `index` of a corpus seeded with `seed`. */
export function pieceSeed(seed: number, index: number): number {
  return (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0;
}

/** Chooses the ensemble: 1-4 families (weights 0.25, 0.35, 0.25, 0.15), 1-4 instruments each. */
function ensemble(r: () => number): Instrument[] {
  const nf = weighted(r, [
    [1, 0.25],
    [2, 0.35],
    [3, 0.25],
    [4, 0.15],
  ]);
  const fams: Family[] = ['strings', 'woodwinds', 'brass', 'keyboard'];
  for (let i = fams.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [fams[i], fams[j]] = [fams[j]!, fams[i]!];
  }
  const chosen = new Set<string>();
  for (const fam of fams.slice(0, nf)) {
    const members = INSTRUMENTS.filter((i) => i.family === fam);
    const k = members.length === 1 ? 1 : 1 + Math.floor(r() * members.length);
    const order = members.map((m) => m.name);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const name of order.slice(0, k)) chosen.add(name);
  }
  return INSTRUMENTS.filter((i) => chosen.has(i.name));
}

/**
 * Generates piece `index` of a corpus seeded with `seed` (deterministic for the pair).
 */
export function generateScore(seed: number, index: number, options: ScoreOptions): Score {
  const r = mulberry32(pieceSeed(seed, index));
  const jitter = options.jitter ?? 0;
  const tail = options.tail ?? 1;
  const tempo = Math.round(60 + r() * 80);
  const beatsPerBar: 3 | 4 = r() < 0.25 ? 3 : 4;
  const beat = 60 / tempo;
  const bars = Math.max(2, Math.round(options.duration / (beatsPerBar * beat)));
  const totalBeats = bars * beatsPerBar;
  // Final ritardando: the last bar at 85 % of the tempo.
  const ritStart = (bars - 1) * beatsPerBar;
  const time = (b: number) =>
    b <= ritStart ? b * beat : ritStart * beat + ((b - ritStart) * beat) / 0.85;
  const key = { tonic: Math.floor(r() * 12), mode: r() < 0.6 ? 'major' : 'minor' } as const;
  const scale = (key.mode === 'major' ? MAJOR : MINOR).map((s) => (s + key.tonic) % 12);

  // Harmony: one chord per bar, sometimes two; the last two chords are V - I.
  const chords: { start: number; pcs: number[] }[] = [];
  let degree = 0;
  for (let bar = 0; bar < bars; bar++) {
    const split = bar < bars - 2 && r() < 0.3 ? 2 : 1;
    for (let h = 0; h < split; h++) {
      if (bar === bars - 2 && h === split - 1) degree = 4;
      else if (bar === bars - 1) degree = 0;
      else if (bar > 0 || h > 0) degree = weighted(r, PROGRESSION[degree]!);
      const pcs = [0, 2, 4].map((k) => scale[(degree + k) % 7]!);
      // Minor keys: a major dominant (raised leading tone).
      if (key.mode === 'minor' && degree === 4) pcs[1] = (key.tonic + 11) % 12;
      if ((degree === 4 || degree === 1) && r() < 0.25) pcs.push(scale[(degree + 6) % 7]!);
      chords.push({ start: bar * beatsPerBar + (h * beatsPerBar) / split, pcs });
    }
  }
  const chordAt = (b: number) => {
    let c = chords[0]!;
    for (const x of chords) if (x.start <= b + 1e-9) c = x;
    return c;
  };

  const players = ensemble(r);
  // Activity in two-bar sections: a persistent on/off chain per instrument, at least one on.
  const sections = Math.ceil(bars / 2);
  const active = players.map(() => new Array<boolean>(sections).fill(false));
  players.forEach((_, k) => {
    let on = r() < 0.75;
    for (let s = 0; s < sections; s++) {
      if (s > 0) on = on ? r() > 0.2 : r() < 0.35;
      active[k]![s] = on;
    }
  });
  for (let s = 0; s < sections; s++) {
    if (!players.some((_, k) => active[k]![s])) active[Math.floor(r() * players.length)]![s] = true;
  }

  const base = 55 + r() * 45;
  const dynamics = Array.from({ length: sections }, () => base + 12 * gaussian(r));
  const notes: Note[] = [];
  const push = (
    inst: Instrument,
    b0: number,
    beats: number,
    pitch: number,
    vel: number,
    legato: number,
  ) => {
    let onset = time(b0);
    let offset = onset + (time(b0 + beats) - onset) * legato;
    if (jitter > 0) {
      onset = Math.max(0, onset + jitter * gaussian(r));
      offset = Math.max(onset + 0.05, offset + jitter * gaussian(r));
    }
    notes.push({
      onset,
      offset,
      pitch,
      velocity: Math.max(20, Math.min(120, Math.round(vel + 4 * gaussian(r)))),
      instrument: inst.name,
    });
  };

  players.forEach((inst, k) => {
    const legato = 0.75 + r() * 0.23;
    const lo = inst.low;
    const hi = inst.high;
    let prev = Math.round(lo + (hi - lo) * (inst.role === 'high' ? 0.55 : 0.45));
    let direction = r() < 0.5 ? 1 : -1;
    let prevBass = nearestPitch([key.tonic], 38, 28, 50);
    for (let bar = 0; bar < bars; bar++) {
      const s = Math.floor(bar / 2);
      if (!active[k]![s]) continue;
      const vel = dynamics[s]! + (inst.role === 'high' ? 8 : inst.role === 'low' ? -4 : 0);
      const b0 = bar * beatsPerBar;
      if (inst.role === 'keys') {
        // Piano: block chords on each beat or half bar over a bass note per chord.
        const step = r() < 0.5 ? 1 : beatsPerBar === 4 ? 2 : 3;
        for (let b = b0; b < b0 + beatsPerBar; b += step) {
          const c = chordAt(b);
          let p = nearestPitch(c.pcs, prev, 55, 72);
          const chord = [p];
          for (let j = 1; j < 3; j++) {
            p = nearestPitch(c.pcs, p + 3, p + 1, 79);
            chord.push(p);
          }
          prev = chord[0]!;
          for (const q of chord) push(inst, b, step, q, vel - 6, legato);
          if (b === b0 || c.start === b) {
            prevBass = nearestPitch([c.pcs[0]!], prevBass, 28, 50);
            push(inst, b, Math.min(2, b0 + beatsPerBar - b), prevBass, vel, legato);
          }
        }
        continue;
      }
      const pattern = pick(r, RHYTHMS[inst.role][beatsPerBar]);
      let b = b0;
      pattern.forEach((dur, n) => {
        const c = chordAt(b);
        const last = n === pattern.length - 1;
        const rest = r() < (last && bar % 2 === 1 ? 0.4 : 0.08);
        let pitch: number;
        if (inst.role === 'low') {
          const root = r() < 0.75 || n === 0 ? c.pcs[0]! : c.pcs[2]!;
          pitch = nearestPitch([root], prev, lo, Math.min(hi, lo + 24));
        } else if (inst.role === 'middle') {
          pitch = nearestPitch(c.pcs.slice(1), prev, lo + 3, hi - 8);
        } else if (c.start === b || n === 0) {
          pitch = nearestPitch(c.pcs, prev + 2 * direction, lo + 3, hi - 5);
        } else {
          // A scale step (sometimes a third) in the current direction, turning at the edges.
          if (r() < 0.3) direction = -direction;
          const pos = scale.indexOf(((prev % 12) + 12) % 12);
          const steps = r() < 0.8 ? 1 : 2;
          if (pos < 0) pitch = nearestPitch(scale, prev + direction, lo + 3, hi - 5);
          else {
            let q = prev;
            for (let j = 0; j < steps; j++) {
              do q += direction;
              while (!scale.includes(((q % 12) + 12) % 12));
            }
            pitch = q;
          }
          if (pitch < lo + 3 || pitch > hi - 5) {
            direction = -direction;
            pitch = nearestPitch(scale, prev + direction, lo + 3, hi - 5);
          }
        }
        if (!rest) push(inst, b, dur, pitch, vel, legato);
        prev = pitch;
        b += dur;
      });
    }
  });
  notes.sort(
    (a, b) => a.onset - b.onset || a.pitch - b.pitch || a.instrument.localeCompare(b.instrument),
  );
  // A synthesizer has one key per pitch and channel: a note that would still sound when the same
  // instrument strikes the same pitch again ends 10 ms before (only jitter can cause this).
  const lastOf = new Map<string, Note>();
  for (const n of notes) {
    const key = `${n.instrument}/${n.pitch}`;
    const before = lastOf.get(key);
    if (before && before.offset > n.onset - 0.01)
      before.offset = Math.max(before.onset + 0.02, n.onset - 0.01);
    lastOf.set(key, n);
  }
  const end = Math.max(time(totalBeats), ...notes.map((n) => n.offset));
  return {
    id: `piece-${String(index).padStart(3, '0')}`,
    tempo,
    beatsPerBar,
    bars,
    key,
    duration: Math.ceil((end + tail) * 100) / 100,
    instruments: players.map((p) => p.name),
    families: [...new Set(players.map((p) => p.family))],
    notes,
  };
}
