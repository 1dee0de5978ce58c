// A causal language model (GPT-2 or Llama family) holding its weights as tfjs variables: forward
// pass with masks and a KV cache, per-token log-probabilities, generation, LoRA; HF's layout on disk.

import * as tf from '@tensorflow/tfjs';
import { ValidationError } from '@va/core';
import { runStack, type StackWeights } from './architectures.js';
import { type ModelConfig, parseModelConfig } from './config.js';
import type { GenerationOptions, GenerationResult } from './generate.js';
import { generate } from './generate.js';
import { KVCache } from './kv-cache.js';
import { attachLora, LoraAdapter, type LoraOptions, readLoraFolder } from './lora.js';
import { attentionBias, positionsFromMask, toRows } from './mask.js';
import { head, linear, pickLogProbs } from './ops.js';
import { type SaveOptions, saveCausalLM } from './save.js';
import type { Tokenizer } from './tokenizer.js';
import { headName, initParams } from './weights.js';

/** Options of {@link CausalLM.forward}. */
export interface ForwardOptions {
  /**
   * [batch, past + time]: 1 on real tokens, 0 on padding (left padding for batches of prompts).
   * Default: all ones. With a cache, it covers the cached positions too, as in Hugging Face.
   */
  attentionMask?: number[][] | tf.Tensor2D;
  /** [batch, time]. Default: from the mask, `cumsum(mask) - 1` (1 on padding), as Hugging Face. */
  positionIds?: number[][] | tf.Tensor2D;
  /** Keys and values of earlier calls; this call's are appended to it. */
  cache?: KVCache;
  /** Training mode: LoRA dropout is applied (there is no other dropout). Default false. */
  training?: boolean;
  /** `'last'`: logits of the last position only ([batch, 1, vocab]). Default `'all'`. */
  logits?: 'all' | 'last';
  /** The output table transposed, [hidden, vocab], from {@link CausalLM.transposedHead}; saves a
   * transpose per call when the weights do not change between calls (generation). */
  headTransposed?: tf.Tensor2D;
}

/** What {@link CausalLM.forward} returns; the caller disposes both (`tf.dispose(result)` works). */
export type ForwardResult = {
  /** [batch, time, vocab] (or [batch, 1, vocab] with `logits: 'last'`). */
  logits: tf.Tensor3D;
  /**
   * [batch, time, hidden]: the last layer's output after the final norm (`ln_f` / `model.norm`), as
   * Hugging Face's `last_hidden_state`; what value heads and reward heads read.
   */
  hiddenStates: tf.Tensor3D;
};

/** Log-probabilities of continuations (see {@link CausalLM.continuationLogProbs}). */
export interface ContinuationLogProbs {
  /** [batch, length]: log p(continuation token | prompt, earlier tokens); 0 on padding. */
  logprobs: tf.Tensor2D;
  /** [batch, length]: 1 where the continuation has a token, 0 on padding. */
  mask: tf.Tensor2D;
  /** [batch, length, hidden]: hidden states at the positions that predict each token. */
  hiddenStates: tf.Tensor3D;
  /** [batch, length, vocab], when asked for (`logits: true`). */
  logits?: tf.Tensor3D;
}

/** Parameters in our layout: name -> { shape, data }. */
export type ParamData = Map<string, { shape: number[]; data: Float32Array }>;

/** A causal LM. Create with `loadCausalLM`, `createCausalLM` or `loadDefaultModel`. */
export class CausalLM {
  readonly config: ModelConfig;
  /** The tokenizer loaded beside the weights, when the folder had one. */
  readonly tokenizer: Tokenizer | undefined;
  /** The folder the model was loaded from (tokenizer files are copied from it on save). */
  readonly sourceDir: string | undefined;
  private readonly params: Map<string, tf.Variable>;
  private adapter: LoraAdapter | undefined;
  private disposed = false;
  /** Set during a forward call with `training: true` (LoRA dropout reads it). */
  private training = false;
  private readonly weights: StackWeights;

  constructor(
    config: ModelConfig,
    params: ParamData,
    options: { tokenizer?: Tokenizer; sourceDir?: string } = {},
  ) {
    this.config = config;
    this.tokenizer = options.tokenizer;
    this.sourceDir = options.sourceDir;
    this.params = new Map();
    for (const [name, p] of params) {
      const t = tf.tensor(p.data, p.shape, 'float32');
      this.params.set(name, tf.variable(t, true));
      t.dispose(); // the variable keeps the data
    }
    this.weights = {
      param: (name) => this.param(name),
      linear: (path, x) => this.linear(path, x),
    };
  }

  /** Every weight, by Hugging Face name (GPT-2 without `transformer.`), in our layout. */
  get variables(): ReadonlyMap<string, tf.Variable> {
    return this.params;
  }

