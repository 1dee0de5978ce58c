// Model configs read from a Hugging Face `config.json` and written back beside saved weights: the
// family's module (architectures/, picked by `model_type`) resolves and validates the keys.

import { ConfigError, describeValue } from '@va/core';
import {
  architectureFor,
  architectureOf,
  type ModelConfig,
  SUPPORTED_MODEL_TYPES,
} from './architectures/index.js';
import { parameterSpecs } from './weights.js';

/**
 * Reads a Hugging Face `config.json` object (or a previously resolved {@link ModelConfig}) into a
 * validated {@link ModelConfig}. Keys this package does not use (dropouts, `architectures`, ...) are
 * kept in `raw` and ignored; an unknown `model_type` is an error listing the supported ones.
 */
export function parseModelConfig(json: Record<string, unknown> | ModelConfig): ModelConfig {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ConfigError(
      'ModelConfig',
      '(root)',
      `expected an object, got ${describeValue(json)}`,
    );
  }
  if ('family' in json && 'raw' in json) {
    return parseModelConfig({ ...(json.raw as Record<string, unknown>) });
  }
  const raw = json as Record<string, unknown>;
  const architecture = architectureFor(raw.model_type);
  if (!architecture) {
    throw new ConfigError(
      'ModelConfig',
      'model_type',
      `${describeValue(raw.model_type)} is not supported; supported model types: ${SUPPORTED_MODEL_TYPES.join(', ')}`,
    );
  }
  return architecture.parseConfig(raw, Object.freeze(structuredClone(raw)));
}

/**
 * The `config.json` object to write beside saved weights: the original keys, with the resolved
 * values and `architectures` / `model_type` as Hugging Face's `from_pretrained` expects them.
 */
export function modelConfigToJson(
  config: ModelConfig,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const resolved = Object.entries(config.hf).filter(([k, v]) => v !== null || k in config.raw);
  const modelTypes: Readonly<Record<string, string>> = architectureOf(config).modelTypes;
  return {
    ...config.raw,
    architectures: [modelTypes[config.modelType]],
    model_type: config.modelType,
    ...Object.fromEntries(resolved),
    ...extra,
  };
}

/** Parameters of a model of this config (embeddings counted once when tied), from its specs. */
export function countParameters(config: ModelConfig): number {
  let n = 0;
  for (const spec of parameterSpecs(config)) n += spec.shape.reduce((a, b) => a * b, 1);
  return n;
}
