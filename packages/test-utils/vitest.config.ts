import { configDefaults, defineConfig } from 'vitest/config';

// test/fixtures holds test files that temp-dir.test.ts runs in a child vitest, not on their own.
export default defineConfig({
  test: { exclude: [...configDefaults.exclude, 'test/fixtures/**'] },
});
