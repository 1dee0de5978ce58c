// Generates the default model's training corpus: synthetic English reviews (films, restaurants,
// books, products, hotels, albums, games; positive, negative and mixed) and some everyday prose,
// from a seeded grammar (scripts/corpus/). Deterministic: same seed, same bytes. Nothing downloaded.
//
//   node --import tsx scripts/make-corpus.ts [--seed 20240611] [--bytes 4000000] [--out .cache/corpus]
//
// Writes train.txt and valid.txt (documents separated by a blank line) and documents.jsonl
// ({ text, domain, sentiment, rating, split } per line).

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { corpusStats, makeCorpus } from './corpus/corpus.js';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '20240611' },
    bytes: { type: 'string', default: '4000000' },
    out: { type: 'string', default: join(pkg, '.cache', 'corpus') },
    'prose-share': { type: 'string', default: '0.12' },
    'valid-share': { type: 'string', default: '0.02' },
  },
});
const seed = Number(values.seed);
const { documents, duplicates } = makeCorpus(seed, Number(values.bytes), {
  proseShare: Number(values['prose-share']),
  validShare: Number(values['valid-share']),
});
mkdirSync(values.out, { recursive: true });
for (const part of ['train', 'valid'] as const) {
  const text = documents.filter((d) => d.split === part).map((d) => d.text);
  writeFileSync(join(values.out, `${part}.txt`), `${text.join('\n\n')}\n`);
}
writeFileSync(
  join(values.out, 'documents.jsonl'),
  `${documents.map((d) => JSON.stringify(d)).join('\n')}\n`,
);
const valid = documents.filter((d) => d.split === 'valid').length;
console.log(JSON.stringify({ seed, ...corpusStats(documents), valid, duplicates }, null, 2));
console.error(`wrote ${values.out}/{train.txt,valid.txt,documents.jsonl}`);