  /** Number of weights (the base model's, without LoRA). */
  get parameterCount(): number {
    let n = 0;
    for (const v of this.params.values()) n += v.size;
    return n;
  }

  /** The LoRA adapter attached with {@link addLora}, if any. */
  get lora(): LoraAdapter | undefined {
    return this.adapter;
  }

  /**
   * The variables an optimizer should update: the LoRA matrices when an adapter is attached (the
   * base stays frozen), otherwise every weight.
   */
  trainableVariables(): tf.Variable[] {
    this.assertLive('trainableVariables');
    return this.adapter ? this.adapter.variables() : [...this.params.values()];
  }

  /** A parameter by name, in our layout. */
  param(name: string): tf.Variable {
    const p = this.params.get(name);
    if (!p) {
      throw new ValidationError(
        'CausalLM.param',
        'name',
        `a parameter of this ${this.config.modelType} model`,
        name,
      );
    }
    return p;
  }

  /** `x @ W + b` of the module at `path`, plus its LoRA update when one is attached. */
  private linear(path: string, x: tf.Tensor2D): tf.Tensor2D {
    const w = this.param(`${path}.weight`) as tf.Tensor as tf.Tensor2D;
    const b = this.params.get(`${path}.bias`) as tf.Tensor | undefined as tf.Tensor1D | undefined;
    const y = linear(x, w, b);
    return this.adapter ? this.adapter.apply(path, x, y, this.training) : y;
  }

  /**
   * Runs the model. `inputIds` [batch, time]; with left padding pass the `attentionMask` (positions
   * then count real tokens only, so a padded row gives the same logits as the unpadded one).
   */
  forward(inputIds: number[][] | tf.Tensor2D, options: ForwardOptions = {}): ForwardResult {
    const { hidden, batch, time } = this.hidden(inputIds, options);
    return tf.tidy(() => {
      const d = this.config.hiddenSize;
      const last = options.logits === 'last';
      const h = last
        ? tf.reshape(
            tf.slice(tf.reshape(hidden, [batch, time, d]), [0, time - 1, 0], [batch, 1, d]),
            [batch, d],
          )
        : hidden;
      const logits = head(
        h as tf.Tensor2D,
        this.param(headName(this.config)) as tf.Tensor as tf.Tensor2D,
        options.headTransposed,
      );
      const out = {
        logits: tf.reshape(logits, [batch, last ? 1 : time, this.config.vocabSize]) as tf.Tensor3D,
        hiddenStates: tf.reshape(hidden, [batch, time, d]) as tf.Tensor3D,
      };
      hidden.dispose();
      return out;
    });
  }

  /** The decoder stack's final hidden states [batch * time, hidden]; updates `options.cache`. */
  private hidden(
    inputIds: number[][] | tf.Tensor2D,
    options: ForwardOptions,
  ): { hidden: tf.Tensor2D; batch: number; time: number } {
    this.assertLive('forward');
    const where = 'CausalLM.forward';
    const ids = toRows(where, 'inputIds', inputIds);
    const batch = ids.length;
    const time = ids[0]!.length;
    if (time === 0) throw new ValidationError(where, 'inputIds', 'rows of at least one token', ids);
    const vocab = this.config.vocabSize;
    for (let i = 0; i < batch; i++) {
      for (const id of ids[i]!) {
        if (!Number.isInteger(id) || id < 0 || id >= vocab) {
          throw new ValidationError(where, `inputIds[${i}]`, `token ids in [0, ${vocab})`, id);
        }
      }
    }
    const cache = options.cache;
    const past = cache?.length ?? 0;
    if (cache && cache.length > 0 && cache.batch !== batch) {
      throw new ValidationError(where, 'options.cache', `a cache of batch ${batch}`, cache.batch);
    }
    const mask = options.attentionMask
      ? toRows(where, 'options.attentionMask', options.attentionMask)
      : ids.map(() => new Array<number>(past + time).fill(1));
    if (mask.length !== batch || mask[0]!.length !== past + time) {
      throw new ValidationError(
        where,
        'options.attentionMask',
        `shape [${batch}, ${past + time}] (batch, cached + new positions)`,
        `[${mask.length}, ${mask[0]!.length}]`,
      );
    }
    const positions = options.positionIds
      ? toRows(where, 'options.positionIds', options.positionIds)
      : positionsFromMask(mask, time);
    const window = this.config.family === 'llama' ? this.config.slidingWindow : undefined;
    this.training = options.training === true;
    const out = tf.tidy(() => {
      const res = runStack(this.config, this.weights, {
        ids: tf.tensor1d(ids.flat(), 'int32'),
        batch,
        time,
        positions,
        bias: tf.tensor4d(attentionBias(mask, time, window), [batch, 1, time, past + time]),
        past: cache && past > 0 ? { keys: cache.keys, values: cache.values } : undefined,
      });
      return cache
        ? { hidden: res.hidden, keys: res.keys, values: res.values }
        : { hidden: res.hidden };
    });
    this.training = false;
    if (cache && out.keys && out.values) cache.replace(out.keys, out.values);
    return { hidden: out.hidden, batch, time };
  }

