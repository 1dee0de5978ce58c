import { defineConfig } from 'vitest/config';

// The client and CLI tests wait on real sockets, Retry-After and child processes: allow for a
// loaded machine.
export default defineConfig({
  test: { testTimeout: 30_000 },
});
