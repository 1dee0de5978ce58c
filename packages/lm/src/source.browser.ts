// Browser build of source.ts: a page has no Hugging Face cache on disk, so a model's source is the
// URL of a folder in Hugging Face layout (config.json, model.safetensors, tokenizer files) on the
// page's own server (or one that allows it), read as it is, without the hub.

import { ResourceError, silentLogger, ValidationError } from '@va/core';
import { fileExists, join } from './files.js';
import type * as Node from './source.js';

export { MODEL_FILES } from './model-files.js';
export type { ModelSourceOptions, ResolvedSourceOptions } from './source.js';

/** The options with their defaults; a page has no environment and no cache folder. */
export const resolveSourceOptions: typeof Node.resolveSourceOptions = (options = {}) => ({
  offline: options.offline ?? false,
  offlineBy: options.offline ? 'options.offline' : undefined,
  cacheDir: '',
  hubUrl: (options.hubUrl ?? 'https://huggingface.co').replace(/\/+$/, ''),
  accessToken: options.accessToken,
  fetch: options.fetch,
  logger: options.logger ?? silentLogger,
  onProgress: options.onProgress,
});

/** `source` (a folder URL, absolute or relative to the page), once it has a config.json. */
export const resolveModelSource: typeof Node.resolveModelSource = async (source) => {
  if (typeof source !== 'string' || source.trim() === '') {
    throw new ValidationError(
      'resolveModelSource',
      'source',
      'the URL of a model folder in Hugging Face layout',
      source,
    );
  }
  if (!(await fileExists(join(source, 'config.json')))) {
    throw new ResourceError(
      `resolveModelSource: ${source}/config.json cannot be fetched; in a browser a model's source is the URL of a ` +
        'folder in Hugging Face layout (config.json, model.safetensors, tokenizer.json) that the page may fetch; ' +
        'hub ids and the Hugging Face cache are for Node',
    );
  }
  return source.replace(/\/+$/, '');
};