  /** The output table transposed, [hidden, vocab]; the caller disposes it. */
  transposedHead(): tf.Tensor2D {
    return tf.transpose(this.param(headName(this.config))) as tf.Tensor2D;
  }

  /**
   * log p(x[t+1] | x[..t]) for t = 0 .. time-2: [batch, time - 1]. Differentiable (the PPO ratio and
   * the reference penalty). Entries whose target is padding are 0. The last token is only a target,
   * so a window of n_positions + 1 tokens fits GPT-2.
   */
  tokenLogProbs(
    inputIds: number[][] | tf.Tensor2D,
    options: Pick<ForwardOptions, 'attentionMask' | 'positionIds' | 'training'> = {},
  ): tf.Tensor2D {
    const where = 'CausalLM.tokenLogProbs';
    const ids = toRows(where, 'inputIds', inputIds);
    const b = ids.length;
    const t = ids[0]!.length;
    if (t < 2) throw new ValidationError(where, 'inputIds', 'rows of at least two tokens', ids[0]);
    const mask = options.attentionMask
      ? toRows(where, 'options.attentionMask', options.attentionMask)
      : undefined;
    const positions = options.positionIds
      ? toRows(where, 'options.positionIds', options.positionIds)
      : undefined;
    const { hidden } = this.hidden(
      ids.map((r) => r.slice(0, -1)),
      {
        ...(mask ? { attentionMask: mask.map((r) => r.slice(0, -1)) } : {}),
        ...(positions ? { positionIds: positions.map((r) => r.slice(0, -1)) } : {}),
        training: options.training,
      },
    );
    return tf.tidy(() => {
      const logits = head(hidden, this.param(headName(this.config)) as tf.Tensor as tf.Tensor2D);
      hidden.dispose();
      const targets = tf.tensor1d(
        ids.flatMap((r) => r.slice(1)),
        'int32',
      );
      let lp = tf.reshape(pickLogProbs(logits, targets), [b, t - 1]);
      if (mask)
        lp = tf.mul(
          lp,
          tf.tensor2d(
            mask.map((r) => r.slice(1)),
            [b, t - 1],
          ),
        );
      return lp as tf.Tensor2D;
    });
  }

  /**
   * Log-probabilities of `continuations` after `prompts` (token ids, any lengths): the prompts are
   * left-padded and the continuations right-padded into one batch. Differentiable; the caller
   * disposes the tensors.
   */
  continuationLogProbs(
    prompts: readonly (readonly number[])[],
    continuations: readonly (readonly number[])[],
    options: { training?: boolean; logits?: boolean; padTokenId?: number } = {},
  ): ContinuationLogProbs {
    const where = 'CausalLM.continuationLogProbs';
    if (prompts.length === 0 || prompts.length !== continuations.length) {
      throw new ValidationError(
        where,
        'continuations',
        `${prompts.length} rows (one per prompt)`,
        continuations.length,
      );
    }
    prompts.forEach((p, i) => {
      if (p.length === 0)
        throw new ValidationError(where, `prompts[${i}]`, 'at least one token', p);
    });
    const pad = options.padTokenId ?? 0;
    const p = Math.max(...prompts.map((r) => r.length));
    const l = Math.max(1, ...continuations.map((r) => r.length));
    const ids = prompts.map((r, i) => {
      const c = continuations[i]!;
      return [
        ...new Array<number>(p - r.length).fill(pad),
        ...r,
        ...c,
        ...new Array<number>(l - c.length).fill(pad),
      ];
    });
    const mask = prompts.map((r, i) => {
      const c = continuations[i]!.length;
      return [
        ...new Array<number>(p - r.length).fill(0),
        ...r.map(() => 1),
        ...new Array<number>(c).fill(1),
        ...new Array<number>(l - c).fill(0),
      ];
    });
    const b = ids.length;
    const { hidden, time } = this.hidden(ids, { attentionMask: mask, training: options.training });
    return tf.tidy(() => {
      const d = this.config.hiddenSize;
      const v = this.config.vocabSize;
      // Positions p-1 .. p+l-2 predict the continuation tokens at p .. p+l-1.
      const hs = tf.slice(
        tf.reshape(hidden, [b, time, d]),
        [0, p - 1, 0],
        [b, l, d],
      ) as tf.Tensor3D;
      hidden.dispose();
      const logits = head(
        tf.reshape(hs, [b * l, d]) as tf.Tensor2D,
        this.param(headName(this.config)) as tf.Tensor as tf.Tensor2D,
      );
      const targets = tf.tensor1d(
        ids.flatMap((r) => r.slice(p, p + l)),
        'int32',
      );
      const m = tf.tensor2d(
        mask.map((r) => r.slice(p, p + l)),
        [b, l],
      );
      const logprobs = tf.mul(tf.reshape(pickLogProbs(logits, targets), [b, l]), m) as tf.Tensor2D;
      const out: ContinuationLogProbs = { logprobs, mask: m, hiddenStates: hs };
      if (options.logits) out.logits = tf.reshape(logits, [b, l, v]) as tf.Tensor3D;
      return out as unknown as tf.TensorContainerObject;
    }) as unknown as ContinuationLogProbs;
  }

