import { defineConfig } from 'vitest/config';

// Settings every package's vitest config starts from. `pnpm test` runs all packages at once through
// turbo, on CI's two cores: a test that takes one second alone can take ten there. The timeouts
// only catch a test that hangs, never a slow one.
export default defineConfig({
  test: { testTimeout: 60_000, hookTimeout: 60_000 },
});
