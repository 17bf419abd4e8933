// End-to-end test of the built docs site in headless Chromium (Debian's /usr/bin/chromium driven by
// playwright-core): every page loads without console errors or failed requests, every live figure
// renders, controls change the figures, the live frequency estimation converges. Screenshots of
// the guides go to apps/docs/test-results/. Run `pnpm --filter @losses/docs build` first.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';

const appRoot = fileURLToPath(new URL('..', import.meta.url));
const dist = join(appRoot, '.vitepress', 'dist');
const results = join(appRoot, 'test-results');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const started = Date.now();

if (!existsSync(join(dist, 'index.html'))) {
  console.error(`no built site in ${dist}: run \`pnpm --filter @losses/docs build\` first`);
  process.exit(1);
}
if (!existsSync(CHROMIUM)) {
  console.error(`no chromium at ${CHROMIUM}: apt-get install -y chromium`);
  process.exit(1);
}
mkdirSync(results, { recursive: true });

let passed = 0;
let failed = 0;
async function check(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    passed++;
    console.log(`  ok   ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failed++;
    console.log(
      `  FAIL ${name} (${Date.now() - t0} ms)\n       ${String(e?.message ?? e)
        .split('\n')
        .join('\n       ')}`,
    );
  }
}
function assert(cond, message) {
  if (!cond) throw new Error(message);
}

const htmlPages = (dir) =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === 'assets' ? [] : htmlPages(p);
    return f.endsWith('.html') && f !== '404.html' ? [`/${relative(dist, p)}`] : [];
  });

const server = await serve(dist);
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
context.setDefaultTimeout(15000);

/** Opens `path` and records console errors, page errors and failed or non-local requests. */
async function open(path) {
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) =>
    problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`),
  );
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  page.on('request', (r) => {
    if (!r.url().startsWith(server.url) && !r.url().startsWith('data:'))
      problems.push(`external request: ${r.url()}`);
  });
  await page.goto(server.url + path, { waitUntil: 'load' });
  return { page, problems };
}
function noProblems(problems) {
  assert(problems.length === 0, problems.join('\n'));
}
const figure = (page, name) => page.locator(`[data-figure="${name}"]`);
async function waitStatus(page, name, wanted, timeout = 30000) {
  const loc = figure(page, name);
  await loc.waitFor({ state: 'attached', timeout });
  await page.waitForFunction(
    ([n, w]) => {
      const s = document.querySelector(`[data-figure="${n}"]`)?.getAttribute('data-status');
      return s === w || s === 'missing' || s === 'error';
    },
    [name, wanted],
    { timeout, polling: 100 },
  );
  const status = await loc.getAttribute('data-status');
  if (status !== wanted) {
    const text = (await loc.textContent())
      .split('\n')
      .filter((l) => /not built|failed/.test(l))
      .join(' ');
    throw new Error(`figure ${name} is '${status}', not '${wanted}': ${text}`);
  }
  return loc;
}
async function attr(loc, name) {
  return loc.getAttribute(name);
}
/** Waits until the figure's `data-state` differs from `before` and its status is `ready`. */
async function waitChanged(page, name, before, timeout = 30000) {
  await page.waitForFunction(
    ([n, b]) => {
      const el = document.querySelector(`[data-figure="${n}"]`);
      return (
        el && el.getAttribute('data-status') === 'ready' && el.getAttribute('data-state') !== b
      );
    },
    [name, before],
    { timeout, polling: 100 },
  );
  return attr(figure(page, name), 'data-state');
}
async function svgMarks(loc, plot) {
  return loc.locator(`[data-plot="${plot}"] svg :is(path, rect, line, circle)`).count();
}
const cents = (f, f0) => 1200 * Math.log2(f / f0);
/**
 * Texts of the figure's SVGs that are cut off: not inside their own SVG's box (what overflows an SVG
 * is not drawn), or - for a tree node - not inside the node's box.
 */
