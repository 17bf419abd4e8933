/**
 * A figure of one corpus piece: its log-semitone spectrogram (as an embedded grey-scale PNG, so the
 * SVG stays small) above its label rows - one row per instrument and family, a bar wherever the
 * score says it plays.
 */
import { deflateSync } from 'node:zlib';
import { corpusHierarchy, FAMILIES, INSTRUMENTS } from './instruments.js';
import type { PieceLabels } from './labels.js';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** An 8-bit grey-scale PNG of `pixels` (row-major, `height` rows of `width`, values 0..255). */
export function greyPng(pixels: Uint8Array, width: number, height: number): Buffer {
  const raw = Buffer.alloc(height * (width + 1));
  for (let y = 0; y < height; y++) {
    raw[y * (width + 1)] = 0; // filter: none
    raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grey
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Options of {@link pieceFigure}. */
export interface PieceFigureOptions {
  title: string;
  /** Frames per second of the features and labels. */
  frameRate: number;
  /** MIDI pitch of the first band (for the axis). */
  lowPitch: number;
}

/**
 * The SVG figure of a piece: `features` (`[frames, bands]`, log-compressed, >= 0; darker = more
 * energy, low pitches at the bottom) and the instrument and family rows of `labels`.
 */
export function pieceFigure(
  features: Float32Array,
  frames: number,
  bands: number,
  labels: PieceLabels,
  options: PieceFigureOptions,
): string {
  const sx = 2; // pixels per frame
  const sy = 2; // pixels per band
  const left = 90;
  const top = 34;
  const W = frames * sx;
  const H = bands * sy;
  let max = 0;
  for (const v of features) max = Math.max(max, v);
  const px = new Uint8Array(frames * bands);
  for (let b = 0; b < bands; b++) {
    for (let t = 0; t < frames; t++) {
      const v = max > 0 ? features[t * bands + b]! / max : 0;
      px[(bands - 1 - b) * frames + t] = Math.round(255 * (1 - Math.min(1, v)));
    }
  }
  const png = greyPng(px, frames, bands).toString('base64');
  const rows = [...FAMILIES, ...INSTRUMENTS.map((i) => i.name)];
  const rowH = 11;
  const labelTop = top + H + 12;
  const totalH = labelTop + rows.length * rowH + 40;
  const C = corpusHierarchy.classes.length;
  const title = options.title.replaceAll('&', '&amp;').replaceAll('<', '&lt;');
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${left + W + 20}" height="${totalH}" viewBox="0 0 ${left + W + 20} ${totalH}" font-family="sans-serif" font-size="10">`,
    `<title>${title}</title>`,
    `<rect width="${left + W + 20}" height="${totalH}" fill="white"/>`,
    `<text x="${left}" y="20" font-size="13">${title}</text>`,
    `<image x="${left}" y="${top}" width="${W}" height="${H}" preserveAspectRatio="none" style="image-rendering:pixelated" href="data:image/png;base64,${png}"/>`,
    `<rect x="${left}" y="${top}" width="${W}" height="${H}" fill="none" stroke="#333"/>`,
  ];
  // Pitch axis: every C.
  for (let p = options.lowPitch; p < options.lowPitch + bands; p++) {
    if (p % 12 !== 0) continue;
    const y = top + H - (p - options.lowPitch + 0.5) * sy;
    out.push(`<text x="${left - 4}" y="${y + 3}" text-anchor="end">C${p / 12 - 1}</text>`);
  }
  rows.forEach((name, k) => {
    const c = corpusHierarchy.indexOf(name);
    const y = labelTop + k * rowH;
    const family = FAMILIES.includes(name as never);
    out.push(
      `<text x="${left - 4}" y="${y + 8}" text-anchor="end"${family ? ' font-weight="bold"' : ''}>${name}</text>`,
    );
    let start = -1;
    for (let t = 0; t <= frames; t++) {
      const on = t < frames && labels.classes[t * C + c] === 1;
      if (on && start < 0) start = t;
      if (!on && start >= 0) {
        out.push(
          `<rect x="${left + start * sx}" y="${y + 1}" width="${(t - start) * sx}" height="${rowH - 2}" fill="${family ? '#d62728' : '#1f77b4'}"/>`,
        );
        start = -1;
      }
    }
  });
  const axisY = labelTop + rows.length * rowH + 14;
  for (let s = 0; s * options.frameRate <= frames; s += 5) {
    const x = left + s * options.frameRate * sx;
    out.push(
      `<line x1="${x}" x2="${x}" y1="${top + H}" y2="${axisY - 10}" stroke="#bbb" stroke-dasharray="2 3"/>`,
      `<text x="${x}" y="${axisY}" text-anchor="middle">${s} s</text>`,
    );
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
