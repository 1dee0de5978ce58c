import { loadDefaultModel, PAPER_GENERATION, selectBackend } from '@va/lm';
import { PPOTrainer } from '../src/index.js';
import { countWord, PROMPTS, rewardOf } from '../test/helpers.js';

await selectBackend({ backend: 'wasm' });
const [hi, lo] = [process.argv[2] ?? 'great', process.argv[3] ?? 'good'];
const steps = Number(process.argv[4] ?? 12);
const reward = rewardOf('two-words', (r) => {
  const a = countWord(r, hi);
  const b = countWord(r, lo);
  return { mean: a + b, variance: a > 0 ? Number(process.env.HIVAR ?? 10) : 0.1 };
});
for (const method of ['vanilla', 'variance-aware'] as const) {
  const policy = await loadDefaultModel({ backend: 'current' });
  const t = await PPOTrainer.create({
    policy,
    reward,
    config: {
      batchSize: 16,
      miniBatchSize: 8,
      ppoEpochs: 4,
      learningRate: Number(process.env.LR ?? 1e-4),
      adaptiveKl: false,
      initKlCoef: Number(process.env.BETA ?? 0.1),
      method,
      generation: { ...PAPER_GENERATION, maxNewTokens: 16, minNewTokens: 8, temperature: 1 },
    },
  });
  const line: string[] = [];
  for (let s = 0; s < steps; s++) {
    let a = 0,
      b = 0,
      klHi = 0,
      nHi = 0;
    await t.step(
      Array.from({ length: 16 }, (_, i) => PROMPTS[(i + 3 * s) % PROMPTS.length]!),
      {
        onRollout: (rows) => {
          for (const r of rows) {
            a += countWord(r.text, hi);
            b += countWord(r.text, lo);
            if (countWord(r.text, hi) > 0) {
              nHi++;
              klHi += r.logprobs.reduce((x, y, i) => x + y - r.refLogprobs[i]!, 0);
            }
          }
        },
      },
    );
    line.push(`${a}/${b}${nHi ? `(${(klHi / nHi).toFixed(1)})` : ''}`);
  }
  console.log(method.padEnd(15), line.join(' '));
  t.dispose();
  policy.dispose();
}
