// The backbone interface of the ensemble (SPEC 3): texts in, one feature vector per text out (the
// hidden state of the last non-padding token, or the mean over tokens), plus how it reads a dialogue.

import { type ChatMessage, type ProgressCallback, ValidationError } from '@va/core';

/** `rows` feature vectors of width `dim`, row-major. */
export interface FeatureMatrix {
  readonly rows: number;
  readonly dim: number;
  readonly data: Float32Array;
}

/** How a sequence of hidden states becomes one vector: the last non-padding token, or the mean. */
export type Pooling = 'last' | 'mean';

/** Options of {@link Backbone.embed}. */
export interface EmbedOptions {
  /** Texts per forward pass (backbones pick a default). */
  readonly batchSize?: number;
  readonly onProgress?: ProgressCallback;
  readonly signal?: AbortSignal;
}

/**
 * What a backbone is, in JSON, so a saved ensemble can name it and {@link createBackbone} can build
 * it again: `hashed` (the cheap baseline), `lm` (an `@va/lm` causal LM; `source` `default` is the
 * embedded model), `onnx` (a `@huggingface/transformers` ONNX model).
 */
export type BackboneSpec =
  | { readonly kind: 'hashed'; readonly options?: Readonly<Record<string, unknown>> }
  | {
      readonly kind: 'lm' | 'onnx';
      readonly source: string;
      readonly pooling?: Pooling;
      readonly maxLength?: number;
    };

/** A feature extractor the reward heads sit on. Frozen unless a trainer says otherwise. */
export interface Backbone {
  /** Short human-readable name, e.g. `hashed-ngrams(d=256)`. */
  readonly name: string;
  /**
   * A string that changes whenever the features would change (weights hash, config, pooling,
   * truncation): the feature cache's key.
   */
  readonly identity: string;
  /** Width of each feature vector. */
  readonly dim: number;
  /** How to build this backbone again. */
  readonly spec: BackboneSpec;
  /**
   * The text the backbone reads for a dialogue that ends with the response to score: the model's
   * chat template where it has one, else the HH-RLHF `\n\nHuman: ...\n\nAssistant: ...` format.
   */
  formatConversation(messages: readonly ChatMessage[]): string;
  /** One feature vector per text. */
  embed(texts: readonly string[], options?: EmbedOptions): Promise<FeatureMatrix>;
  /**
   * Writes weights that exist only in memory (a backbone trained in the paper's first stage)
   * beside saved heads in `dir`, and returns the spec that loads them from there; undefined when
   * `spec` already names where the weights are.
   */
  persist?(dir: string): Promise<BackboneSpec | undefined>;
  dispose(): void | Promise<void>;
}

/**
 * Per-token pooling weights for a `[batch, time]` attention mask (1 = token, 0 = padding), either
 * side padded: one-hot on the last token with mask 1 (`last`), or `1 / count` on every token
 * (`mean`). Pooling as a weighted sum keeps it differentiable with plain mul/sum ops.
 */
export function poolingWeights(
  mask: readonly (readonly number[])[],
  pooling: Pooling,
  where = 'poolingWeights',
): Float32Array {
  const batch = mask.length;
  const time = batch === 0 ? 0 : mask[0]!.length;
  const w = new Float32Array(batch * time);
  for (let b = 0; b < batch; b++) {
    const row = mask[b]!;
    let last = -1;
    let count = 0;
    for (let t = 0; t < time; t++) {
      if (row[t]) {
        last = t;
        count++;
      }
    }
    if (last < 0) {
      throw new ValidationError(where, `attentionMask[${b}]`, 'at least one token', row);
    }
    if (pooling === 'last') w[b * time + last] = 1;
    else for (let t = 0; t < time; t++) if (row[t]) w[b * time + t] = 1 / count;
  }
  return w;
}

/**
 * Pools `[batch, time, width]` hidden states (row-major) with {@link poolingWeights} into a
 * `batch x width` feature matrix.
 */
export function poolHiddenStates(
  hidden: ArrayLike<number>,
  dims: readonly [number, number, number],
  mask: readonly (readonly number[])[],
  pooling: Pooling,
): FeatureMatrix {
  const [batch, time, width] = dims;
  if (hidden.length !== batch * time * width || mask.length !== batch) {
    throw new ValidationError(
      'poolHiddenStates',
      'hidden',
      `${batch} x ${time} x ${width} values with a mask of ${batch} rows`,
      `${hidden.length} values and ${mask.length} mask rows`,
    );
  }
  const weights = poolingWeights(mask, pooling, 'poolHiddenStates');
  const data = new Float32Array(batch * width);
  for (let b = 0; b < batch; b++) {
    const out = b * width;
    for (let t = 0; t < time; t++) {
      const wt = weights[b * time + t]!;
      if (wt === 0) continue;
      const base = (b * time + t) * width;
      for (let i = 0; i < width; i++) data[out + i]! += wt * hidden[base + i]!;
    }
  }
  return { rows: batch, dim: width, data };
}

/** Stacks feature matrices of one width row-wise. */
export function concatFeatures(parts: readonly FeatureMatrix[], dim: number): FeatureMatrix {
  const rows = parts.reduce((s, p) => s + p.rows, 0);
  const data = new Float32Array(rows * dim);
  let offset = 0;
  for (const p of parts) {
    data.set(p.data.subarray(0, p.rows * dim), offset);
    offset += p.rows * dim;
  }
  return { rows, dim, data };
}
