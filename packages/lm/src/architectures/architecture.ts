// What a model family provides to the rest of @va/lm (one module per family in this folder, listed
// in index.ts, as Hugging Face keeps a folder per model): its config, weights, stack and LoRA targets.

import type * as tf from '@tensorflow/tfjs';

/** What every model needs, in one shape for all families (derived once from the HF keys). */
export interface CommonConfig {
  /** Which architecture runs it (the module's `family`). */
  readonly family: string;
  /** The config.json `model_type`. */
  readonly modelType: string;
  /** The family's config.json keys, resolved (written back on save). */
  readonly hf: object;
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly numHeads: number;
  readonly numKvHeads: number;
  readonly headDim: number;
  readonly intermediateSize: number;
  readonly maxPositions: number;
  readonly normEps: number;
  readonly tieWordEmbeddings: boolean;
  readonly bosTokenId: number | undefined;
  /** Every end-of-sequence id (Llama 3 lists several). */
  readonly eosTokenIds: readonly number[];
  readonly padTokenId: number | undefined;
  /** The original `config.json` object, written back (updated) on save. */
  readonly raw: Readonly<Record<string, unknown>>;
}

/** One parameter of a model. */
export interface ParamSpec {
  /** Hugging Face name, e.g. `h.0.attn.c_attn.weight` or `model.layers.0.self_attn.q_proj.weight`. */
  readonly name: string;
  /** Shape in the checkpoint. */
  readonly shape: readonly number[];
  /**
   * True for `nn.Linear` weights ([out, in] in the checkpoint), which we hold as [in, out] so that
   * every product is a plain `x @ w`. GPT-2's `Conv1D` weights are [in, out] already.
   */
  readonly transposed: boolean;
  /** What initialisation treats it as; `matrix` weights (but the head) are LoRA's modules. */
  readonly kind: 'matrix' | 'embedding' | 'bias' | 'norm';
  /** Residual output projections get a smaller initial scale (GPT-2). */
  readonly residual?: boolean;
  /** The table that computes the logits (the embedding when tied). */
  readonly head?: boolean;
}

/** A spec list and the function that appends to it (in checkpoint order). */
export function specList(): {
  specs: ParamSpec[];
  add: (
    name: string,
    shape: number[],
    kind: ParamSpec['kind'],
    options?: { transposed?: boolean; residual?: boolean; head?: boolean },
  ) => void;
} {
  const specs: ParamSpec[] = [];
  const add = (
    name: string,
    shape: number[],
    kind: ParamSpec['kind'],
    { transposed = false, residual = false, head = false } = {},
  ) => specs.push({ name, shape, kind, transposed, residual, head });
  return { specs, add };
}

/** What a stack needs from the model that owns the weights. */
export interface StackWeights {
  /** A parameter in our layout (Linear weights [in, out]). */
  param(name: string): tf.Tensor;
  /** `x @ W + b` of the Linear/Conv1D module `path` (e.g. `h.0.attn.c_attn`), LoRA included. */
  linear(path: string, x: tf.Tensor2D): tf.Tensor2D;
}

/** Rows of numbers, [batch][time]. */
export type Rows = readonly (readonly number[])[];

/** One forward call's inputs, prepared by the model. */
export interface StackInputs {
  /** Token ids, [batch * time] int32. */
  readonly ids: tf.Tensor1D;
  readonly batch: number;
  readonly time: number;
  /** Position ids [batch][time]. */
  readonly positions: Rows;
  /** [batch][past + time]: 1 on real tokens, 0 on padding (cached positions included). */
  readonly mask: Rows;
  /**
   * Whether the caller keeps this call's keys and values (a KV cache): without, a stack may leave
   * them where its projections wrote them (the wasm kernels read them there).
   */
  readonly keepCache?: boolean;
  /** Keys and values of earlier positions per layer, [batch, kvHeads, past, headDim]. */
  readonly past?: {
    readonly keys: readonly tf.Tensor4D[];
    readonly values: readonly tf.Tensor4D[];
  };
}

/** The final hidden states (after the final norm) and each layer's keys/values so far. */
export interface StackOutputs {
  /** [batch * time, hidden] */
  readonly hidden: tf.Tensor2D;
  readonly keys: tf.Tensor4D[];
  readonly values: tf.Tensor4D[];
}

/** A model family: everything the loader, the model, saving and LoRA need to know about it. */
export interface Architecture<C extends CommonConfig> {
  /** The `family` of its configs. */
  readonly family: C['family'];
  /** Each `model_type` it runs, with the transformers class that `save` names in `architectures`. */
  readonly modelTypes: Readonly<Record<C['modelType'], string>>;
  /** Resolves a config.json object of one of its model types; `raw` is its frozen copy. */
  parseConfig(json: Readonly<Record<string, unknown>>, raw: Readonly<Record<string, unknown>>): C;
  /**
   * Every parameter, in checkpoint order, by Hugging Face name: loading, saving, the shape checks,
   * initialisation, LoRA's modules and `countParameters` all read this one list.
   */
  parameterSpecs(config: C): ParamSpec[];
  /** Prefix of the names in `save_pretrained`'s files (GPT-2's `transformer.`); optional on load. */
  readonly checkpointPrefix: string;
  /** Checkpoint tensors that are known buffers, skipped without a warning. */
  readonly ignoredTensors: readonly RegExp[];
  /** Value of fresh norm weights: 1, or 0 where the norm scales by (1 + w) (Gemma). */
  readonly normInit: number;
  /** PEFT's default `target_modules` for the family. */
  readonly loraTargets: readonly string[];
  /** One learned embedding per position: no input may run past `maxPositions` (GPT-2). */
  readonly learnedPositions: boolean;
  /** The decoder stack: embeddings to the final norm's output. */
  stack(config: C, w: StackWeights, inp: StackInputs): StackOutputs;
  /** Logits after the output head (Gemma 2's soft-capping); absent: unchanged. */
  finishLogits?(config: C, logits: tf.Tensor): tf.Tensor;
}
