#!/usr/bin/env node
/**
 * The main job of @losses: `pnpm reproduce [case ...] [--flags]` reruns the case studies and writes
 * Markdown/JSON tables, CSV data and SVG plots to `out/` at the repository root. With no case it
 * runs them all, in order.
 */
import { cases } from './cases/index.js';
import { outDir } from './lib/output.js';

async function main(argv: readonly string[]): Promise<number> {
  const names = argv.filter((a) => !a.startsWith('--'));
  const flags = argv.filter((a) => a.startsWith('--'));
  if (flags.includes('--help') || names.includes('help')) {
    console.log('usage: pnpm reproduce [case ...] [--flags]\n\ncases:');
    for (const c of cases) console.log(`  ${c.name.padEnd(16)} ${c.summary}`);
    console.log(`\nResults are written to ${outDir()}`);
    return 0;
  }
  const unknown = names.filter((n) => !cases.some((c) => c.name === n));
  if (unknown.length > 0) {
    console.error(
      `unknown case(s): ${unknown.join(', ')}; known: ${cases.map((c) => c.name).join(', ')}`,
    );
    return 2;
  }
  const selected = names.length > 0 ? cases.filter((c) => names.includes(c.name)) : cases;
  const t0 = Date.now();
  for (const c of selected) {
    const t = Date.now();
    console.log(`\n== ${c.name}: ${c.summary}`);
    await c.run(flags);
    console.log(`== ${c.name} done in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  console.log(`\nAll done in ${((Date.now() - t0) / 1000).toFixed(1)} s; results in ${outDir()}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
