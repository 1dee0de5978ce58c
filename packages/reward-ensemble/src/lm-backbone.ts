// A backbone on an `@va/lm` causal LM (GPT-2, Llama family, Gemma; the embedded default too): the
// final-layer hidden state of the last non-padding token (or the mean), as the paper reads Gemma.
// Differentiable, so the paper's first stage can train it (see finetune-backbone.ts).

import type * as TF from '@tensorflow/tfjs';
import { type ChatMessage, createSha256, ResourceError } from '@va/core';
import type { CausalLM } from '@va/lm';
import {
  type Backbone,
  type BackboneSpec,
  type EmbedOptions,
  type FeatureMatrix,
  type Pooling,
  poolingWeights,
} from './backbone.js';
import { formatHHDialogue } from './chat.js';
import { existsSync, join, resolve } from './files.js';

/** Options of {@link loadLmBackbone}. */
export interface LmBackboneOptions {
  /** `last` (default): the last non-padding token's hidden state; `mean`: the mean over tokens. */
  readonly pooling?: Pooling;
  /** Keep at most this many tokens per text, from the end (where the response is). Default 512. */
  readonly maxLength?: number;
  /** Never touch the network (a hub id must already be cached). */
  readonly offline?: boolean;
  /** tfjs backend to force; default: `@va/lm`'s choice (the best available). */
  readonly backend?: 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu' | 'current';
}

/**
 * Loads an `@va/lm` backbone: `source` is `default` (the embedded model), a folder in Hugging Face
 * layout, or a hub id. The model must come with its tokenizer.
 */
export async function loadLmBackbone(
  source: string,
  options: LmBackboneOptions = {},
): Promise<LmBackbone> {
  const [lm, tf] = await Promise.all([import('@va/lm'), import('@tensorflow/tfjs')]);
  const backend = options.backend ? { backend: options.backend } : {};
  const model =
    source === 'default'
      ? await lm.loadDefaultModel(backend)
      : await lm.loadCausalLM(source, {
          ...backend,
          ...(options.offline ? { offline: true } : {}),
        });
  if (!model.tokenizer) {
    model.dispose();
    throw new ResourceError(
      `loadLmBackbone: '${source}' has no tokenizer (tokenizer.json); the backbone needs one to read texts`,
    );
  }
  const where = source === 'default' || !existsSync(source) ? source : resolve(source);
  return new LmBackbone(tf, model, {
    source: where,
    pooling: options.pooling,
    maxLength: options.maxLength,
  });
}

/** The backbone {@link loadLmBackbone} returns. */
export class LmBackbone implements Backbone {
  readonly name: string;
  readonly dim: number;
  readonly pooling: Pooling;
  readonly maxLength: number;
  private source: string;
  private weightsHash: string;
  private trained = false;

  constructor(
    private readonly tf: typeof TF,
    readonly model: CausalLM,
    options: { source: string; pooling?: Pooling; maxLength?: number },
  ) {
    this.dim = model.config.hiddenSize;
    this.pooling = options.pooling ?? 'last';
    this.maxLength = Math.min(options.maxLength ?? 512, model.config.maxPositions);
    this.source = options.source;
    this.name = `lm(${options.source.split('/').slice(-2).join('/')}, ${model.config.modelType}, ${this.pooling})`;
    this.weightsHash = this.hashWeights();
  }

  /** Changes with the weights, the pooling and the truncation. */
  get identity(): string {
    return `lm/${this.weightsHash}/${this.pooling}/${this.maxLength}`;
  }

  get spec(): BackboneSpec {
    return { kind: 'lm', source: this.source, pooling: this.pooling, maxLength: this.maxLength };
  }

