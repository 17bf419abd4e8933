#!/usr/bin/env node
// Proves that every package installs on its own: packs each one with `pnpm pack`, checks the
// tarball with publint and @arethetypeswrong/cli, installs it with npm into an empty project
// together with only the @losses packages it depends on (as tarballs), and runs its smoke script
// (scripts/pack-smoke/<name>.mjs) there, first without and then with TensorFlow.js installed.
// Usage: node scripts/pack-check.mjs [name ...]   (packages must be built first)
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const only = process.argv.slice(2);
const names = readdirSync(join(root, 'packages')).filter((n) =>
  existsSync(join(root, 'packages', n, 'package.json')),
);
const manifests = Object.fromEntries(
  names.map((n) => [
    n,
    JSON.parse(readFileSync(join(root, 'packages', n, 'package.json'), 'utf8')),
  ]),
);
const work = mkdtempSync(join(tmpdir(), 'losses-pack-'));
const tarDir = join(work, 'tarballs');
mkdirSync(tarDir);

const run = (cmd, args, cwd, quiet = true) =>
  execFileSync(cmd, args, { cwd, stdio: quiet ? 'pipe' : 'inherit', encoding: 'utf8' });

const tarballs = {};
for (const n of names) {
  const out = run('pnpm', ['pack', '--pack-destination', tarDir], join(root, 'packages', n));
  const file = readdirSync(tarDir).find((f) => f.startsWith(`losses-${n}-`) && f.endsWith('.tgz'));
  if (!file) throw new Error(`pnpm pack of ${n} made no tarball:\n${out}`);
  tarballs[n] = join(tarDir, file);
}

/** The @losses packages `n` needs, itself included, in dependency order. */
function closure(n, seen = new Set()) {
  if (seen.has(n)) return [];
  seen.add(n);
  const deps = Object.keys(manifests[n].dependencies ?? {})
    .filter((d) => d.startsWith('@losses/'))
    .map((d) => d.slice('@losses/'.length));
  return [...deps.flatMap((d) => closure(d, seen)), n];
}

let passed = 0;
let failed = 0;
for (const n of only.length > 0 ? only : names) {
  const label = `@losses/${n}`;
  try {
    const files = run('tar', ['-tzf', tarballs[n]], root).split('\n').filter(Boolean);
    const bad = files.filter((f) => /\/(test|bench|src)\/|\.tsbuildinfo$/.test(f));
    if (bad.length > 0) throw new Error(`tarball ships files it should not: ${bad.join(', ')}`);
    run('pnpm', ['exec', 'publint', 'run', tarballs[n], '--strict'], root);
    run(
      'pnpm',
      ['exec', 'attw', tarballs[n], '--profile', 'esm-only', '--format', 'table-flipped'],
      root,
    );

    const project = join(work, `project-${n}`);
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: `try-${n}`, private: true, type: 'module' }),
    );
    const needed = closure(n);
    run('npm', ['install', '--no-audit', '--no-fund', ...needed.map((d) => tarballs[d])], project);
    const installed = readdirSync(join(project, 'node_modules', '@losses')).sort();
    if (installed.join() !== [...needed].sort().join()) {
      throw new Error(
        `installed @losses packages ${installed.join(', ')}, expected ${needed.join(', ')}`,
      );
    }
    const smoke = join(root, 'scripts', 'pack-smoke', `${n}.mjs`);
    if (!existsSync(smoke)) throw new Error(`no smoke script scripts/pack-smoke/${n}.mjs`);
    writeFileSync(join(project, 'smoke.mjs'), readFileSync(smoke));
    run('node', ['smoke.mjs'], project);
    if (manifests[n].exports['./tfjs']) {
      run(
        'npm',
        [
          'install',
          '--no-audit',
          '--no-fund',
          '@tensorflow/tfjs-core@4.22.0',
          '@tensorflow/tfjs-backend-cpu@4.22.0',
        ],
        project,
      );
      run('node', ['smoke.mjs', '--tfjs'], project);
    }
    console.log(
      `ok   ${label}  (${files.length} files, installs with ${needed.map((d) => `@losses/${d}`).join(', ')})`,
    );
    passed++;
  } catch (e) {
    console.log(`FAIL ${label}\n${e.stdout ?? ''}${e.stderr ?? ''}${e.message}`);
    failed++;
  }
}
rmSync(work, { recursive: true, force: true });
console.log(`pack-check: ${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
