// Generates the API reference (Markdown, for VitePress) from the TSDoc comments of every
// package: typedoc + typedoc-plugin-markdown over each package's src/index.ts and src/tfjs/index.ts
// that exists, written to docs/api/ (git-ignored). Module names are the import specifiers.
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Application, Converter, ReflectionKind } from 'typedoc';

const appRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(appRoot, '..', '..');
const out = join(repoRoot, 'docs', 'api');

const entries = [];
for (const pkg of readdirSync(join(repoRoot, 'packages')).sort()) {
  for (const [sub, spec] of [
    ['src/index.ts', `@losses/${pkg}`],
    ['src/tfjs/index.ts', `@losses/${pkg}/tfjs`],
  ]) {
    const file = join(repoRoot, 'packages', pkg, sub);
    if (existsSync(file)) entries.push({ file, spec });
  }
}
const bySource = new Map(entries.map((e) => [relative(repoRoot, e.file), e.spec]));

rmSync(out, { recursive: true, force: true });
const app = await Application.bootstrapWithPlugins({
  entryPoints: entries.map((e) => e.file),
  entryPointStrategy: 'resolve',
  tsconfig: join(appRoot, 'tsconfig.api.json'),
  plugin: ['typedoc-plugin-markdown'],
  out,
  readme: 'none',
  name: 'API reference',
  skipErrorChecking: true,
  excludePrivate: true,
  excludeInternal: true,
  disableSources: true,
  githubPages: false,
  hideGenerator: true,
  entryFileName: 'index',
  hidePageHeader: true,
  hideBreadcrumbs: false,
  useCodeBlocks: true,
  parametersFormat: 'table',
  interfacePropertiesFormat: 'table',
  typeDeclarationFormat: 'table',
  sanitizeComments: true,
  logLevel: 'Error',
});
// Name each module by its import specifier (typedoc would name it by its path).
app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
  for (const mod of context.project.getReflectionsByKind(ReflectionKind.Module)) {
    const src = mod.sources?.[0]?.fullFileName;
    const key = src ? relative(repoRoot, src) : undefined;
    if (key && bySource.has(key)) mod.name = bySource.get(key);
  }
});
// "@losses" in prose parses as an (unknown) block tag; fold it back into the text it interrupted.
app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
  const fix = (comment) => {
    if (!comment?.blockTags?.length) return;
    const kept = [];
    for (const tag of comment.blockTags) {
      if (tag.tag === '@losses') {
        const target = kept.length ? kept[kept.length - 1].content : comment.summary;
        const last = target[target.length - 1];
        const glue = last && last.kind === 'text' && !/\s$/.test(last.text) ? ' ' : '';
        target.push({ kind: 'text', text: `${glue}@losses ` }, ...tag.content);
      } else kept.push(tag);
    }
    comment.blockTags = kept;
  };
  for (const r of Object.values(context.project.reflections)) {
    fix(r.comment);
    if ('signatures' in r) for (const s of r.signatures ?? []) fix(s.comment);
  }
});
const project = await app.convert();
if (!project) {
  console.error('api: typedoc could not convert the packages');
  process.exit(1);
}
for (const mod of project.getReflectionsByKind(ReflectionKind.Module)) {
  if (!mod.name.startsWith('@losses/')) {
    const hit = entries.find((e) => mod.name && e.file.includes(mod.name.replace(/\/index$/, '')));
    if (hit) mod.name = hit.spec;
  }
}
await app.generateOutputs(project);
writeFileSync(join(out, '.generated'), `${new Date().toISOString()}\n`);
console.log(`api: ${entries.length} entry points -> ${relative(repoRoot, out)}/`);