  private hashWeights(): string {
    const h = createSha256();
    const vars = [...this.model.variables.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    for (const [name, v] of vars) {
      const data = v.dataSync() as Float32Array;
      h.update(`${name}:${v.shape.join('x')}`).update(
        new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      );
    }
    return h.digest('hex').slice(0, 16);
  }

  /**
   * Recomputes the identity after the weights changed (training): features cached for the old
   * weights are then never served for the new ones. Saving an ensemble then writes the weights
   * beside its heads ({@link persist}).
   */
  weightsChanged(): void {
    this.weightsHash = this.hashWeights();
    this.trained = true;
  }

  /**
   * The tokenizer's chat template where it has one, else the HH-RLHF format. A template that writes
   * the BOS token itself (Gemma's, Llama's) loses it here when the tokenizer adds one anyway, so the
   * text reads as `apply_chat_template(tokenize=True)` tokenizes it: one BOS.
   */
  formatConversation(messages: readonly ChatMessage[]): string {
    const tok = this.model.tokenizer;
    if (!tok?.chatTemplate) return formatHHDialogue(messages);
    const text = tok.applyChatTemplate(messages.map((m) => ({ ...m })));
    const bos = tok.bosTokenId;
    if (bos === undefined || tok.encode('')[0] !== bos) return text;
    const bosText = tok.decode([bos]);
    return bosText && text.startsWith(bosText) ? text.slice(bosText.length) : text;
  }

  /** Token ids and mask of a batch: right padding (exact for pooled features), left truncation. */
  async encode(
    texts: readonly string[],
  ): Promise<{ inputIds: number[][]; attentionMask: number[][] }> {
    const { encodeBatch } = await import('@va/lm');
    return encodeBatch(this.model.tokenizer!, texts, {
      paddingSide: 'right',
      maxLength: this.maxLength,
      truncationSide: 'left',
    });
  }

  /**
   * Pooled features `[batch, dim]` as a tensor, differentiable with respect to the model's
   * variables (pooling is a mask-weighted sum: no gather, so it has gradients on every backend).
   * The caller disposes it (or runs this inside `tf.tidy` / `tf.variableGrads`).
   */
  pooledFeatures(
    batch: { inputIds: number[][]; attentionMask: number[][] },
    training = false,
  ): TF.Tensor2D {
    const tf = this.tf;
    return tf.tidy(() => {
      // The final norm's output only: no output head (for Gemma's 256k-token table, the head's
      // transpose alone would be 2 GiB per call).
      const hiddenStates = this.model.hiddenStates(batch.inputIds, {
        attentionMask: batch.attentionMask,
        training,
      });
      const [b, t] = hiddenStates.shape;
      const w = tf.tensor3d(poolingWeights(batch.attentionMask, this.pooling, 'LmBackbone.embed'), [
        b,
        t,
        1,
      ]);
      return tf.sum(tf.mul(hiddenStates, w), 1) as TF.Tensor2D;
    });
  }

  async embed(texts: readonly string[], options: EmbedOptions = {}): Promise<FeatureMatrix> {
    const batchSize = options.batchSize ?? 8;
    const data = new Float32Array(texts.length * this.dim);
    for (let start = 0; start < texts.length; start += batchSize) {
      options.signal?.throwIfAborted();
      const batch = await this.encode(texts.slice(start, start + batchSize));
      const pooled = this.pooledFeatures(batch);
      data.set(pooled.dataSync() as Float32Array, start * this.dim);
      pooled.dispose();
      options.onProgress?.({
        task: 'embed',
        done: Math.min(start + batchSize, texts.length),
        total: texts.length,
        unit: 'texts',
      });
    }
    return { rows: texts.length, dim: this.dim, data };
  }

  /**
   * Writes the model (weights, config, tokenizer) to `dir/backbone` in Hugging Face layout and
   * returns the spec that loads it back from there (relative to `dir`).
   */
  async saveTo(dir: string): Promise<BackboneSpec> {
    await this.model.save(join(dir, 'backbone'));
    return { kind: 'lm', source: './backbone', pooling: this.pooling, maxLength: this.maxLength };
  }

  async persist(dir: string): Promise<BackboneSpec | undefined> {
    return this.trained ? this.saveTo(dir) : undefined;
  }

  dispose(): void {
    this.model.dispose();
  }
}
