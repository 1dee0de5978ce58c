import { ResourceError } from '@va/core';
import { checkBrowserSiblings } from '@va/test-utils';
import { describe, expect, it } from 'vitest';
import { saveCheckpoint } from '../src/checkpoint.browser.js';
import { promptIndices, trainPolicy } from '../src/train-policy.browser.js';
import { promptIndices as nodePromptIndices } from '../src/train-policy.js';

describe('browser build', () => {
  it('each .browser.ts exports every name of the module it replaces', async () => {
    const { files, missing } = await checkBrowserSiblings(new URL('../src', import.meta.url));
    expect(files).toEqual([
      'checkpoint.browser.ts',
      'config-file.browser.ts',
      'paths.browser.ts',
      'prompts-file.browser.ts',
      'train-policy.browser.ts',
    ]);
    expect(missing).toEqual([]);
  });

  it('orders prompts as a run in a folder does, and refuses folders, naming the way out', async () => {
    expect(promptIndices).toBe(nodePromptIndices);
    const firstPass = [0, 1, 2].flatMap((step) => promptIndices(step, 4, 12, 7));
    expect([...firstPass].sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
    await expect(trainPolicy({} as never)).rejects.toThrow(ResourceError);
    await expect(trainPolicy({} as never)).rejects.toThrow(/trainer\.step\(prompts\)/);
    await expect(saveCheckpoint({} as never, 'dir')).rejects.toThrow(/trainer\.state\(\)/);
  });
});
