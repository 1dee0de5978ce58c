import { defineConfig } from 'vitest/config';

// Property tests over random instances and Monte Carlo checks take a few seconds on a busy machine.
export default defineConfig({ test: { testTimeout: 30_000 } });
