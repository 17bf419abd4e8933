import { defineConfig } from 'vitest/config';

// The golden vectors are read from test/fixtures; nothing else to set up.
export default defineConfig({ test: { include: ['test/**/*.test.ts'] } });