async function clippedTexts(loc) {
  return loc.evaluate((root) => {
    const bad = [];
    const inside = (b, a) =>
      b.left >= a.left - 0.5 &&
      b.right <= a.right + 0.5 &&
      b.top >= a.top - 0.5 &&
      b.bottom <= a.bottom + 0.5;
    for (const svg of root.querySelectorAll('svg')) {
      const r = svg.getBoundingClientRect();
      if (r.width === 0) continue;
      for (const t of svg.querySelectorAll('text')) {
        if (t.textContent.trim() && !inside(t.getBoundingClientRect(), r)) {
          bad.push(`"${t.textContent.trim()}" leaves its SVG`);
        }
      }
      for (const node of svg.querySelectorAll('[data-node]')) {
        const box = node.querySelector('rect').getBoundingClientRect();
        for (const t of node.querySelectorAll('text')) {
          if (!inside(t.getBoundingClientRect(), box))
            bad.push(`"${t.textContent}" leaves its box`);
        }
      }
    }
    return bad;
  });
}
/** Rendered formulas on the page (MathJax SVG) and any `$$` left as text. */
async function mathOnPage(page) {
  return page.evaluate(() => ({
    blocks: document.querySelectorAll('.vp-doc mjx-container[display="true"] svg').length,
    inline: document.querySelectorAll('.vp-doc mjx-container:not([display="true"]) svg').length,
    errors: document.querySelectorAll('.vp-doc mjx-merror, .vp-doc [data-mjx-error]').length,
    raw: (document.querySelector('.vp-doc')?.textContent.match(/\$\$/g) ?? []).length,
    // display formulas wider than the text column (cut off on the right, or scrolled)
    wide: [...document.querySelectorAll('.vp-doc mjx-container[display="true"]')].filter(
      (c) =>
        c.querySelector('svg').getBoundingClientRect().width > c.getBoundingClientRect().width + 1,
    ).length,
  }));
}

console.log(`e2e: ${server.url} (${dist})`);

// 1. Every page loads cleanly. Guides, home, benchmarks and the API index pages are loaded from
// their own HTML (two tabs); every other API page is then visited by the site's client-side router
// in one tab (clicking a link to it: its page chunk loads and renders), which is much quicker.
const pages = htmlPages(dist).sort();
const isFullLoad = (p) =>
  !p.startsWith('/api/') || /^\/api\/(@losses\/[^/]+\/(tfjs\/)?)?index\.html$/.test(p);
