#!/usr/bin/env node
// `pnpm pack:all`: the way to install the @losses packages before they are on the npm registry.
// Packs every public package (they are built first by the root script) into packed/ at the
// repository root (or --out DIR) and prints the npm line that installs them into another project.
// The private apps (apps/*) are never packed.
import { relative, resolve } from 'node:path';
import { packInto, publicPackages, root } from './pack-lib.mjs';

const i = process.argv.indexOf('--out');
const dest = resolve(i > 0 ? process.argv[i + 1] : resolve(root, 'packed'));
const packages = publicPackages();
const files = packInto(dest, packages);
console.log(`packed ${packages.length} packages into ${relative(process.cwd(), dest) || '.'}:`);
for (const p of packages) console.log(`  ${p.name.padEnd(20)} ${files[p.short]}`);
console.log(
  '\nInstall them in your project (each package installs with its @losses dependencies):',
);
console.log(`  npm install ${dest}/*.tgz`);
console.log('and, for the /tfjs entry points, TensorFlow.js:');
console.log('  npm install @tensorflow/tfjs');
