import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DefaultTheme, defineConfig } from 'vitepress';

const here = dirname(fileURLToPath(import.meta.url));
const appRoot = resolve(here, '..');
const repoRoot = resolve(appRoot, '..', '..');
const srcDir = resolve(repoRoot, 'docs');

/** The workspace packages the live figures import, and whether each one's `dist/` is built. */
const PACKAGES = ['tensor', 'stft', 'mss', 'softdtw', 'hierarchy', 'metrics'] as const;
function built(pkg: string, entry = 'index.js'): boolean {
  return existsSync(join(repoRoot, 'packages', pkg, 'dist', entry));
}
const available: Record<string, boolean> = {};
for (const p of PACKAGES) {
  available[p] = built(p);
  available[`${p}/tfjs`] = built(p, 'tfjs/index.js');
}

/** A reproduce output (`out/<name>`) read at build time, or null when it has not been run. */
function readOut(name: string): unknown {
  // the reproduce app writes to out/ at the repository root, or to $LOSSES_OUT
  const path = join(
    process.env.LOSSES_OUT ? resolve(process.env.LOSSES_OUT) : join(repoRoot, 'out'),
    name,
  );
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

/** Module ids the theme imports: which packages exist, and the reproduce outputs. */
function lossesData() {
  const ids = { data: 'virtual:losses-data' };
  return {
    name: 'losses-data',
    resolveId(id: string) {
      if (id === ids.data) return `\0${id}`;
      return null;
    },
    load(id: string) {
      if (id !== `\0${ids.data}`) return null;
      const data = {
        available,
        gra: readOut('gra.json'),
        hierarchy: readOut('hierarchy/results.json') ?? readOut('hierarchy.json'),
      };
      return `export default ${JSON.stringify(data)};`;
    },
  };
}

/**
 * Pages live outside this package (docs/), where pnpm's strict node_modules holds no `vue`: bare
 * imports from pages resolve as if they came from apps/docs.
 */
function resolveFromApp() {
  const anchor = join(appRoot, '.vitepress', 'config.ts');
  return {
    name: 'losses-resolve-from-app',
    enforce: 'pre' as const,
    async resolveId(
      this: { resolve: (id: string, importer?: string, o?: object) => Promise<unknown> },
      id: string,
      importer: string | undefined,
      opts: object,
    ) {
      if (!importer?.startsWith(srcDir) || !/^[a-z@]/i.test(id) || id.startsWith('@theme')) {
        return null;
      }
      return this.resolve(id, anchor, { ...opts, skipSelf: true });
    },
  };
}

/**
 * The figures run in the browser only: in the server (SSR) build the packages, TensorFlow.js and
 * Plot resolve to an empty stub, so they are neither loaded nor parsed twice.
 */
function clientOnlyModules() {
  const stub = '\0losses-ssr-stub';
  return {
    name: 'losses-client-only',
    enforce: 'pre' as const,
    resolveId(id: string, _importer: string | undefined, opts: { ssr?: boolean } = {}) {
      if (opts.ssr && /^(@losses\/|@tensorflow\/|@observablehq\/plot)/.test(id)) return stub;
      return null;
    },
    load(id: string) {
      return id === stub ? 'export const __missing = true;' : null;
    },
  };
}

/** Packages not built yet resolve to a stub, so the site builds at every stage of the project. */
const missingStub = resolve(here, 'theme', 'lib', 'missing-package.ts');
const alias: { find: string | RegExp; replacement: string }[] = [];
for (const p of PACKAGES) {
  if (!available[`${p}/tfjs`])
    alias.push({ find: new RegExp(`^@losses/${p}/tfjs$`), replacement: missingStub });
  if (!available[p]) alias.push({ find: new RegExp(`^@losses/${p}$`), replacement: missingStub });
}

// One copy of TensorFlow.js for the figures and every @losses/*/tfjs entry (kernels and gradients
// register on that copy's global engine): `@tensorflow/tfjs-core` is the prebundled single-file
// build of @tensorflow/tfjs (core + every gradient + the cpu backend). The production build ships
// it as is, as an asset (vendor/), instead of re-bundling its 1 MB: an external import.
const requireHere = createRequire(join(appRoot, 'package.json'));
const tfjsPackage = dirname(requireHere.resolve('@tensorflow/tfjs/package.json'));
const tfjsBundle = join(tfjsPackage, 'dist', 'tf.fesm.min.js');
const tfjsVersion = JSON.parse(readFileSync(join(tfjsPackage, 'package.json'), 'utf8')).version;
const tfjsAsset = `vendor/tfjs-${tfjsVersion}.min.js`;
function tfjsAsExternalAsset() {
  let ssr = false;
  return {
    name: 'losses-tfjs-asset',
    apply: 'build' as const,
    enforce: 'pre' as const,
    configResolved(config: { build: { ssr: unknown } }) {
      ssr = Boolean(config.build.ssr);
    },
    resolveId(id: string) {
      return (id === '@tensorflow/tfjs-core' || id === tfjsBundle) && !ssr
        ? { id: `/${tfjsAsset}`, external: true }
        : null;
    },
    generateBundle(this: { emitFile: (f: object) => void }) {
      if (ssr) return;
      const source = readFileSync(tfjsBundle, 'utf8').replace(/\/\/# sourceMappingURL=.*$/m, '');
      this.emitFile({ type: 'asset', fileName: tfjsAsset, source });
    },
  };
}
alias.push({ find: /^@tensorflow\/tfjs-core$/, replacement: tfjsBundle });

/** Sidebar entries for the generated API reference (docs/api/@losses/<pkg>[/tfjs], by typedoc). */
function apiSidebar(): DefaultTheme.SidebarItem[] {
  const dir = join(srcDir, 'api', '@losses');
  if (!existsSync(dir)) return [];
  const items: DefaultTheme.SidebarItem[] = [];
  for (const pkg of readdirSync(dir).sort()) {
    if (!existsSync(join(dir, pkg, 'index.md'))) continue;
    items.push({ text: `@losses/${pkg}`, link: `/api/@losses/${pkg}/` });
    if (existsSync(join(dir, pkg, 'tfjs', 'index.md'))) {
      items.push({ text: `@losses/${pkg}/tfjs`, link: `/api/@losses/${pkg}/tfjs/` });
    }
  }
  return items;
}

const hasApi = existsSync(join(srcDir, 'api', 'index.md'));

export default defineConfig({
  title: '@losses',
  description:
    'Informed loss functions for audio and music in TypeScript: multi-scale spectral loss, hierarchical classification, soft-DTW.',
  srcDir,
  outDir: resolve(appRoot, '.vitepress', 'dist'),
  cacheDir: resolve(appRoot, '.vitepress', 'cache'),
  cleanUrls: false,
  lastUpdated: false,
  // Formulas ($...$, $$...$$) are typeset to SVG by MathJax (markdown-it-mathjax3) at build time:
  // no script and no font are loaded from anywhere.
  markdown: { math: true },
  head: [
    ['meta', { name: 'color-scheme', content: 'light dark' }],
    ['link', { rel: 'icon', type: 'image/svg+xml', href: '/favicon.svg' }],
  ],
  themeConfig: {
    nav: [
      { text: 'Guides', link: '/guide/mss' },
      ...(hasApi ? [{ text: 'API', link: '/api/' }] : []),
      { text: 'Benchmarks', link: '/benchmarks' },
    ],
    sidebar: [
      {
        text: 'Introduction',
        items: [{ text: 'What is @losses', link: '/' }],
      },
      {
        text: 'Case studies',
        items: [
          { text: '1. Multi-scale spectral loss', link: '/guide/mss' },
          { text: 'Choosing a spectral loss', link: '/guide/choosing-a-spectral-loss' },
          { text: '2. Hierarchical classification', link: '/guide/hierarchy' },
          { text: '3. Soft-DTW alignment', link: '/guide/softdtw' },
          { text: 'The rendered corpus', link: '/guide/corpus' },
        ],
      },
      ...(hasApi
        ? [{ text: 'API reference', link: '/api/', collapsed: false, items: apiSidebar() }]
        : []),
      {
        text: 'More',
        items: [
          { text: 'Architecture', link: '/architecture' },
          { text: 'Benchmarks', link: '/benchmarks' },
        ],
      },
    ],
    search: { provider: 'local' },
    outline: { level: [2, 3] },
  },
  vite: {
    plugins: [clientOnlyModules(), tfjsAsExternalAsset(), resolveFromApp(), lossesData()],
    resolve: {
      alias,
    },
    build: { chunkSizeWarningLimit: 4000 },
    ssr: { noExternal: [] },
  },
});
