// Trains the embedded default model (a tiny GPT-2) on the default corpus with @va/lm's own training
// loop, on the wasm backend, and writes config.json + model.safetensors into assets/default.
//
//   node --import tsx scripts/train-default.ts [--steps 500] [--out assets/default] [--dry]
//
// The corpus is regenerated in memory by scripts/corpus (the same seeded grammar as
// scripts/make-corpus.ts) and tokenized with assets/default/tokenizer.json (scripts/train-tokenizer.ts).

import { writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { streamLogger } from '@va/core';
import { createCausalLM } from '../src/causal-lm.js';
import { countParameters } from '../src/config.js';
import { PAPER_GENERATION } from '../src/generate.js';
import { loadTokenizer } from '../src/tokenizer.js';
import { trainCausalLM } from '../src/train.js';
import { makeCorpus } from './corpus/corpus.js';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '500' },
    batch: { type: 'string', default: '16' },
    context: { type: 'string', default: '128' },
    embd: { type: 'string', default: '128' },
    layers: { type: 'string', default: '4' },
    heads: { type: 'string', default: '4' },
    lr: { type: 'string', default: '3e-3' },
    seed: { type: 'string', default: '0' },
    'corpus-seed': { type: 'string', default: '20240611' },
    out: { type: 'string', default: join(pkg, 'assets', 'default') },
    dry: { type: 'boolean', default: false },
  },
});
const logger = streamLogger(process.stdout);

// --- corpus and tokens -------------------------------------------------------------------------
await tf.setBackend('wasm');
const started = performance.now();
const tokenizer = await loadTokenizer(join(pkg, 'assets', 'default'));
const eot = tokenizer.eosTokenId!;
const { documents } = makeCorpus(Number(values['corpus-seed']), 4_000_000, {
  proseShare: 0.12,
  validShare: 0.02,
});
const stream = (split: 'train' | 'valid') => {
  const out: number[] = [];
  for (const d of documents) if (d.split === split) out.push(eot, ...tokenizer.encode(d.text));
  return Int32Array.from(out);
};
const train = stream('train');
const validation = stream('valid');
logger.info(
  `corpus: ${documents.length} documents, ${train.length} training tokens, ${validation.length} held-out tokens (${((performance.now() - started) / 1000).toFixed(1)} s)`,
);

// --- model ---------------------------------------------------------------------------------------
const context = Number(values.context);
const hfConfig = {
  model_type: 'gpt2',
  vocab_size: tokenizer.vocabSize,
  n_positions: context,
  n_embd: Number(values.embd),
  n_layer: Number(values.layers),
  n_head: Number(values.heads),
  activation_function: 'gelu_new',
  layer_norm_epsilon: 1e-5,
  initializer_range: 0.02,
  bos_token_id: eot,
  eos_token_id: eot,
  pad_token_id: eot,
};
const model = createCausalLM(hfConfig, { seed: Number(values.seed), tokenizer });
logger.info(
  `model: GPT-2, ${countParameters(model.config)} parameters, ${JSON.stringify(hfConfig)}`,
);

// --- training ------------------------------------------------------------------------------------
const steps = Number(values.steps);
const result = trainCausalLM(
  model,
  { train, validation },
  {
    steps,
    batchSize: Number(values.batch),
    // Windows of context + 1 tokens: `context` inputs, each predicting the next token.
    contextLength: context,
    learningRate: Number(values.lr),
    minLearningRate: Number(values.lr) / 10,
    warmupSteps: Math.min(50, Math.ceil(steps / 10)),
    weightDecay: 0.1,
    beta2: 0.95,
    maxGradNorm: 1,
    seed: Number(values.seed),
    logEvery: 10,
    evalEvery: 100,
    evalBatches: 32,
    logger,
  },
);
logger.info(
  `trained ${steps} steps, ${result.tokens} tokens, in ${(result.seconds / 60).toFixed(1)} min`,
);

// --- samples -------------------------------------------------------------------------------------
const openings = [
  'The food was',
  'I watched this film',
  'This laptop is',
  'The hotel room',
  'I read this book',
];
const sampled = await model.generate(openings, { ...PAPER_GENERATION, seed: 1 });
const greedy = await model.generate(openings, { maxNewTokens: 32 });
for (let i = 0; i < openings.length; i++) {
  logger.info(`sampled: ${openings[i]}|${sampled.text![i]}`);
  logger.info(`greedy:  ${openings[i]}|${greedy.text![i]}`);
}

// --- save ----------------------------------------------------------------------------------------
if (!values.dry) {
  await model.save(values.out);
  writeFileSync(
    join(values.out, 'generation_config.json'),
    `${JSON.stringify({ bos_token_id: eot, eos_token_id: eot, pad_token_id: eot }, null, 2)}\n`,
  );
  const log = {
    script: 'scripts/train-default.ts',
    args: { ...values, out: relative(pkg, values.out) },
    parameters: countParameters(model.config),
    corpus: {
      documents: documents.length,
      trainTokens: train.length,
      heldOutTokens: validation.length,
    },
    settings: result.settings,
    seconds: Math.round(result.seconds),
    backend: tf.getBackend(),
    evalLosses: result.evalLosses,
    trainLossEvery10: result.losses.filter((_, i) => i % 10 === 9).map((x) => Number(x.toFixed(4))),
    samples: openings.map((o, i) => ({
      prompt: o,
      sampled: sampled.text![i],
      greedy: greedy.text![i],
    })),
  };
  writeFileSync(join(values.out, 'training_log.json'), `${JSON.stringify(log, null, 2)}\n`);
  logger.info(`wrote ${values.out}`);
}
model.dispose();
