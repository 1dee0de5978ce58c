// A causal language model (GPT-2, Llama family or Gemma) holding its weights as tfjs variables: forward
// pass with masks and a KV cache, per-token log-probabilities, generation, LoRA; HF's layout on disk.

import * as tf from '@tensorflow/tfjs';
import { ValidationError } from '@va/core';
import type { StackWeights } from './architectures/architecture.js';
import { architectureOf, type ModelConfig } from './architectures/index.js';
import { parseModelConfig } from './config.js';
import type { GenerationOptions, GenerationResult } from './generate.js';
import { generate } from './generate.js';
import { KVCache } from './kv-cache.js';
import {
  type ContinuationLogProbs,
  type ContinuationOptions,
  continuationLogProbs,
  tokenLogProbs,
} from './logprobs.js';
import { attachLora, LoraAdapter, type LoraOptions, readLoraFolder } from './lora.js';
import { positionsFromMask, toRows } from './mask.js';
import { head, linear } from './ops.js';
import { type SaveOptions, saveCausalLM } from './save.js';
import type { Tokenizer } from './tokenizer.js';
import { checkFitsBackend } from './weight-memory.js';
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

/** Parameters in our layout: name -> { shape, data }. */
export type ParamData = Map<string, { shape: number[]; data: Float32Array }>;

/** A causal LM. Create with `loadCausalLM`, `createCausalLM` or `loadDefaultModel`. */
export class CausalLM {
  readonly config: ModelConfig;
  /** The tokenizer loaded beside the weights, when the folder had one. */
  readonly tokenizer: Tokenizer | undefined;
  /** The folder the model was loaded from. */
  readonly sourceDir: string | undefined;
  /**
   * The tokenizer and generation files of that folder (`tokenizer.json`, `generation_config.json`,
   * ...; `TOKENIZER_FILES`), by name, read when it was loaded: a save writes them, so that a
   * saved model is a complete folder even once the one it came from is gone.
   */
  readonly companionFiles: ReadonlyMap<string, Uint8Array>;
  private readonly params: Map<string, tf.Variable>;
  private adapter: LoraAdapter | undefined;
  private disposed = false;
  /** Set during a forward call with `training: true` (LoRA dropout reads it). */
  private training = false;
  private readonly weights: StackWeights;

  constructor(
    config: ModelConfig,
    /** Weights in our layout, or variables already made from them (a streaming loader). */
    params: ParamData | ReadonlyMap<string, tf.Variable>,
    options: {
      tokenizer?: Tokenizer;
      sourceDir?: string;
      companionFiles?: ReadonlyMap<string, Uint8Array>;
      /** Delete each entry of `params` once copied to the backend (loading: less peak memory). */
      consume?: boolean;
    } = {},
  ) {
    this.config = config;
    this.tokenizer = options.tokenizer;
    this.sourceDir = options.sourceDir;
    this.companionFiles = options.companionFiles ?? new Map();
    checkFitsBackend(config, tf.getBackend(), 'CausalLM');
    this.params = new Map();
    for (const [name, p] of [...params]) {
      if (p instanceof tf.Variable) {
        this.params.set(name, p);
        continue;
      }
      this.params.set(name, paramVariable(p));
      if (options.consume) (params as ParamData).delete(name);
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
    const hiddenStates = this.hiddenStates(inputIds, options);
    const [batch, time, d] = hiddenStates.shape;
    const logits = tf.tidy(() => {
      const h =
        options.logits === 'last'
          ? tf.slice(hiddenStates, [0, time - 1, 0], [batch, 1, d])
          : hiddenStates;
      return this.logitsOf(h, options.headTransposed) as tf.Tensor3D;
    });
    return { logits, hiddenStates };
  }

  /**
   * The final hidden states only, [batch, time, hidden] (after the final norm), without the output
   * head: what value and reward heads read, at a fraction of forward()'s cost for large vocabularies.
   * Same inputs and options as {@link forward}.
   */
  hiddenStates(
    inputIds: number[][] | tf.Tensor2D,
    options: Omit<ForwardOptions, 'logits' | 'headTransposed'> = {},
  ): tf.Tensor3D {
    const { hidden, batch, time } = this.hidden(inputIds, options);
    const out = tf.reshape(hidden, [batch, time, this.config.hiddenSize]) as tf.Tensor3D;
    hidden.dispose();
    return out;
  }

  /** Logits of hidden states [..., hidden] -> [..., vocab] (the tied or untied output head). */
  logitsOf(hidden: tf.Tensor, headTransposed?: tf.Tensor2D): tf.Tensor {
    return tf.tidy(() => {
      const d = this.config.hiddenSize;
      const flat = tf.reshape(hidden, [-1, d]) as tf.Tensor2D;
      const table = this.param(headName(this.config)) as tf.Tensor as tf.Tensor2D;
      const logits = head(flat, table, headTransposed);
      const finish = architectureOf(this.config).finishLogits;
      const finished = finish ? finish(this.config, logits) : logits;
      return tf.reshape(finished, [...hidden.shape.slice(0, -1), this.config.vocabSize]);
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
    this.training = options.training === true;
    const out = tf.tidy(() => {
      const res = architectureOf(this.config).stack(this.config, this.weights, {
        ids: tf.tensor1d(ids.flat(), 'int32'),
        batch,
        time,
        positions,
        mask,
        keepCache: cache !== undefined,
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
   * the reference penalty); 0 where the target is padding. See {@link tokenLogProbs}.
   */
  tokenLogProbs(
    inputIds: number[][] | tf.Tensor2D,
    options: Pick<ForwardOptions, 'attentionMask' | 'positionIds' | 'training'> = {},
  ): tf.Tensor2D {
    return tokenLogProbs(this, inputIds, options);
  }

  /**
   * Log-probabilities of `continuations` after `prompts` (token ids, any lengths), with the hidden
   * states that predict them. Differentiable. See {@link continuationLogProbs}.
   */
  continuationLogProbs(
    prompts: readonly (readonly number[])[],
    continuations: readonly (readonly number[])[],
    options: ContinuationOptions = {},
  ): ContinuationLogProbs {
    return continuationLogProbs(this, prompts, continuations, options);
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

  /**
   * Runs `fn` with the LoRA adapter switched off (the base model's outputs), then switches it back
   * on, even when `fn` throws: the reference policy of LoRA training without a second copy of the
   * weights, as PEFT's `disable_adapter()`. Without an adapter it simply runs `fn`.
   */
  withoutLora<T>(fn: () => T): T {
    const adapter = this.adapter;
    if (!adapter?.enabled) return fn();
    adapter.enabled = false;
    try {
      return fn();
    } finally {
      adapter.enabled = true;
    }
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
 * A trainable variable holding `p` (on the cpu backend it keeps `p.data` itself, no copy; wasm and
 * native backends copy it into their own memory).
 */
export function paramVariable(p: { shape: number[]; data: Float32Array }): tf.Variable {
  const t = tf.tensor(p.data, p.shape, 'float32');
  const v = tf.variable(t, true);
  t.dispose(); // the variable keeps the data
  return v;
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
  checkFitsBackend(parsed, tf.getBackend(), 'createCausalLM');
  return new CausalLM(parsed, initParams(parsed, options.seed ?? 0), {
    tokenizer: options.tokenizer,
  });
}

export { KVCache };
