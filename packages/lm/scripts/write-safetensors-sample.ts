// Writes safetensors files with our writer for scripts/safetensors_reference.py to verify
// (`verify`), so the fixtures under test/fixtures/safetensors/ours-* are files a reference reader
// accepts; test/safetensors.test.ts checks that the writer still produces exactly these bytes.
//
//   node --import tsx scripts/write-safetensors-sample.ts && /usr/bin/python3 scripts/safetensors_reference.py verify

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serializeSafetensors, writeSafetensorsFolder } from '../src/safetensors.js';
import { sampleTensors } from '../test/fixtures/safetensors/sample.js';

const fix = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'safetensors');
mkdirSync(fix, { recursive: true });
const tensors = sampleTensors();
const source = Object.fromEntries(
  [...tensors].map(([name, t]) => [
    name,
    { shape: t.shape, bits: [...new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length)] },
  ]),
);
writeFileSync(join(fix, 'ours-source.json'), `${JSON.stringify(source)}\n`);
for (const dtype of ['F32', 'F16', 'BF16'] as const) {
  const bytes = serializeSafetensors(tensors, { dtype, metadata: { writer: '@va/lm' } });
  writeFileSync(join(fix, `ours-${dtype.toLowerCase()}.safetensors`), bytes);
}
await writeSafetensorsFolder(join(fix, 'ours-sharded'), tensors, {
  maxShardBytes: 200,
  metadata: { writer: '@va/lm' },
});
console.log(`wrote ${fix}/ours-*`);
