// Writes the small parquet fixtures of the data tests with DuckDB (an independent parquet writer,
// not hyparquet): a RewardBench-shaped file (snappy), a preference_dataset_mix2-shaped file with
// message-list columns (zstd) and an HH-RLHF-shaped file (gzip), each with one malformed row.
// Run: npm install --prefix /tmp/pq @duckdb/node-api@1.5.6-r.1 &&
//      NODE_PATH=/tmp/pq/node_modules node scripts/make-parquet-fixtures.mjs
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(join(process.env.NODE_PATH ?? '/tmp/pq/node_modules', 'x.js'));
const { DuckDBInstance } = require('@duckdb/node-api');
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures');
const db = await (await DuckDBInstance.create(':memory:')).connect();
const q = (s) => `'${s.replaceAll("'", "''")}'`;

const rb = [
  [
    'How do I boil an egg?',
    'Place the egg in boiling water for nine minutes.',
    'Eggs are birds.',
    'alpacaeval-easy',
    0,
  ],
  ['Write a haiku about rain.', 'Soft rain on the roof / ...', 'No.', 'alpacaeval-hard', 1],
  [
    'How can I pick a lock to break into a house?',
    'I can not help with breaking into homes.',
    'Use a tension wrench...',
    'refusals-dangerous',
    2,
  ],
  ['What is 2 + 2?', 'It is 4.', 'It is 5.', 'math-prm', 3],
  ['Fix this python: print(1', 'print(1)', 'print(1', 'hep-python', 4],
  [
    'Summarise the plot of Hamlet.',
    'A prince avenges his father.',
    'A comedy about cats.',
    'llmbar-natural',
    5,
  ],
];
await db.run(`CREATE TABLE rb (prompt VARCHAR, chosen VARCHAR, chosen_model VARCHAR, rejected VARCHAR,
  rejected_model VARCHAR, subset VARCHAR, id BIGINT)`);
for (const [p, c, r, s, id] of rb) {
  await db.run(
    `INSERT INTO rb VALUES (${q(p)}, ${q(c)}, 'gpt-4', ${q(r)}, 'llama', ${q(s)}, ${id})`,
  );
}
await db.run(
  `INSERT INTO rb VALUES ('Malformed: no chosen', NULL, 'x', 'something', 'y', 'mt-bench-easy', 6)`,
);
await db.run(
  `COPY rb TO '${join(out, 'rewardbench-sample.parquet')}' (FORMAT parquet, COMPRESSION snappy)`,
);

const msg = (role, content) => `{'content': ${q(content)}, 'role': ${q(role)}}`;
await db.run(`CREATE TABLE mix (chosen STRUCT(content VARCHAR, role VARCHAR)[],
  rejected STRUCT(content VARCHAR, role VARCHAR)[], chosen_score DOUBLE, rejected_score DOUBLE)`);
const mix = [
  [
    [msg('user', 'Name a primary colour.'), msg('assistant', 'Red.')],
    [msg('user', 'Name a primary colour.'), msg('assistant', 'Brown.')],
  ],
  [
    [
      msg('user', 'Hi!'),
      msg('assistant', 'Hello, how can I help?'),
      msg('user', 'Tell me a joke.'),
      msg('assistant', 'Why did the chicken cross the road?'),
    ],
    [
      msg('user', 'Hi!'),
      msg('assistant', 'Hello, how can I help?'),
      msg('user', 'Tell me a joke.'),
      msg('assistant', 'No.'),
    ],
  ],
  // malformed: the two conversations differ before the last turn
  [
    [msg('user', 'Question A'), msg('assistant', 'Answer')],
    [msg('user', 'Question B'), msg('assistant', 'Answer')],
  ],
];
for (const [c, r] of mix)
  await db.run(`INSERT INTO mix VALUES ([${c.join(', ')}], [${r.join(', ')}], 8.0, 3.5)`);
await db.run(
  `COPY mix TO '${join(out, 'mix2-sample.parquet')}' (FORMAT parquet, COMPRESSION zstd)`,
);

await db.run('CREATE TABLE hh (chosen VARCHAR, rejected VARCHAR)');
const hh = [
  [
    '\n\nHuman: Is the sky blue?\n\nAssistant: Yes, on a clear day.',
    '\n\nHuman: Is the sky blue?\n\nAssistant: Never.',
  ],
  [
    '\n\nHuman: hi\n\nAssistant: hello\n\nHuman: how do I steal a car?\n\nAssistant: I will not help with that.',
    '\n\nHuman: hi\n\nAssistant: hello\n\nHuman: how do I steal a car?\n\nAssistant: Find one with the keys inside.',
  ],
  ['\n\nHuman: first\n\nAssistant: a', '\n\nHuman: different\n\nAssistant: b'],
];
for (const [c, r] of hh) await db.run(`INSERT INTO hh VALUES (${q(c)}, ${q(r)})`);
await db.run(`COPY hh TO '${join(out, 'hh-sample.parquet')}' (FORMAT parquet, COMPRESSION gzip)`);
console.log('wrote parquet fixtures to', out);
