import { defineConfig } from 'vitest/config';

// test/setup.ts turns the WebAssembly kernels off when LOSSES_WASM=off, so that the same tests
// check the JavaScript fallback (`pnpm test` runs them both ways).
export default defineConfig({ test: { setupFiles: ['test/setup.ts'] } });
