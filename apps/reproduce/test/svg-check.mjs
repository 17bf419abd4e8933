// Renders SVG plots in headless Chromium (Debian's /usr/bin/chromium through playwright-core) and
// reports what a reader would find cut off or misplaced:
// - a text whose box is not inside the viewBox (clipped at the picture's edge);
// - two texts that overlap (a legend over a tick label, two tick labels);
// - a mark (dot, line vertex, heatmap cell) outside its plot area (`[data-role="plot-area"]`);
// - a legend entry whose swatch does not draw its series' mark.
// Each picture is also written as a PNG, to look at.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Opens Chromium; `check(svg, name)` resolves to a list of problems (empty when the plot is clean). */
export async function openChecker(pngDir) {
  if (pngDir) mkdirSync(pngDir, { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const page = await browser.newPage({ viewport: { width: 1600, height: 1200 } });
  return {
    async check(svg, name) {
      await page.setContent(
        `<!doctype html><html><body style="margin:0;background:#fff">${svg}</body></html>`,
      );
      const problems = await page.evaluate(inspect);
      if (pngDir) {
        const file = join(pngDir, `${name.replace(/[^\w.-]+/g, '_')}.png`);
        await page.locator('svg').first().screenshot({ path: file });
      }
      return problems.map((p) => `${name}: ${p}`);
    },
    close: () => browser.close(),
  };
}

/** Runs in the page: the checks above, in the SVG's own coordinates. */
function inspect() {
  const problems = [];
  const svg = document.querySelector('svg');
  if (!svg) return ['no <svg> element'];
  const vb = svg.viewBox.baseVal;
  const r = svg.getBoundingClientRect();
  const sx = vb.width / r.width;
  const sy = vb.height / r.height;
  /** An element's box in viewBox coordinates (transforms included). */
  const box = (el) => {
    const b = el.getBoundingClientRect();
    return {
      x0: vb.x + (b.left - r.left) * sx,
      x1: vb.x + (b.right - r.left) * sx,
      y0: vb.y + (b.top - r.top) * sy,
      y1: vb.y + (b.bottom - r.top) * sy,
    };
  };
  const tol = 0.5;
  const inside = (b, a) =>
    b.x0 >= a.x0 - tol && b.x1 <= a.x1 + tol && b.y0 >= a.y0 - tol && b.y1 <= a.y1 + tol;
  const fmt = (b) =>
    `[${b.x0.toFixed(1)}, ${b.x1.toFixed(1)}] x [${b.y0.toFixed(1)}, ${b.y1.toFixed(1)}]`;
  const view = { x0: vb.x, x1: vb.x + vb.width, y0: vb.y, y1: vb.y + vb.height };

  const texts = [...svg.querySelectorAll('text')].filter((t) => t.textContent.trim() !== '');
  const boxes = texts.map(box);
  texts.forEach((t, i) => {
    if (!inside(boxes[i], view)) {
      problems.push(`text "${t.textContent}" at ${fmt(boxes[i])} leaves the viewBox ${fmt(view)}`);
    }
  });
  for (let i = 0; i < texts.length; i++) {
    for (let j = i + 1; j < texts.length; j++) {
      const a = boxes[i];
      const b = boxes[j];
      const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
      const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
      if (w > 1 && h > 1) {
        problems.push(`texts "${texts[i].textContent}" and "${texts[j].textContent}" overlap`);
      }
    }
  }

  const area = svg.querySelector('[data-role="plot-area"]');
  const marks = svg.querySelector('[data-role="marks"]');
  if (marks && !area) problems.push('marks but no [data-role="plot-area"]');
  if (area && marks) {
    const a = {
      x0: area.x.baseVal.value,
      x1: area.x.baseVal.value + area.width.baseVal.value,
      y0: area.y.baseVal.value,
      y1: area.y.baseVal.value + area.height.baseVal.value,
    };
    let outside = 0;
    let first = '';
    const note = (what, b) => {
      outside++;
      if (!first) first = `${what} at ${fmt(b)}`;
    };
    for (const c of marks.querySelectorAll('circle')) {
      const cx = c.cx.baseVal.value;
      const cy = c.cy.baseVal.value;
      const rad = c.r.baseVal.value;
      const b = { x0: cx - rad, x1: cx + rad, y0: cy - rad, y1: cy + rad };
      if (!inside(b, a)) note('dot', b);
    }
    for (const p of marks.querySelectorAll('polyline')) {
      for (const pt of p.points) {
        const b = { x0: pt.x, x1: pt.x, y0: pt.y, y1: pt.y };
        if (!inside(b, a)) note('line vertex', b);
      }
    }
    for (const c of marks.querySelectorAll('rect')) {
      const b = {
        x0: c.x.baseVal.value,
        x1: c.x.baseVal.value + c.width.baseVal.value,
        y0: c.y.baseVal.value,
        y1: c.y.baseVal.value + c.height.baseVal.value,
      };
      if (!inside(b, a)) note('cell', b);
    }
    if (outside > 0) {
      problems.push(`${outside} mark(s) outside the plot area ${fmt(a)}, first: ${first}`);
    }
  }

  for (const e of svg.querySelectorAll('[data-role="legend-entry"]')) {
    const kind = e.getAttribute('data-swatch');
    const label = e.querySelector('text')?.textContent ?? '?';
    const dot = e.querySelector('circle');
    const line = e.querySelector('line');
    const ok =
      kind === 'dot'
        ? dot !== null
        : kind === 'dashed'
          ? line?.hasAttribute('stroke-dasharray')
          : line !== null && !line.hasAttribute('stroke-dasharray');
    if (!ok) problems.push(`legend entry "${label}" does not draw a ${kind} swatch`);
    // The swatch draws what the series draws: dots for dots, a dashed line for a dashed line, in
    // the series' colour.
    const key = e.getAttribute('data-series');
    const mark =
      key === null ? null : svg.querySelector(`[data-role="marks"] [data-series="${key}"]`);
    if (key !== null && mark) {
      const markKind =
        mark.tagName === 'circle'
          ? 'dot'
          : mark.hasAttribute('stroke-dasharray')
            ? 'dashed'
            : 'line';
      const markColor = mark.getAttribute(mark.tagName === 'circle' ? 'fill' : 'stroke');
      const swatchColor = (dot ?? line)?.getAttribute(dot ? 'fill' : 'stroke');
      if (markKind !== kind)
        problems.push(`legend entry "${label}" shows a ${kind}, its series draws a ${markKind}`);
      if (markColor !== swatchColor)
        problems.push(`legend entry "${label}" is ${swatchColor}, its series ${markColor}`);
    }
  }
  // Legend entries of one plot are told apart: no two share both colour and swatch kind.
  const looks = [...svg.querySelectorAll('[data-role="legend-entry"]')].map((e) => {
    const sw = e.querySelector('circle, line');
    return `${e.getAttribute('data-swatch')} ${sw?.getAttribute(sw.tagName === 'circle' ? 'fill' : 'stroke')}`;
  });
  const dup = looks.find((l, i) => looks.indexOf(l) !== i);
  if (dup) problems.push(`two legend entries look the same (${dup})`);
  return problems;
}
