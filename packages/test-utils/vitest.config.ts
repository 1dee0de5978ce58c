import { configDefaults, defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

// test/fixtures holds test files that temp-dir.test.ts runs in a child vitest, not on their own.
export default mergeConfig(
  shared,
  defineConfig({ test: { exclude: [...configDefaults.exclude, 'test/fixtures/**'] } }),
);
