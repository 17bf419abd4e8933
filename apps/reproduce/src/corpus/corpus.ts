/**
 * The rendered corpus: seeded scores rendered once through the General MIDI soundfont and cached
 * under `out/corpus/` (16-bit WAV and the score of every piece, plus `manifest.json` with the
 * pieces, durations, instruments, soundfont and synthesizer with their versions, the seed and a
 * content hash). A later run with the same configuration, soundfont and synthesizer reads the
 * cache after checking every file's hash; any difference renders again.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { outDir } from '../lib/output.js';
import { Progress } from '../lib/progress.js';
import { mulberry32 } from '../lib/random.js';
import { type Family, INSTRUMENTS } from './instruments.js';
import { generateScore, type Score } from './score.js';
import { loadSoundfont, renderNotes, type SynthInfo } from './synth.js';
import { decodeWav, encodeWav, quantise16 } from './wav.js';

/** Bumped whenever the score generator or the renderer changes what they produce. */
export const CORPUS_FORMAT = 1;

/** What determines a corpus. */
export interface CorpusConfig {
  /** Seed of the scores and of the split. */
  seed: number;
  /** Number of pieces. */
  pieces: number;
  /** Target length of a piece in seconds (whole bars plus a release tail). */
  duration: number;
  /** Audio sample rate in Hz. */
  sampleRate: number;
  /** Shares of the pieces held out for validation and test (at least one piece each). */
  validation: number;
  test: number;
  /** Room reverb send 0..1 (0: dry). */
  reverb: number;
  /** Timing jitter of onsets and offsets, standard deviation in seconds (0: none). */
  jitter: number;
}

/** The corpus of `pnpm reproduce` (about 27 minutes of audio, 13 MB of WAV per 5 minutes). */
export const corpusDefaults: CorpusConfig = Object.freeze({
  seed: 1,
  pieces: 64,
  duration: 25,
  sampleRate: 22050,
  validation: 0.125,
  test: 0.125,
  reverb: 0,
  jitter: 0,
});

/** A small corpus for `--quick`. */
export const corpusQuick: CorpusConfig = Object.freeze({
  ...corpusDefaults,
  pieces: 16,
  duration: 15,
});

/** Which part of the experiment a piece belongs to. */
export type Split = 'train' | 'validation' | 'test';

/** One piece in the manifest. */
export interface ManifestPiece {
  id: string;
  split: Split;
  /** Seconds of audio. */
  duration: number;
  tempo: number;
  beatsPerBar: number;
  key: Score['key'];
  instruments: string[];
  families: Family[];
  notes: number;
  /** Paths relative to the corpus directory. */
  audio: string;
  score: string;
  /** sha256 of the WAV file and of the score file. */
  audioSha256: string;
  scoreSha256: string;
}

/** `out/corpus/manifest.json`. */
export interface CorpusManifest extends SynthInfo {
  format: number;
  config: CorpusConfig;
  instruments: { name: string; family: Family; program: number }[];
  pieces: ManifestPiece[];
  /** Total seconds of audio. */
  seconds: number;
  /** sha256 over every piece's id and file hashes, in order. */
  contentHash: string;
  /** Wall time of the rendering run that made it, seconds. */
  renderSeconds: number;
}

/** A loaded piece. */
export interface CorpusPiece {
  meta: ManifestPiece;
  score: Score;
  /** Mono audio at `config.sampleRate`, exactly the WAV's values. */
  audio: Float32Array;
}

