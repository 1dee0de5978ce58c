// The model families @va/lm runs, one module each in this folder (as Hugging Face keeps a folder
// per model). Config parsing, loading, saving, the forward pass and LoRA look a family up here.

import type { Architecture } from './architecture.js';
import { gemma } from './gemma.js';
import { gpt2 } from './gpt2.js';
import { llama } from './llama.js';

/** Every family, in the order errors list their model types. A new family: its module, one line here. */
const ARCHITECTURES = [gpt2, llama, gemma] as const;

type ConfigOf<A> = A extends Architecture<infer C> ? C : never;

/** A resolved model config: `family` tells which architecture runs it. */
export type ModelConfig = ConfigOf<(typeof ARCHITECTURES)[number]>;

/** The `model_type`s this package runs. */
export type ModelType = ModelConfig['modelType'];

// Each module is only ever handed configs it made (looked up by their family or model type).
const all = ARCHITECTURES as readonly unknown[] as readonly Architecture<ModelConfig>[];
const byType = new Map(all.flatMap((a) => Object.keys(a.modelTypes).map((t) => [t, a] as const)));
const byFamily = new Map(all.map((a) => [a.family as string, a]));

/** The `model_type`s this package runs, family by family. */
export const SUPPORTED_MODEL_TYPES: readonly ModelType[] = Object.freeze([
  ...byType.keys(),
]) as readonly ModelType[];

/** The architecture that runs `model_type`, if any. */
export function architectureFor(modelType: unknown): Architecture<ModelConfig> | undefined {
  return typeof modelType === 'string' ? byType.get(modelType) : undefined;
}

/** The architecture of a resolved config. */
export function architectureOf(config: ModelConfig): Architecture<ModelConfig> {
  return byFamily.get(config.family)!;
}
