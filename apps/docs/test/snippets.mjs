// Every TypeScript snippet of the READMEs and the docs pages, checked so that none can rot:
// extracts each ```ts block into its own module under .snippets/ (inside this app, so imports
// resolve to the built workspace packages and TensorFlow.js), type-checks them all with tsc
// (strict; the free names a snippet may use are declared in snippet-globals.d.ts), and runs the
// blocks marked runnable - a `<!-- snippet: runnable -->` line right before the fence - with node.
// A block marked `<!-- snippet: app=<name> -->` is code of that app: its module goes to
// apps/<name>/.snippets/ and its `./src/...` imports are read from that app's folder.
// Usage: node test/snippets.mjs   (the packages must be built)
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractSnippets } from '../../../scripts/snippets-lib.mjs';

const appRoot = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = join(appRoot, '..', '..');
const work = join(appRoot, '.snippets');
const started = Date.now();

/** The Markdown files whose snippets are checked. */
function sources() {
  const files = [join(repoRoot, 'README.md')];
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

const extract = extractSnippets;

/** Where a snippet's module is written: this app's .snippets/, or its app's for an app snippet. */
const dirOf = (s) => (s.app ? join(repoRoot, 'apps', s.app, '.snippets') : work);

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const snippets = [];
for (const file of sources()) {
  const rel = relative(repoRoot, file);
  for (const s of extract(readFileSync(file, 'utf8'))) {
    const name = `${rel.replace(/[^\w]+/g, '_')}_L${s.line}`;
    let module = /^\s*(import|export)\s/m.test(s.code) ? s.code : `${s.code}\nexport {};`;
    if (s.app) {
      if (!existsSync(join(repoRoot, 'apps', s.app)))
        throw new Error(`${rel}:${s.line}: no app ${s.app}`);
      // The snippet is written as if it sat in the app's folder; its module sits one level down.
      module = module.replace(/(from\s+['"])\.\/src\//g, '$1../src/');
      rmSync(dirOf(s), { recursive: true, force: true });
    }
    mkdirSync(dirOf(s), { recursive: true });
    snippets.push({ ...s, rel, name, module });
  }
}
for (const s of snippets) writeFileSync(join(dirOf(s), `${s.name}.ts`), `${s.module}\n`);
writeFileSync(
  join(work, 'tsconfig.json'),
  JSON.stringify(
    {
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2022', 'DOM'],
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
      },
      files: [
        '../test/snippet-globals.d.ts',
        ...snippets.map((s) => relative(work, join(dirOf(s), `${s.name}.ts`))),
      ],
    },
    null,
    2,
  ),
);

let passed = 0;
let failed = 0;
const requireRoot = createRequire(join(repoRoot, 'package.json'));
const ts = requireRoot('typescript');
const config = ts.getParsedCommandLineOfConfigFile(
  join(work, 'tsconfig.json'),
  {},
  {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  },
);
const program = ts.createProgram({ rootNames: config.fileNames, options: config.options });
const checker = program.getTypeChecker();
const message = (d) => ts.flattenDiagnosticMessageText(d.messageText, '\n        ');

/** Casts `e as T` where `e` already has a type assignable to T: they only add noise to a snippet. */
function needlessCasts(sf) {
  const out = [];
  const visit = (node) => {
    if (ts.isAsExpression(node) && !ts.isConstTypeReference(node.type)) {
      const inner = checker.getTypeAtLocation(node.expression);
      const cast = checker.getTypeFromTypeNode(node.type);
      const loose = (t) => t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown);
      if (!loose(inner) && !loose(cast) && checker.isTypeAssignableTo(inner, cast)) {
        const { line } = sf.getLineAndCharacterOfPosition(node.getStart());
        out.push(
          `line ${line + 1}: needless cast \`${node.getText()}\` (already ${checker.typeToString(inner)})`,
        );
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

const snippetFiles = new Set(snippets.map((s) => join(dirOf(s), `${s.name}.ts`)));
const global = ts
  .getPreEmitDiagnostics(program)
  .filter((d) => !snippetFiles.has(d.file?.fileName ?? ''));
for (const s of snippets) {
  const where = `${s.rel}:${s.line}`;
  const sf = program.getSourceFile(join(dirOf(s), `${s.name}.ts`));
  const errors = [
    ...ts.getPreEmitDiagnostics(program, sf).map((d) => {
      const { line } = sf.getLineAndCharacterOfPosition(d.start ?? 0);
      return `line ${line + 1}: ${message(d)}`;
    }),
    ...needlessCasts(sf),
  ];
  if (errors.length > 0) {
    failed++;
    console.log(`  FAIL ${where} does not type-check cleanly\n       ${errors.join('\n       ')}`);
    continue;
  }
  if (s.runnable) {
    const js = ts.transpileModule(sf.text, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    writeFileSync(join(work, `${s.name}.mjs`), js);
    try {
      execFileSync(process.execPath, [join(work, `${s.name}.mjs`)], {
        cwd: appRoot,
        encoding: 'utf8',
        stdio: 'pipe',
        timeout: 60000,
      });
    } catch (e) {
      failed++;
      const text = String(e.stderr || e.message)
        .split('\n')
        .slice(0, 8);
      console.log(`  FAIL ${where} runs with an error\n       ${text.join('\n       ')}`);
      continue;
    }
  }
  passed++;
  console.log(`  ok   ${where}${s.runnable ? ' (type-checks and runs)' : ''}`);
}
if (global.length > 0) {
  failed++;
  console.log(
    `  FAIL the snippet setup does not type-check:\n       ${global.map(message).join('\n       ')}`,
  );
}
const runnable = snippets.filter((s) => s.runnable).length;
console.log(
  `snippets: ${snippets.length} from ${new Set(snippets.map((s) => s.rel)).size} files, ${runnable} run, ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
