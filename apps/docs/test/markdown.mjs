// The Markdown of the READMEs and the docs pages, checked before anyone reads it:
// - every formula ($...$, $$...$$) typesets without a MathJax error, through the site's own
//   renderer (VitePress with `math: true`; GitHub renders the READMEs' formulas with MathJax too);
// - no formula is left as a code block (a ```text block holding a formula);
// - every table has the same number of cells in each row (a `|` inside a cell, e.g. the norm
//   ‖Y - Ŷ‖ written with bars, splits the row).
// Usage: node test/markdown.mjs
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMarkdownRenderer } from 'vitepress';

const appRoot = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = join(appRoot, '..', '..');

function sources() {
  const files = [join(repoRoot, 'README.md'), join(repoRoot, 'CONTRIBUTING.md')];
  for (const dir of ['packages', 'apps']) {
    for (const name of readdirSync(join(repoRoot, dir))) {
      const readme = join(repoRoot, dir, name, 'README.md');
      if (existsSync(readme)) files.push(readme);
    }
  }
  const walk = (d) =>
    readdirSync(d).flatMap((f) => {
      const p = join(d, f);
      if (statSync(p).isDirectory()) return f === 'api' || f === 'public' ? [] : walk(p);
      return f.endsWith('.md') ? [p] : [];
    });
  return [...files, ...walk(join(repoRoot, 'docs'))];
}

/** Cells of a table row: `|` outside code spans, formulas and escapes separate them. */
function cells(line) {
  let n = 0;
  let code = false;
  let math = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\') i++;
    else if (c === '`' && !math) code = !code;
    else if (c === '$' && !code) math = !math;
    else if (c === '|' && !code && !math) n++;
  }
  return n;
}

const md = await createMarkdownRenderer(repoRoot, { math: true }, '/');
let passed = 0;
let failed = 0;
for (const file of sources()) {
  const rel = relative(repoRoot, file);
  const text = readFileSync(file, 'utf8');
  const problems = [];
  const html = md.render(text, { path: file, relativePath: rel, cleanUrls: false });
  const formulas = (html.match(/<mjx-container/g) ?? []).length;
  for (const m of html.matchAll(/<mjx-merror[^>]*data-mjx-error="([^"]*)"/g)) {
    problems.push(`formula does not typeset: ${m[1]}`);
  }
  if (/data-mjx-error|<merror/.test(html) && problems.length === 0)
    problems.push('a formula does not typeset');
  const lines = text.split('\n');
  let fence = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^\s*```/.test(line)) {
      if (
        !fence &&
        /^\s*```text\s*$/.test(line) &&
        /[Σ∑∫^_]\{|\bmin\^|\\frac/.test(lines[i + 1] ?? '')
      ) {
        problems.push(`line ${i + 1}: a formula in a code block (write it as $$ math)`);
      }
      fence = !fence;
      continue;
    }
    if (fence || !line.startsWith('|')) continue;
    if (i > 0 && lines[i - 1].startsWith('|')) continue;
    // A table starts here: every row has the header's number of cells.
    const want = cells(line);
    for (let k = i + 1; k < lines.length && lines[k].startsWith('|'); k++) {
      if (cells(lines[k]) !== want) {
        problems.push(`line ${k + 1}: ${cells(lines[k]) - 1} cells, the table has ${want - 1}`);
      }
    }
  }
  if (problems.length > 0) {
    failed++;
    console.log(`  FAIL ${rel}\n       ${problems.join('\n       ')}`);
  } else {
    passed++;
    console.log(`  ok   ${rel}${formulas ? ` (${formulas} formulas)` : ''}`);
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
