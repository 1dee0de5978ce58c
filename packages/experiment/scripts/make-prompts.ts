// Writes assets/review-openings.jsonl: the embedded task's prompts, the neutral first sentence of
// reviews from @va/lm's corpus grammar (the text the default model was trained on, regenerated with
// its seed: nothing is downloaded). "Neutral" means an AFINN-165 score of 0 (the `sentiment`
// package, the task's true reward), so the sentiment of a response comes from the continuation.
// Held-out documents (split 'valid') give the evaluation prompts; training documents the rest.
//
//   cd packages/lm && node --import tsx scripts/make-corpus.ts --out /tmp/corpus
//   cd packages/experiment && node --import tsx scripts/make-prompts.ts /tmp/corpus/documents.jsonl

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '@va/core';
import Sentiment from 'sentiment';

const [source = '/tmp/corpus/documents.jsonl'] = process.argv.slice(2);
const sentiment = new Sentiment();
const TRAIN = 512;
const EVAL = 128;

interface Doc {
  text: string;
  domain: string;
  sentiment: string;
  split: string;
}

const docs = readFileSync(source, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Doc)
  .filter((d) => d.domain !== 'prose');
const seen = new Set<string>();
const pick = (split: string) =>
  docs
    .filter((d) => (split === 'eval' ? d.split === 'valid' : d.split === 'train'))
    .map((d) => /^[^\n.!?]*[.!?]/.exec(d.text)?.[0]?.trim())
    .filter((s): s is string => {
      if (!s || seen.has(s)) return false;
      const words = s.split(/\s+/).length;
      if (words < 4 || words > 16 || sentiment.analyze(s).score !== 0) return false;
      seen.add(s);
      return true;
    });
const evalPool = pick('eval');
const trainPool = pick('train');
const rng = new Rng(20241130);
const take = (pool: string[], n: number) => rng.shuffle([...pool]).slice(0, n);
if (evalPool.length < EVAL || trainPool.length < TRAIN) {
  throw new Error(
    `not enough neutral openings: ${trainPool.length} train, ${evalPool.length} eval`,
  );
}
const rows = [
  ...take(trainPool, TRAIN).map((prompt) => ({ prompt, split: 'train' })),
  ...take(evalPool, EVAL).map((prompt) => ({ prompt, split: 'eval' })),
];
const out = join(import.meta.dirname, '..', 'assets', 'review-openings.jsonl');
writeFileSync(out, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
console.log(
  `${out}: ${TRAIN} train and ${EVAL} eval openings (pools: ${trainPool.length}, ${evalPool.length})`,
);