  /** Generates continuations of `prompts` (texts need the tokenizer); see {@link generate}. */
  generate(
    prompts: string | readonly string[] | readonly (readonly number[])[],
    options: GenerationOptions = {},
  ): Promise<GenerationResult> {
    this.assertLive('generate');
    return generate(this, prompts, options);
  }

  /** Attaches a LoRA adapter (the base weights stop training until it is merged or removed). */
  addLora(options: LoraOptions = {}): LoraAdapter {
    this.assertLive('addLora');
    if (this.adapter) {
      throw new ValidationError(
        'CausalLM.addLora',
        'this',
        'a model without an adapter',
        'an adapter is attached',
        'Merge or remove it first (model.lora.merge() / model.removeLora()).',
      );
    }
    this.adapter = attachLora(this, options);
    this.setBaseTrainable(false);
    return this.adapter;
  }

  /** Attaches a LoRA adapter saved in PEFT's layout (`adapter_config.json`, `adapter_model.safetensors`). */
  async loadLora(dir: string): Promise<LoraAdapter> {
    this.assertLive('loadLora');
    const { settings, init } = await readLoraFolder(this, dir);
    if (this.adapter) {
      throw new ValidationError(
        'CausalLM.loadLora',
        'this',
        'a model without an adapter',
        'an adapter is attached',
        'Merge or remove it first.',
      );
    }
    this.adapter = new LoraAdapter(this, settings, init);
    this.setBaseTrainable(false);
    return this.adapter;
  }

  /** Folds the adapter into the base weights (W += alpha/r * A B) and detaches it. */
  mergeLora(): void {
    if (!this.adapter)
      throw new ValidationError(
        'CausalLM.mergeLora',
        'this',
        'a model with a LoRA adapter',
        'none attached',
      );
    this.adapter.mergeInto(this.params);
    this.removeLora();
  }

  /** Detaches and disposes the adapter without merging it. */
  removeLora(): void {
    this.adapter?.dispose();
    this.adapter = undefined;
    this.setBaseTrainable(true);
  }

  /** Marks the base weights (not) trainable, so that tfjs optimizers' minimize() skips them too. */
  private setBaseTrainable(trainable: boolean): void {
    for (const v of this.params.values()) v.trainable = trainable;
  }

  /**
   * Writes the model in Hugging Face's layout (config.json, model.safetensors, tokenizer files);
   * see {@link saveCausalLM}.
   */
  save(dir: string, options: SaveOptions = {}): Promise<void> {
    this.assertLive('save');
    return saveCausalLM(this, dir, options);
  }

  /** Copies every weight out, in our layout (the save and the tests read these). */
  readParams(): ParamData {
    const out: ParamData = new Map();
    for (const [name, v] of this.params) {
      out.set(name, { shape: [...v.shape], data: v.dataSync() as Float32Array });
    }
    return out;
  }

  /** Frees every weight and the adapter. The model cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.removeLora();
    for (const v of this.params.values()) v.dispose();
    this.params.clear();
    this.disposed = true;
  }

  private assertLive(method: string): void {
    if (this.disposed) {
      throw new ValidationError(
        `CausalLM.${method}`,
        'this',
        'a live model',
        'a disposed model',
        'Load the model again.',
      );
    }
  }
}

/**
 * A model of `config` (a Hugging Face `config.json` object or a parsed config) with fresh seeded
 * weights: normal(0, 0.02) matrices, zero biases, unit norms (GPT-2's residual projections scaled
 * by 1/sqrt(2 * layers)). For training from scratch and for tests.
 */
export function createCausalLM(
  config: Record<string, unknown> | ModelConfig,
  options: { seed?: number; tokenizer?: Tokenizer } = {},
): CausalLM {
  const parsed = parseModelConfig(config);
  return new CausalLM(parsed, initParams(parsed, options.seed ?? 0), {
    tokenizer: options.tokenizer,
  });
}

export { KVCache };
