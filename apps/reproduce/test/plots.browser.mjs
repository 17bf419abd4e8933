// The clipping test of every plot the main job draws: runs `reproduce --quick` into a temporary
// directory (or takes the SVGs of a directory given as argument), adds the plotting layer's edge
// cases (test/plot-samples.mjs), renders each SVG in Debian's Chromium and fails when a text leaves
// the picture, two texts overlap, a mark leaves its plot area or a legend swatch does not draw its
// series' mark (test/svg-check.mjs). The PNGs go to test-results/plots/, to look at.
// Usage: node test/plots.browser.mjs [dir]   (run `pnpm build` first)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { samples } from './plot-samples.mjs';
import { openChecker } from './svg-check.mjs';

const appRoot = fileURLToPath(new URL('..', import.meta.url));
const started = Date.now();
const given = process.argv[2];
const dir = given ?? mkdtempSync(join(tmpdir(), 'losses-quick-'));
let stderr = '';
if (!given) {
  console.log(`reproduce --quick --out ${dir}`);
  const r = spawnSync(
    process.execPath,
    [join(appRoot, 'dist', 'cli.js'), '--quick', '--out', dir],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
    },
  );
  stderr = r.stderr;
  if (r.status !== 0) {
    console.log(`  FAIL reproduce --quick exited with ${r.status}\n${stderr}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}
const walk = (d) =>
  readdirSync(d).flatMap((f) => {
    const p = join(d, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
const files = walk(dir)
  .filter((f) => f.endsWith('.svg'))
  .sort();
const plots = [
  ...files.map((f) => [relative(dir, f).replace(/\.svg$/, ''), readFileSync(f, 'utf8')]),
  ...samples(),
];

let passed = 0;
let failed = 0;
const checker = await openChecker(join(appRoot, 'test-results', 'plots'));
try {
  // tfjs's Node.js banner ("Hi, looks like you are running TensorFlow.js in Node.js") is kept out
  // of the progress lines on stderr.
  if (!given) {
    if (/looks like you are running TensorFlow\.js/.test(stderr)) {
      failed++;
      console.log(
        "  FAIL reproduce --quick printed tfjs's Node.js banner among its progress lines",
      );
    } else {
      passed++;
      console.log('  ok   reproduce --quick prints no tfjs banner among its progress lines');
    }
  }
  if (files.length < 10) {
    failed++;
    console.log(`  FAIL reproduce --quick wrote ${files.length} SVG files, expected at least 10`);
  }
  for (const [name, svg] of plots) {
    const problems = await checker.check(svg, name);
    if (problems.length === 0) {
      passed++;
      console.log(`  ok   ${name}`);
    } else {
      failed++;
      console.log(`  FAIL ${name}\n       ${problems.slice(0, 12).join('\n       ')}`);
    }
  }
} finally {
  await checker.close();
  if (!given) rmSync(dir, { recursive: true, force: true });
}
console.log(
  `plots: ${files.length} from ${given ?? 'reproduce --quick'}, ${plots.length - files.length} edge cases, ${((Date.now() - started) / 1000).toFixed(1)} s; PNGs in test-results/plots/`,
);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