/** A loaded corpus. */
export interface Corpus {
  dir: string;
  manifest: CorpusManifest;
  pieces: CorpusPiece[];
  /** True when this call rendered it, false when it came from the cache. */
  rendered: boolean;
  /** Wall time of this call (render or load), seconds. */
  seconds: number;
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** The split of each piece: a seeded shuffle, then test, validation, the rest train. */
export function splits(config: CorpusConfig): Split[] {
  const n = config.pieces;
  const nTest = n >= 3 ? Math.max(1, Math.round(n * config.test)) : 0;
  const nVal = n >= 3 ? Math.max(1, Math.round(n * config.validation)) : 0;
  const order = Array.from({ length: n }, (_, i) => i);
  const r = mulberry32(config.seed ^ 0x5f3759df);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const out = new Array<Split>(n).fill('train');
  order.forEach((piece, k) => {
    if (k < nTest) out[piece] = 'test';
    else if (k < nTest + nVal) out[piece] = 'validation';
  });
  return out;
}

function contentHash(pieces: readonly ManifestPiece[]): string {
  return sha256(pieces.map((p) => `${p.id}:${p.audioSha256}:${p.scoreSha256}`).join('\n'));
}

function sameConfig(a: CorpusConfig, b: CorpusConfig): boolean {
  const keys = Object.keys(corpusDefaults) as (keyof CorpusConfig)[];
  return keys.every((k) => a[k] === b[k]) && Object.keys(a).length === keys.length;
}

/** Reads the cached corpus in `dir` when it matches; null when it does not (or is damaged). */
function readCache(dir: string, config: CorpusConfig, info: SynthInfo): CorpusPiece[] | null {
  const path = join(dir, 'manifest.json');
  if (!existsSync(path)) return null;
  let m: CorpusManifest;
  try {
    m = JSON.parse(readFileSync(path, 'utf8')) as CorpusManifest;
  } catch {
    return null;
  }
  if (
    m.format !== CORPUS_FORMAT ||
    !sameConfig(m.config, config) ||
    m.soundfont?.sha256 !== info.soundfont.sha256 ||
    m.synthesizer?.version !== info.synthesizer.version ||
    m.pieces?.length !== config.pieces ||
    m.contentHash !== contentHash(m.pieces)
  ) {
    return null;
  }
  const out: CorpusPiece[] = [];
  for (const meta of m.pieces) {
    const a = join(dir, meta.audio);
    const s = join(dir, meta.score);
    if (!existsSync(a) || !existsSync(s)) return null;
    const wav = readFileSync(a);
    const json = readFileSync(s, 'utf8');
    if (sha256(wav) !== meta.audioSha256 || sha256(json) !== meta.scoreSha256) return null;
    const { samples, sampleRate } = decodeWav(wav);
    if (sampleRate !== config.sampleRate) return null;
    out.push({ meta, score: JSON.parse(json) as Score, audio: samples });
  }
  return out;
}

/** Options of {@link loadCorpus}. */
export interface LoadCorpusOptions {
  /** Where the corpus lives. Default `out/corpus` (`LOSSES_OUT` moves `out/`). */
  dir?: string;
  /** Print a progress line while rendering. Default true. */
  progress?: boolean;
}

/**
 * The corpus of `config`: read from the cache when it matches, else rendered (and cached).
 * Peak-normalises every piece to 0.9 before it is quantised to 16 bits.
 */
export async function loadCorpus(
  config: CorpusConfig,
  options: LoadCorpusOptions = {},
): Promise<Corpus> {
  const t0 = Date.now();
  const dir = options.dir ?? join(outDir(), 'corpus');
  const { info } = await loadSoundfont();
  const cached = readCache(dir, config, info);
  if (cached) {
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as CorpusManifest;
    return { dir, manifest, pieces: cached, rendered: false, seconds: (Date.now() - t0) / 1000 };
  }
  rmSync(join(dir, 'pieces'), { recursive: true, force: true });
  mkdirSync(join(dir, 'pieces'), { recursive: true });
  const split = splits(config);
  const progress = options.progress === false ? null : new Progress('corpus', config.pieces);
  const pieces: CorpusPiece[] = [];
  for (let i = 0; i < config.pieces; i++) {
    const score = generateScore(config.seed, i, {
      duration: config.duration,
      jitter: config.jitter,
    });
    const raw = renderNotes(score.notes, {
      sampleRate: config.sampleRate,
      duration: score.duration,
      reverb: config.reverb,
    });
    let peak = 0;
    for (let k = 0; k < raw.length; k++) peak = Math.max(peak, Math.abs(raw[k]!));
    const gain = peak > 0 ? 0.9 / peak : 1;
    for (let k = 0; k < raw.length; k++) raw[k] = raw[k]! * gain;
    const wav = encodeWav(raw, config.sampleRate);
    const json = `${JSON.stringify(score)}\n`;
    const meta: ManifestPiece = {
      id: score.id,
      split: split[i]!,
      duration: score.duration,
      tempo: score.tempo,
      beatsPerBar: score.beatsPerBar,
      key: score.key,
      instruments: score.instruments,
      families: score.families,
      notes: score.notes.length,
      audio: `pieces/${score.id}.wav`,
      score: `pieces/${score.id}.json`,
      audioSha256: sha256(wav),
      scoreSha256: sha256(json),
    };
    writeFileSync(join(dir, meta.audio), wav);
    writeFileSync(join(dir, meta.score), json);
    pieces.push({ meta, score, audio: quantise16(raw) });
    progress?.tick();
  }
  const metas = pieces.map((p) => p.meta);
  const manifest: CorpusManifest = {
    format: CORPUS_FORMAT,
    config: { ...config },
    ...info,
    instruments: INSTRUMENTS.map((i) => ({ name: i.name, family: i.family, program: i.program })),
    pieces: metas,
    seconds: Math.round(metas.reduce((s, p) => s + p.duration, 0) * 100) / 100,
    contentHash: contentHash(metas),
    renderSeconds: (Date.now() - t0) / 1000,
  };
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return { dir, manifest, pieces, rendered: true, seconds: (Date.now() - t0) / 1000 };
}

/** {@link loadCorpus}, then one line on the console saying what was loaded and from where. */
export async function loadCorpusAnnounced(config: CorpusConfig): Promise<Corpus> {
  const corpus = await loadCorpus(config);
  console.log(
    `corpus: ${corpus.pieces.length} pieces, ${corpus.manifest.seconds} s of audio, ${corpus.rendered ? `rendered in ${corpus.seconds.toFixed(1)} s` : 'from the cache'} (${corpus.dir})`,
  );
  return corpus;
}
