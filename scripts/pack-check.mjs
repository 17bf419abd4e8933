#!/usr/bin/env node
// Proves that the packages install as the README says, for a user outside the repository:
// 1. release settings: every public package publishes publicly with provenance from this
//    repository (publishConfig, repository), the private apps refuse to be packed, and the dormant
//    release workflow publishes with changesets;
// 2. every package installs on its own: packs it with `pnpm pack`, checks the tarball with publint
//    and @arethetypeswrong/cli, installs it with npm into an empty project together with only the
//    @losses packages it depends on (as tarballs), and runs its smoke script
//    (scripts/pack-smoke/<name>.mjs) there, first without and then with TensorFlow.js installed;
// 3. the README's install route: `pnpm pack:all` (scripts/pack-all.mjs), then the exact
//    `npm install <dir>/*.tgz` line it prints, in an empty project outside the repository, where
//    every README example marked runnable then runs.
// Usage: node scripts/pack-check.mjs [name ...]   (packages must be built; names limit step 2)
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
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closure, packInto, privateApps, publicPackages, root } from './pack-lib.mjs';
import { extractSnippets } from './snippets-lib.mjs';

const only = process.argv.slice(2);
const packages = publicPackages();
const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'losses-pack-'));
const run = (cmd, args, cwd, quiet = true) =>
  execFileSync(cmd, args, { cwd, stdio: quiet ? 'pipe' : 'inherit', encoding: 'utf8' });
const emptyProject = (name) => {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
  return dir;
};

let passed = 0;
let failed = 0;
function check(label, fn) {
  try {
    const note = fn();
    console.log(`ok   ${label}${note ? `  (${note})` : ''}`);
    passed++;
  } catch (e) {
    console.log(`FAIL ${label}\n${e.stdout ?? ''}${e.stderr ?? ''}${e.message}`);
    failed++;
  }
}

// 1. Release settings.
check(
  'release settings: public packages publish publicly, with provenance, from this repository',
  () => {
    const repo = rootManifest.repository?.url;
    if (!repo) throw new Error('the root package.json has no repository.url');
    const bad = [];
    for (const p of packages) {
      const m = p.manifest;
      if (m.publishConfig?.access !== 'public')
        bad.push(`${p.name}: publishConfig.access is not 'public'`);
      if (m.publishConfig?.provenance !== true)
        bad.push(`${p.name}: publishConfig.provenance is not true`);
      if (m.repository?.url !== repo) bad.push(`${p.name}: repository.url is not ${repo}`);
      if (m.repository?.directory !== `packages/${p.short}`) {
        bad.push(`${p.name}: repository.directory is not packages/${p.short}`);
      }
      if (m.license !== 'MIT') bad.push(`${p.name}: license is not MIT`);
    }
    for (const a of privateApps()) {
      if (a.manifest.private !== true) bad.push(`${a.name}: an app must be private`);
      if (!/private-app\.mjs/.test(a.manifest.scripts?.prepack ?? '')) {
        bad.push(`${a.name}: no prepack refusing \`pnpm -r pack\` (scripts/private-app.mjs)`);
      }
    }
    const workflow = join(root, '.github', 'workflows', 'release.yml');
    if (!existsSync(workflow)) bad.push('no .github/workflows/release.yml');
    else {
      const text = readFileSync(workflow, 'utf8');
      for (const need of ['workflow_dispatch', 'id-token: write', 'changeset', 'NPM_TOKEN']) {
        if (!text.includes(need)) bad.push(`release.yml does not mention ${need}`);
      }
      if (/^\s*(push|pull_request|schedule)\s*:/m.test(text)) {
        bad.push(
          'release.yml runs on its own (push/pull_request/schedule): it must be dispatched by hand',
        );
      }
    }
    const cs = JSON.parse(readFileSync(join(root, '.changeset', 'config.json'), 'utf8'));
    if (cs.access !== 'public') bad.push('.changeset/config.json: access is not public');
    for (const a of privateApps()) {
      if (!cs.ignore?.includes(a.name))
        bad.push(`.changeset/config.json does not ignore ${a.name}`);
    }
    if (bad.length > 0) throw new Error(bad.join('\n'));
    return `${packages.length} packages, ${privateApps().length} private apps`;
  },
);

