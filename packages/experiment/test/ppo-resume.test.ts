// `va ppo` killed (SIGKILL) after its checkpoints, then run again, twice: the final policy is the
// complete Hugging Face folder an uninterrupted run writes (tokenizer files, config.json,
// generation_config.json, model.safetensors; the value head beside it under TRL's names), the same
// bytes, and it loads on its own with its tokenizer; every step is logged once, with the same stats.

import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_MODEL_DIR, loadCausalLM } from '@va/lm';
import { parseSafetensors } from '@va/lm/safetensors';
import { tempDir } from '@va/test-utils';
import { describe, expect, it } from 'vitest';
import { exists, killAll, ppoLogRows, runVa, startVa, waitFor } from './va-process.js';

const tmp = tempDir('va-ppo-resume-');

const config = {
  ppo: {
    steps: 5,
    saveEvery: 1,
    batchSize: 4,
    miniBatchSize: 4,
    ppoEpochs: 1,
    seed: 7,
    generation: { maxNewTokens: 6, minNewTokens: 2, doSample: true, topK: 50 },
  },
};

describe('va ppo, killed and resumed', () => {
  it('ends with the complete policy folder an uninterrupted run writes', async () => {
    const prompts = join(tmp, 'prompts.txt');
    await writeFile(
      prompts,
      ['The hotel was', 'Our waiter said', 'The room looked', 'I went there for'].join('\n'),
    );
    const file = join(tmp, 'ppo.json');
    await writeFile(file, JSON.stringify(config));
    const args = (out: string) => [
      'ppo',
      '--config',
      file,
      '--prompts',
      prompts,
      '--out',
      out,
      '--quiet',
    ];

    const whole = join(tmp, 'whole');
    expect((await runVa(args(whole))).code).toBe(0);

    const cut = join(tmp, 'cut');
    for (const step of [2, 4]) {
      const p = startVa(args(cut));
      const state = join(cut, 'checkpoints', `step-00000${step}`, 'trainer_state.json');
      expect(await waitFor(p, () => exists(state)), p.output).toBe(true);
      await killAll(p);
    }
    const last = await runVa(args(cut));
    expect(last.code, last.output).toBe(0);

    const policy = join(cut, 'final', 'policy');
    const files = (await readdir(policy)).sort();
    expect(files).toEqual((await readdir(join(whole, 'final', 'policy'))).sort());
    const source = await readdir(DEFAULT_MODEL_DIR);
    for (const name of ['tokenizer.json', 'tokenizer_config.json', 'generation_config.json']) {
      expect(source).toContain(name);
      expect(files).toContain(name);
      expect(await readFile(join(policy, name))).toEqual(
        await readFile(join(DEFAULT_MODEL_DIR, name)),
      );
    }
    expect(files).toEqual(expect.arrayContaining(['config.json', 'model.safetensors']));
    // Resuming changes nothing: the same weights, to the bit, and the same stats at every step.
    expect(await readFile(join(policy, 'model.safetensors'))).toEqual(
      await readFile(join(whole, 'final', 'policy', 'model.safetensors')),
    );
    expect(await ppoLogRows(cut)).toEqual(await ppoLogRows(whole));
    const head = parseSafetensors(
      new Uint8Array(await readFile(join(cut, 'final', 'value_head.safetensors'))),
    );
    expect([...head.tensors.keys()].sort()).toEqual([
      'v_head.summary.bias',
      'v_head.summary.weight',
    ]);

    // It loads on its own, with its tokenizer.
    const model = await loadCausalLM(policy, { backend: 'cpu' });
    try {
      expect(model.tokenizer?.encode('The hotel was lovely')).toEqual(
        (await loadCausalLM(DEFAULT_MODEL_DIR, { backend: 'cpu' })).tokenizer?.encode(
          'The hotel was lovely',
        ),
      );
      const out = await model.generate(['The hotel was'], { maxNewTokens: 3, doSample: false });
      expect(out.text?.[0]).toEqual(expect.any(String));
    } finally {
      model.dispose();
    }
  }, 600_000);
});
