import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedDataFile, sharedDataSkipReason } from '../src/index.js';

describe('sharedDataFile', () => {
  it('returns a path only for files that exist', () => {
    expect(sharedDataFile('no-such-file.jsonl')).toBeUndefined();
    const readme = sharedDataFile('README.md');
    if (readme) expect(existsSync(readme)).toBe(true);
    expect(sharedDataSkipReason('x.jsonl')).toMatch(/x\.jsonl is absent/);
  });
});
