// What packing the workspace means, shared by `pnpm pack:all` (scripts/pack-all.mjs) and the
// install check (scripts/pack-check.mjs): the public packages are packages/*, each packed with
// `pnpm pack` (workspace:^ ranges become the packages' versions); the private apps are never packed.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '..');

/** The publishable packages: `{ short, name, version, dir, manifest }` for each packages/<short>. */
export function publicPackages() {
  return readdirSync(join(root, 'packages'))
    .filter((n) => existsSync(join(root, 'packages', n, 'package.json')))
    .sort()
    .map((short) => {
      const dir = join(root, 'packages', short);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      return { short, name: manifest.name, version: manifest.version, dir, manifest };
    })
    .filter((p) => p.manifest.private !== true);
}

/** The private apps (apps/*): `{ short, name, dir, manifest }`. */
export function privateApps() {
  return readdirSync(join(root, 'apps'))
    .filter((n) => existsSync(join(root, 'apps', n, 'package.json')))
    .sort()
    .map((short) => {
      const dir = join(root, 'apps', short);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      return { short, name: manifest.name, dir, manifest };
    });
}

/** The file name `pnpm pack` gives a package's tarball. */
export const tarballName = (p) => `${p.name.replace('@', '').replace('/', '-')}-${p.version}.tgz`;

/**
 * Packs `packages` (default: every public package; they must be built) into `dest`, replacing
 * older tarballs of the same packages there. Returns `{ [short]: path }`.
 */
export function packInto(dest, packages = publicPackages()) {
  mkdirSync(dest, { recursive: true });
  const prefixes = packages.map((p) => `${p.name.replace('@', '').replace('/', '-')}-`);
  for (const f of readdirSync(dest)) {
    if (f.endsWith('.tgz') && prefixes.some((x) => f.startsWith(x))) rmSync(join(dest, f));
  }
  const out = {};
  for (const p of packages) {
    if (!existsSync(join(p.dir, 'dist'))) {
      throw new Error(`${p.name} is not built (no dist/): run \`pnpm build\` first`);
    }
    const log = execFileSync('pnpm', ['pack', '--pack-destination', dest], {
      cwd: p.dir,
      encoding: 'utf8',
      stdio: 'pipe',
    });
    const file = join(dest, tarballName(p));
    if (!existsSync(file)) throw new Error(`pnpm pack of ${p.name} made no ${file}:\n${log}`);
    out[p.short] = file;
  }
  return out;
}

/** The public packages `short` needs (its @losses dependencies, recursively), itself last. */
export function closure(short, packages = publicPackages(), seen = new Set()) {
  if (seen.has(short)) return [];
  seen.add(short);
  const p = packages.find((q) => q.short === short);
  if (!p) throw new Error(`no package ${short}`);
  const deps = Object.keys(p.manifest.dependencies ?? {})
    .filter((d) => d.startsWith('@losses/'))
    .map((d) => packages.find((q) => q.name === d)?.short)
    .filter(Boolean);
  return [...deps.flatMap((d) => closure(d, packages, seen)), short];
}
