/**
 * The package's sources at another git revision (default `main`), for before/after rows measured in
 * the same run: `git archive` of packages/softdtw into a temporary folder whose node_modules is
 * this package's (so `@losses/tensor` is the workspace's), imported through tsx like this build's
 * sources. Null, with the reason, where git or the revision is missing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = join(here, '..');

/** The revision's `src/index.ts` as a module, or the reason it is unavailable. */
export async function importRevision<T>(
  ref: string,
): Promise<{ module: T; commit: string } | { reason: string }> {
  try {
    const root = execFileSync('git', ['rev-parse', '--show-toplevel'], {
      cwd: pkg,
      encoding: 'utf8',
    }).trim();
    const commit = execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], {
      cwd: root,
      encoding: 'utf8',
    }).trim();
    const dir = mkdtempSync(join(tmpdir(), 'losses-softdtw-base-'));
    const tar = execFileSync(
      'git',
      ['archive', commit, 'packages/softdtw/src', 'packages/softdtw/package.json'],
      {
        cwd: root,
        maxBuffer: 1 << 28,
      },
    );
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
    const base = join(dir, 'packages', 'softdtw');
    symlinkSync(join(pkg, 'node_modules'), join(base, 'node_modules'), 'dir');
    const module = (await import(join(base, 'src', 'index.ts'))) as T;
    return { module, commit: commit.slice(0, 10) };
  } catch (e) {
    return { reason: (e as Error).message.split('\n')[0]! };
  }
}