function watch(page, where, problems) {
  let leaving = false; // requests the browser aborts because we navigate on are not failures
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`${where()}: console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`${where()}: page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    if (leaving && r.failure()?.errorText === 'net::ERR_ABORTED') return;
    problems.push(`${where()}: request failed: ${r.url()} (${r.failure()?.errorText})`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${where()}: HTTP ${r.status()}: ${r.url()}`);
  });
  page.on('request', (r) => {
    if (!r.url().startsWith(server.url) && !r.url().startsWith('data:'))
      problems.push(`${where()}: external request: ${r.url()}`);
  });
  return (v) => {
    leaving = v;
  };
}
await check(
  `all ${pages.filter(isFullLoad).length} guide, home and index pages load without console errors or failed requests`,
  async () => {
    const bad = [];
    const queue = pages.filter(isFullLoad);
    const worker = async () => {
      const page = await context.newPage();
      let current = '';
      const setLeaving = watch(page, () => current, bad);
      while (queue.length) {
        setLeaving(true);
        current = queue.shift();
        await page.goto(server.url + current, { waitUntil: 'load' });
        setLeaving(false);
        // guides start their figures after hydration: give them a moment to fail loudly
        if (current.includes('/guide/')) await page.waitForTimeout(1500);
        if (!(await page.title())) bad.push(`${current}: no title`);
      }
      await page.close();
    };
    await Promise.all([worker(), worker()]);
    assert(bad.length === 0, bad.join('\n'));
  },
);
await check(
  `all ${pages.filter((p) => !isFullLoad(p)).length} other API pages render through the client-side router`,
  async () => {
    const bad = [];
    const page = await context.newPage();
    let current = '/api/index.html';
    const setLeaving = watch(page, () => current, bad);
    await page.goto(server.url + current, { waitUntil: 'load' });
    for (const p of pages.filter((q) => !isFullLoad(q))) {
      current = p;
      await page.evaluate((href) => {
        const a = document.createElement('a');
        a.href = href;
        document.body.appendChild(a);
        a.click();
        a.remove();
      }, p);
      await page.waitForFunction((href) => location.pathname === href, p, { timeout: 10000 });
      // rendered: the page's own heading is in the document
      await page.waitForFunction(
        () => document.querySelector('.vp-doc h1')?.textContent?.length > 0,
        null,
        {
          timeout: 10000,
        },
      );
    }
    setLeaving(true);
    await page.close();
    assert(bad.length === 0, bad.join('\n'));
  },
);

// 1b. Offline: no page or stylesheet refers to another host for a script, style, font or image.
await check('the built site loads nothing from another host (no CDN)', async () => {
  const bad = [];
  const walk = (dir) =>
    readdirSync(dir).flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? walk(p) : [p];
    });
  for (const file of walk(dist)) {
    if (file.endsWith('.html')) {
      const html = readFileSync(file, 'utf8');
      for (const m of html.matchAll(/<(script|link|img|iframe|source)\b[^>]*>/g)) {
        const tag = m[0];
        if (
          /^<link/.test(tag) &&
          !/rel="(stylesheet|preload|modulepreload|icon|prefetch|preconnect|dns-prefetch)"/.test(
            tag,
          )
        )
          continue;
        if (/\b(src|href)="(https?:)?\/\//.test(tag)) bad.push(`${relative(dist, file)}: ${tag}`);
      }
    } else if (file.endsWith('.css')) {
      const css = readFileSync(file, 'utf8');
      for (const m of css.matchAll(
        /url\(\s*['"]?(https?:)?\/\/[^)]*\)|@import\s+['"]?(https?:)?\/\//g,
      )) {
        bad.push(`${relative(dist, file)}: ${m[0]}`);
      }
    }
  }
  assert(bad.length === 0, bad.slice(0, 20).join('\n'));
});

// 2. Multi-scale spectral loss guide.
{
  const { page, problems } = await open('/guide/mss.html');
  await check('mss: leakage figure renders spectra and distances', async () => {
    const fig = await waitStatus(page, 'leakage', 'ready');
    assert((await svgMarks(fig, 'spectra')) > 3, 'no spectra drawn');
    assert((await svgMarks(fig, 'distance')) > 3, 'no distance curve drawn');
    const state = JSON.parse(await attr(fig, 'data-state'));
    assert(
      state.distances.length === 3 && state.distances.every((d) => d > 0),
      `distances ${state.distances}`,
    );
  });
  await check('mss: moving the second frequency changes the leakage figure', async () => {
    const fig = figure(page, 'leakage');
    const before = await attr(fig, 'data-state');
    await fig.locator('[data-control="freq"]').fill('1000');
    const after = JSON.parse(await waitChanged(page, 'leakage', before));
    assert(after.freq === 1000, `freq ${after.freq}`);
    assert(
      after.distances.every((d) => d < 1e-6),
      `distance at equal frequencies ${after.distances}`,
    );
  });
  await check(
    'mss: loss landscape has its minimum at the 1000 Hz target (standard preset)',
    async () => {
      const fig = await waitStatus(page, 'landscape', 'ready', 60000);
      assert((await svgMarks(fig, 'landscape')) > 2, 'no landscape drawn');
      const s = JSON.parse(await attr(fig, 'data-state'));
      assert(Math.abs(cents(s.minHz, 1000)) < 1, `minimum at ${s.minHz} Hz`);
    },
  );
  await check(
    'mss: smooth preset and a 440 Hz target move the landscape, minimum at the target',
    async () => {
      const fig = figure(page, 'landscape');
      let before = await attr(fig, 'data-state');
      await fig.locator('[data-control="preset-smooth"]').click();
      let s = JSON.parse(await waitChanged(page, 'landscape', before, 60000));
      assert(
        s.window === 'flattop' && s.sizes === 'S5',
        `preset not applied: ${JSON.stringify(s)}`,
      );
      assert(Math.abs(cents(s.minHz, 1000)) < 1, `smooth minimum at ${s.minHz} Hz`);
      before = await attr(fig, 'data-state');
      await fig.locator('[data-control="target"]').selectOption('440');
      s = JSON.parse(await waitChanged(page, 'landscape', before, 60000));
      assert(Math.abs(cents(s.minHz, 440)) < 1, `minimum at ${s.minHz} Hz for a 440 Hz target`);
    },
  );
  await check(
    'mss: perceptual scales: the mel filterbank and the hifigan landscape are drawn, minimum at the target; dac follows',
    async () => {
      const fig = await waitStatus(page, 'mel', 'ready', 120000);
      assert((await svgMarks(fig, 'filterbank')) > 1, 'no filterbank drawn');
      assert((await svgMarks(fig, 'mel-landscape')) > 2, 'no mel landscape drawn');
      let s = JSON.parse(await attr(fig, 'data-state'));
      assert(s.preset === 'hifigan', `preset ${s.preset}`);
      assert(Math.abs(cents(s.minHz, 1000)) < 1, `hifigan minimum at ${s.minHz} Hz`);
      const before = await attr(fig, 'data-state');
      await fig.locator('[data-control="preset"]').selectOption('dac');
      s = JSON.parse(await waitChanged(page, 'mel', before, 120000));
      assert(s.preset === 'dac', `preset ${s.preset}`);
      assert(Math.abs(cents(s.minHz, 1000)) < 1, `dac minimum at ${s.minHz} Hz`);
    },
  );
  await check('mss: the formulas are typeset (MathJax SVG), none left as text', async () => {
    const m = await mathOnPage(page);
    assert(m.blocks >= 3 && m.inline >= 5, `formulas: ${JSON.stringify(m)}`);
    assert(m.errors === 0 && m.raw === 0 && m.wide === 0, `formulas: ${JSON.stringify(m)}`);
  });
  await check('mss: no text of the leakage, landscape and mel figures is cut off', async () => {
    const bad = [
      ...(await clippedTexts(figure(page, 'leakage'))),
      ...(await clippedTexts(figure(page, 'landscape'))),
      ...(await clippedTexts(figure(page, 'mel'))),
    ];
    assert(bad.length === 0, bad.join('\n'));
  });
  await check(
    'mss: before a run, the estimation figure shows the start and an axis to 0',
    async () => {
      const fig = await waitStatus(page, 'freq-estimation', 'idle');
      const ticks = await fig
        .locator('[data-plot="trace"] svg [aria-label="y-axis tick label"] text')
        .allTextContents();
      assert(ticks.length >= 3, `y ticks before a run: ${ticks.join(', ')}`);
      assert(!ticks.some((t) => /\.0{4,}/.test(t)), `y ticks before a run: ${ticks.join(', ')}`);
      assert((await clippedTexts(fig)).length === 0, (await clippedTexts(fig)).join('\n'));
    },
  );
  await check('mss: GRA table renders', async () => {
    const fig = figure(page, 'gra-table');
    assert((await fig.locator('tbody tr').count()) >= 3, 'GRA table has fewer than 3 rows');
  });
  await check(
    'mss: live frequency estimation (smooth, 2 semitones away) converges within 1 cent',
    async () => {
      const fig = await waitStatus(page, 'freq-estimation', 'idle');
      await fig.locator('[data-control="preset"]').selectOption('smooth');
      await fig.locator('[data-control="start"]').fill('2');
      await fig.locator('[data-control="run"]').click();
      await waitStatus(page, 'freq-estimation', 'done', 120000);
      assert((await svgMarks(fig, 'trace')) > 1, 'no trace drawn');
      const c = Number(await attr(fig, 'data-final-cents'));
      assert(Math.abs(c) < 1, `ended ${c} cents from the target`);
    },
  );
  await page.screenshot({ path: join(results, 'guide-mss.png'), fullPage: true });
  await check('mss: no console errors or failed requests while interacting', async () =>
    noProblems(problems),
  );
  await page.close();
}

// 3. Hierarchical classification guide.
{
  const { page, problems } = await open('/guide/hierarchy.html');
  await check('hierarchy: tree and losses render', async () => {
    const fig = await waitStatus(page, 'hierarchy', 'ready');
    assert((await fig.locator('[data-plot="tree"] line').count()) >= 8, 'tree has too few edges');
    assert((await fig.locator('[data-plot="tree"] rect').count()) >= 9, 'tree has too few nodes');
    assert(Number(await attr(fig, 'data-l-up')) > 0, 'the inconsistent example has L_up = 0');
  });
  await check(
    'hierarchy: a consistent frame gives L_up = L_down = 0 and no violations',
    async () => {
      const fig = figure(page, 'hierarchy');
      await fig.locator('[data-control="consistent"]').click();
      await page.waitForFunction(
        () =>
          document.querySelector('[data-figure="hierarchy"]')?.getAttribute('data-violations') ===
          '0',
      );
      assert(Number(await attr(fig, 'data-l-up')) === 0, 'L_up not 0');
      assert(Number(await attr(fig, 'data-l-down')) === 0, 'L_down not 0');
    },
  );
  await check(
    'hierarchy: raising a leaf above its parent makes L_up positive and marks the edge',
    async () => {
      const fig = figure(page, 'hierarchy');
      await fig.locator('[data-control="p-soprano"]').fill('1');
      await fig.locator('[data-control="p-female"]').fill('0.3');
      await page.waitForFunction(
        () =>
          Number(document.querySelector('[data-figure="hierarchy"]')?.getAttribute('data-l-up')) >
          0,
      );
      assert((await fig.locator('[data-violates="up"]').count()) >= 1, 'no violating edge marked');
    },
  );
  await check('hierarchy: every node label fits its box, on both hierarchies', async () => {
    const fig = figure(page, 'hierarchy');
    let bad = await clippedTexts(fig);
    await fig.locator('[data-control="hierarchy"]').selectOption('orchestra');
    await page.waitForFunction(
      () => document.querySelectorAll('[data-figure="hierarchy"] [data-node]').length > 12,
    );
    bad = [...bad, ...(await clippedTexts(fig))];
    await fig.locator('[data-control="hierarchy"]').selectOption('singing');
    assert(bad.length === 0, bad.join('\n'));
  });
  await check('hierarchy: the formulas are typeset', async () => {
    const m = await mathOnPage(page);
    assert(
      m.blocks >= 3 && m.errors === 0 && m.raw === 0 && m.wide === 0,
      `formulas: ${JSON.stringify(m)}`,
    );
  });
  await check('hierarchy: strategy table renders', async () => {
    const fig = figure(page, 'strategy-table');
    assert((await fig.textContent()).length > 50, 'empty strategy table');
  });
  await page.screenshot({ path: join(results, 'guide-hierarchy.png'), fullPage: true });
  await check('hierarchy: no console errors or failed requests while interacting', async () =>
    noProblems(problems),
  );
  await page.close();
}

// 4. Soft-DTW guide.
{
  const { page, problems } = await open('/guide/softdtw.html');
  await check('softdtw: alignment heatmap and DTW path render', async () => {
    const fig = await waitStatus(page, 'softdtw', 'ready');
    assert(
      (await fig.locator('[data-plot="alignment"] svg rect').count()) >= 20,
      'heatmap has too few cells',
    );
    assert((await fig.locator('[data-plot="alignment"] svg path').count()) >= 1, 'no path drawn');
  });
  await check('softdtw: the heatmap changes with gamma', async () => {
    const fig = figure(page, 'softdtw');
    const before = await attr(fig, 'data-state');
    await fig.locator('[data-control="gamma"]').fill('-1.5');
    const after = JSON.parse(await waitChanged(page, 'softdtw', before));
    const b = JSON.parse(before);
    assert(
      after.gamma < b.gamma && after.checksum !== b.checksum,
      `gamma ${b.gamma} -> ${after.gamma}`,
    );
  });
  await check('softdtw: editing a sequence and the step weights changes the heatmap', async () => {
    const fig = figure(page, 'softdtw');
    let before = await attr(fig, 'data-state');
    await fig.locator('[data-control="y"]').fill('0, 1, 4, 4, 3, 1, 0, 2');
    before = await waitChanged(page, 'softdtw', before);
    await fig.locator('[data-control="wd"]').fill('2');
    await waitChanged(page, 'softdtw', before);
  });
  await check('softdtw: the diagonal prior changes the heatmap', async () => {
    const fig = figure(page, 'softdtw');
    const before = await attr(fig, 'data-state');
    await fig.locator('[data-control="prior-weight"]').fill('5');
    const after = JSON.parse(await waitChanged(page, 'softdtw', before));
    assert(
      after.value > JSON.parse(before).value,
      `value did not grow with the prior: ${before} -> ${JSON.stringify(after)}`,
    );
    assert((await fig.locator('.losses-missing').count()) === 0, 'the figure shows an error');
  });
  await check('softdtw: no text of the figure is cut off (colour scale labels whole)', async () => {
    const fig = figure(page, 'softdtw');
    const bad = await clippedTexts(fig);
    assert(bad.length === 0, bad.join('\n'));
    const labels = await fig.locator('[data-plot="alignment"] svg text').allTextContents();
    assert(
      labels.some((t) => t.trim() === '0.0' || t.trim() === '0'),
      `ramp labels: ${labels.join(' | ')}`,
    );
  });
  await check(
    'softdtw: the step-set figure renders with FMP steps, and the step set and gamma change it',
    async () => {
      const fig = await waitStatus(page, 'softdtw-steps', 'ready');
      assert(
        (await fig.locator('[data-plot="steps"] svg rect').count()) >= 20,
        'heatmap has too few cells',
      );
      assert((await fig.locator('[data-plot="steps"] svg path').count()) >= 1, 'no path drawn');
      let before = await attr(fig, 'data-state');
      const s0 = JSON.parse(before);
      assert(s0.set === 'fmp' && Number.isFinite(s0.value), `state ${before}`);
      await fig.locator('[data-control="steps"]').selectOption('classic');
      before = await waitChanged(page, 'softdtw-steps', before);
      const s1 = JSON.parse(before);
      // (the step sets differ: FMP's jumps leave cells out, so either DTW cost may be the lower)
      assert(
        s1.set === 'classic' && s1.checksum !== s0.checksum && Number.isFinite(s1.dtw),
        `state ${JSON.stringify(s1)}`,
      );
      await fig.locator('[data-control="gamma"]').fill('0.5');
      await waitChanged(page, 'softdtw-steps', before);
    },
  );
  await check(
    'softdtw: FMP steps on sequences too different in length say that no path fits',
    async () => {
      const fig = figure(page, 'softdtw-steps');
      let before = await attr(fig, 'data-state');
      await fig.locator('[data-control="steps"]').selectOption('fmp');
      before = await waitChanged(page, 'softdtw-steps', before);
      await fig.locator('[data-control="x"]').fill('1, 2');
      const s = JSON.parse(await waitChanged(page, 'softdtw-steps', before));
      assert(s.value === 'Infinity', `value ${s.value}`);
      assert(
        (await fig.locator('.losses-missing').textContent()).includes('No path'),
        'no message',
      );
    },
  );
  await check(
    'softdtw: the subsequence figure finds the query at frames 6-11 of y; a skip penalty moves it',
    async () => {
      const fig = await waitStatus(page, 'softdtw-subsequence', 'ready');
      assert(
        (await fig.locator('[data-plot="subsequence"] svg rect').count()) >= 20,
        'too few cells',
      );
      const before = await attr(fig, 'data-state');
      const s0 = JSON.parse(before);
      assert(s0.start === 6 && s0.end === 11, `found ${s0.start}-${s0.end}`);
      await fig.locator('[data-control="penalty"]').fill('20');
      const s1 = JSON.parse(await waitChanged(page, 'softdtw-subsequence', before));
      assert(
        s1.start < s0.start || s1.end > s0.end,
        `penalty did not widen the match: ${JSON.stringify(s1)}`,
      );
    },
  );
  await check(
    'softdtw: the CTC figure gives a finite loss; confidence lowers it; too many labels make it infinite',
    async () => {
      const fig = await waitStatus(page, 'softdtw-ctc', 'ready');
      assert((await fig.locator('[data-plot="ctc"] svg rect').count()) >= 20, 'too few cells');
      let before = await attr(fig, 'data-state');
      const s0 = JSON.parse(before);
      assert(Number.isFinite(s0.loss) && s0.loss > 0, `loss ${s0.loss}`);
      await fig.locator('[data-control="confidence"]').fill('5');
      before = await waitChanged(page, 'softdtw-ctc', before);
      const s1 = JSON.parse(before);
      assert(s1.loss < s0.loss, `loss ${s0.loss} -> ${s1.loss} at higher confidence`);
      await fig.locator('[data-control="frames"]').fill('3');
      const s2 = JSON.parse(await waitChanged(page, 'softdtw-ctc', before));
      assert(s2.loss === 'Infinity', `loss ${s2.loss} with 4 labels on 3 frames`);
    },
  );
  await check(
    'softdtw: no text of the step-set, subsequence and CTC figures is cut off',
    async () => {
      for (const name of ['softdtw-steps', 'softdtw-subsequence', 'softdtw-ctc']) {
        const bad = await clippedTexts(figure(page, name));
        assert(bad.length === 0, `${name}: ${bad.join('\n')}`);
      }
    },
  );
  await check('softdtw: the formulas are typeset', async () => {
    const m = await mathOnPage(page);
    assert(
      m.blocks >= 4 && m.errors === 0 && m.raw === 0 && m.wide === 0,
      `formulas: ${JSON.stringify(m)}`,
    );
  });
  await page.screenshot({ path: join(results, 'guide-softdtw.png'), fullPage: true });
  await check('softdtw: no console errors or failed requests while interacting', async () =>
    noProblems(problems),
  );
  await page.close();
}

// 5. Home page screenshot and offline check of the built HTML.
{
  const { page } = await open('/');
  await page.screenshot({ path: join(results, 'home.png'), fullPage: true });
  await page.close();
}

await browser.close();
await server.close();
console.log(
  `e2e finished in ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${relative(process.cwd(), results) || '.'}`,
);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
