// The workspace's shared test settings, with longer timeouts: these tests train policies, and on a
// loaded two-core CI machine one PPO step can take seconds. The timeouts still catch a hang.
import { mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

export default mergeConfig(shared, { test: { testTimeout: 300_000, hookTimeout: 300_000 } });
