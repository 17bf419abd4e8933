// The `prepack` of the private apps (apps/*): they are not published, so they are never packed.
// `pnpm -r pack` stops here with this message; `pnpm pack:all` packs the @losses packages only.
import { readFileSync } from 'node:fs';

const { name } = JSON.parse(readFileSync('package.json', 'utf8'));
console.error(
  `${name} is a private app of the workspace and is not packed; \`pnpm pack:all\` packs the @losses packages (into packed/).`,
);
process.exit(1);
