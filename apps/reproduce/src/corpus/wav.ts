/** 16-bit PCM mono WAV files: how the corpus stores its audio. */

/**
 * Quantises samples in [-1, 1] to 16-bit PCM (round to nearest, clipped) and returns the values
 * the file will hold, as floats (k / 32768), so audio used fresh and audio read back are equal.
 */
export function quantise16(x: Float32Array): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const k = Math.max(-32768, Math.min(32767, Math.round(x[i]! * 32768)));
    out[i] = k / 32768 + 0; // + 0 turns -0 into 0, as the file stores it
  }
  return out;
}

/** A 16-bit PCM mono WAV file of `x` (values in [-1, 1], quantised as {@link quantise16}). */
export function encodeWav(x: Float32Array, sampleRate: number): Buffer {
  const data = x.length * 2;
  const buf = Buffer.alloc(44 + data);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + data, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20); // PCM
  buf.writeUInt16LE(1, 22); // mono
  buf.writeUInt32LE(sampleRate, 24);
  buf.writeUInt32LE(sampleRate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(data, 40);
  for (let i = 0; i < x.length; i++) {
    buf.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(x[i]! * 32768))), 44 + 2 * i);
  }
  return buf;
}

/** Reads a file written by {@link encodeWav}: samples as k / 32768 and the sample rate. */
export function decodeWav(buf: Buffer): { samples: Float32Array; sampleRate: number } {
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('not a WAV file');
  }
  if (buf.readUInt16LE(20) !== 1 || buf.readUInt16LE(22) !== 1 || buf.readUInt16LE(34) !== 16) {
    throw new Error('expected 16-bit PCM mono');
  }
  const sampleRate = buf.readUInt32LE(24);
  const bytes = buf.readUInt32LE(40);
  const samples = new Float32Array(bytes / 2);
  for (let i = 0; i < samples.length; i++) samples[i] = buf.readInt16LE(44 + 2 * i) / 32768;
  return { samples, sampleRate };
}
