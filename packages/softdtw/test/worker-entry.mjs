// The worker entry for the tests: the package's worker (src/worker.ts) run from the TypeScript
// sources through tsx, as dist/worker.js runs it after a build.
import { register } from 'tsx/esm/api';

register();
await import('../src/worker.ts');
