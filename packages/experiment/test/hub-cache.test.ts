// The paper's GPT-2 / ensemble config runs from the Hugging Face cache alone: a GPT-2-format model
// stored there as `gpt2` (the embedded model's files, standing in for the real 124M GPT-2), the
// network off, the run shrunk to the smallest size by overrides on top of the config file.

import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MODEL_DIR } from '@va/lm';
import { readConfigFile } from '@va/ppo';
import { tempDir } from '@va/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentConfig } from '../src/config.js';
import { collectResults } from '../src/results.js';
import { runExperiment } from '../src/run-experiment.js';

const cache = tempDir('va-hub-cache-');
const SHA = 'b'.repeat(40);
const saved = { cache: process.env.HF_HUB_CACHE, offline: process.env.HF_HUB_OFFLINE };

beforeAll(() => {
  const snapshot = join(cache, 'models--gpt2', 'snapshots', SHA);
  mkdirSync(snapshot, { recursive: true });
  cpSync(DEFAULT_MODEL_DIR, snapshot, { recursive: true });
  mkdirSync(join(cache, 'models--gpt2', 'refs'), { recursive: true });
  writeFileSync(join(cache, 'models--gpt2', 'refs', 'main'), SHA);
  process.env.HF_HUB_CACHE = cache;
  process.env.HF_HUB_OFFLINE = '1';
});
afterAll(() => {
  for (const [key, value] of [
    ['HF_HUB_CACHE', saved.cache],
    ['HF_HUB_OFFLINE', saved.offline],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

describe("the paper's GPT-2 config", () => {
  it('runs with the policy and the ensemble backbone from the Hugging Face cache', async () => {
    const file = await readConfigFile(
      new URL('../configs/paper-gpt2-ensemble.yaml', import.meta.url).pathname,
    );
    const config = {
      ...file,
      seeds: 2,
      evalPrompts: 4,
      ppo: {
        ...(file.ppo as object),
        steps: 1,
        batchSize: 4,
        miniBatchSize: 4,
        ppoEpochs: 1,
        generation: { maxNewTokens: 6, minNewTokens: 2, doSample: true },
      },
      ensemble: { ...(file.ensemble as object), pairs: 24, k: 2, epochs: 1 },
    } as Partial<ExperimentConfig>;
    const {
      run,
      config: resolved,
      failed,
    } = await runExperiment({ dir: join(cache, 'run'), config, inProcess: true });
    expect(failed).toEqual([]);
    expect([resolved.policy, resolved.ensemble.backbone]).toEqual(['gpt2', 'lm:gpt2']);
    const results = await collectResults(run, resolved);
    expect(results.complete).toBe(true);
    expect(results.variants[0]!.returns.vanilla).toHaveLength(2);
    expect(results.ensemble?.k).toBe(2);
  });
});
