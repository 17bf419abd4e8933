/**
 * Text metrics for the SVG plots: a conservative width estimate of a label, so that margins and
 * legends can be sized before anything is drawn. The advance widths (per 1000 px of font size) are
 * the larger of DejaVu Sans and Liberation Sans (Arial's metrics), measured in Chromium; the plots
 * name these fonts first, so a label is never wider than estimated in either.
 */

/** The font stack every plot uses. */
export const FONT_FAMILY = "'DejaVu Sans', 'Liberation Sans', Arial, Helvetica, sans-serif";

const ASCII_FIRST = 32;
// Advance widths of the characters 32 (space) ... 126 (~), per 1000 px.
const ASCII = [
  318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636,
  636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 556, 1015, 684, 686, 722, 770, 667,
  611, 778, 752, 295, 500, 667, 557, 863, 748, 787, 667, 787, 722, 667, 611, 732, 684, 989, 685,
  667, 685, 390, 337, 390, 838, 556, 500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579,
  278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
];
const OTHER: Readonly<Record<string, number>> = {
  '−': 838,
  '–': 556,
  '—': 1000,
  '·': 318,
  '…': 1000,
  γ: 592,
  α: 659,
  β: 638,
  '²': 401,
  '³': 401,
  '‖': 500,
  '√': 637,
  Σ: 632,
  π: 690,
  Δ: 684,
  '×': 838,
  '≤': 838,
  '≥': 838,
  '°': 500,
  '≈': 838,
  '±': 838,
};
/** Combining marks (e.g. the hat of x̂) take no width. */
const COMBINING = /[\u0300-\u036f]/;

/** Estimated width in px of `s` at `fontSize` px (never less than Chromium draws it). */
export function textWidth(s: string, fontSize: number): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c >= ASCII_FIRST && c < ASCII_FIRST + ASCII.length) w += ASCII[c - ASCII_FIRST]!;
    else if (COMBINING.test(ch)) continue;
    else w += OTHER[ch] ?? 1000;
  }
  return (w / 1000) * fontSize;
}

/** Splits `s` at spaces into lines no wider than `maxWidth` px (a single long word stays whole). */
export function wrapText(s: string, maxWidth: number, fontSize: number): string[] {
  const words = s.split(/\s+/).filter((w) => w.length > 0);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const next = line ? `${line} ${word}` : word;
    if (line && textWidth(next, fontSize) > maxWidth + 1e-6) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

/** Escapes text for SVG content and attribute values. */
export function esc(s: string): string {
  return s
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/** A number for an SVG attribute: at most 2 decimals, no trailing zeros. */
export function num(v: number): string {
  return String(Math.round(v * 100) / 100);
}