// 2. Every package alone.
const tarballs = packInto(join(work, 'tarballs'), packages);
for (const p of packages) {
  if (only.length > 0 && !only.includes(p.short)) continue;
  check(`@losses/${p.short}`, () => {
    const files = run('tar', ['-tzf', tarballs[p.short]], root).split('\n').filter(Boolean);
    const bad = files.filter((f) => /\/(test|bench|src)\/|\.tsbuildinfo$/.test(f));
    if (bad.length > 0) throw new Error(`tarball ships files it should not: ${bad.join(', ')}`);
    run('pnpm', ['exec', 'publint', 'run', tarballs[p.short], '--strict'], root);
    run(
      'pnpm',
      ['exec', 'attw', tarballs[p.short], '--profile', 'esm-only', '--format', 'table-flipped'],
      root,
    );

    const project = emptyProject(`project-${p.short}`);
    const needed = closure(p.short, packages);
    run('npm', ['install', '--no-audit', '--no-fund', ...needed.map((d) => tarballs[d])], project);
    const installed = readdirSync(join(project, 'node_modules', '@losses')).sort();
    if (installed.join() !== [...needed].sort().join()) {
      throw new Error(
        `installed @losses packages ${installed.join(', ')}, expected ${needed.join(', ')}`,
      );
    }
    const smoke = join(root, 'scripts', 'pack-smoke', `${p.short}.mjs`);
    if (!existsSync(smoke)) throw new Error(`no smoke script scripts/pack-smoke/${p.short}.mjs`);
    writeFileSync(join(project, 'smoke.mjs'), readFileSync(smoke));
    run('node', ['smoke.mjs'], project);
    if (p.manifest.exports['./tfjs']) {
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
    return `${files.length} files, installs with ${needed.map((d) => `@losses/${d}`).join(', ')}`;
  });
}

// 3. The README's route: pack:all, the npm line it prints, the README examples.
if (only.length === 0) {
  check("the README's install route: pack:all, its npm line, the README examples run", () => {
    const dest = join(work, 'packed');
    const printed = run('node', [join(root, 'scripts', 'pack-all.mjs'), '--out', dest], root);
    const line = printed
      .split('\n')
      .find((l) => l.trim().startsWith('npm install ') && l.includes('.tgz'));
    if (!line) throw new Error(`pack:all printed no npm install line:\n${printed}`);
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    if (!readme.includes('pack:all') || !/npm install \S*packed\/\*\.tgz/.test(readme)) {
      throw new Error(
        'the README does not show `pnpm pack:all` and `npm install <repo>/packed/*.tgz`',
      );
    }
    const project = emptyProject('readme-route');
    run('sh', ['-c', `${line.trim()} --no-audit --no-fund`], project);
    const installed = readdirSync(join(project, 'node_modules', '@losses')).sort();
    if (
      installed.join() !==
      packages
        .map((p) => p.short)
        .sort()
        .join()
    ) {
      throw new Error(`installed ${installed.join(', ')}`);
    }
    const ts = createRequire(join(root, 'package.json'))('typescript');
    const sources = ['README.md', ...packages.map((p) => `packages/${p.short}/README.md`)];
    let ran = 0;
    for (const rel of sources) {
      for (const s of extractSnippets(readFileSync(join(root, rel), 'utf8'))) {
        if (!s.runnable) continue;
        const js = ts.transpileModule(s.code, {
          compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
        }).outputText;
        const file = join(project, `example-${ran}.mjs`);
        writeFileSync(file, js);
        try {
          run('node', [file], project);
        } catch (e) {
          throw new Error(
            `${rel}:${s.line} fails outside the repository:\n${e.stderr ?? e.message}`,
          );
        }
        ran++;
      }
    }
    if (ran < 2) throw new Error(`only ${ran} runnable README examples found`);
    return `${installed.length} packages from one npm line, ${ran} README examples run`;
  });
}

rmSync(work, { recursive: true, force: true });
console.log(`pack-check: ${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
