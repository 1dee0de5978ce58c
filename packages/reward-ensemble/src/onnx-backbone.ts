// A backbone on any ONNX model that `@huggingface/transformers` (transformers.js) loads with
// `AutoModel` and that outputs `last_hidden_state` (an optimum `feature-extraction` export): the
// paper's Gemma-2b-it, or any other, from a local folder or the hub.

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type ChatMessage, ResourceError } from '@va/core';
import {
  type Backbone,
  type BackboneSpec,
  concatFeatures,
  type EmbedOptions,
  type FeatureMatrix,
  type Pooling,
  poolHiddenStates,
} from './backbone.js';
import { formatHHDialogue } from './chat.js';

/** Options of {@link loadOnnxBackbone}. */
export interface OnnxBackboneOptions {
  /** `last` (default): the last non-padding token's hidden state; `mean`: the mean over tokens. */
  readonly pooling?: Pooling;
  /** Keep at most this many tokens per text, from the end (where the response is). Default 1024. */
  readonly maxLength?: number;
  /** Never download (`env.allowRemoteModels = false`); a hub id must be in `cacheDir` already. */
  readonly offline?: boolean;
  /** transformers.js download cache (`env.cacheDir`); default: its own. */
  readonly cacheDir?: string;
  /** Weights variant, as transformers.js names them (`fp32` -> onnx/model.onnx, `q8`, `fp16`, ...). */
  readonly dtype?: string;
  /** Hub revision (ignored for folders). */
  readonly revision?: string;
  /** The `fetch` transformers.js downloads with (`env.fetch`); tests pass a fake hub. */
  readonly fetch?: typeof fetch;
}

type Transformers = typeof import('@huggingface/transformers');

async function importTransformers(): Promise<Transformers> {
  try {
    return await import('@huggingface/transformers');
  } catch (e) {
    throw new ResourceError(
      'loadOnnxBackbone: @huggingface/transformers is not installed; it is an optional peer ' +
        'dependency of @va/reward-ensemble: npm install @huggingface/transformers',
      { cause: e },
    );
  }
}

/** sha256 of the small files and of the size, head and tail of each weight file of a folder. */
async function folderIdentity(folder: string): Promise<string> {
  const h = createHash('sha256');
  for (const name of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) {
    if (existsSync(join(folder, name))) h.update(name).update(await readFile(join(folder, name)));
  }
  const onnxDir = join(folder, 'onnx');
  const files = existsSync(onnxDir)
    ? (await readdir(onnxDir)).sort().map((f) => join(onnxDir, f))
    : [];
  const chunk = 4 << 20;
  for (const file of files) {
    const { size } = await stat(file);
    h.update(`${file.slice(folder.length)}:${size}`);
    const fd = await open(file, 'r');
    try {
      const head = Buffer.alloc(Math.min(chunk, size));
      await fd.read(head, 0, head.length, 0);
      const tail = Buffer.alloc(Math.min(chunk, size));
      await fd.read(tail, 0, tail.length, size - tail.length);
      h.update(head).update(tail);
    } finally {
      await fd.close();
    }
  }
  return h.digest('hex').slice(0, 16);
}

/**
 * Loads an ONNX backbone. `source`: a folder in the transformers.js layout (`config.json`,
 * `tokenizer.json`, `tokenizer_config.json`, `onnx/model.onnx`) or a hub id. Texts are padded on
 * the right, which is exact for encoders and causal decoders alike when features are pooled.
 */
export async function loadOnnxBackbone(
  source: string,
  options: OnnxBackboneOptions = {},
): Promise<OnnxBackbone> {
  const tf = await importTransformers();
  const folder = existsSync(source) ? resolve(source) : undefined;
  const { env } = tf;
  env.allowLocalModels = true;
  env.allowRemoteModels = !options.offline && !folder;
  if (options.cacheDir) env.cacheDir = options.cacheDir;
  if (options.fetch) env.fetch = options.fetch;
  const id = folder ?? source;
  const revision = options.revision ?? 'main';
  const cached = env.cacheDir
    ? join(env.cacheDir, source, ...(revision === 'main' ? [] : [revision]))
    : undefined;
  if (!folder && options.offline && !(cached && existsSync(join(cached, 'config.json')))) {
    throw new ResourceError(
      `loadOnnxBackbone: '${source}' is not a folder and not in the local cache (${
        cached ? join(cached, 'config.json') : 'env.cacheDir is unset'
      } is missing), and offline is set: run once without offline, or set cacheDir to where it was downloaded`,
    );
  }
  const common = {
    local_files_only: Boolean(options.offline || folder),
    revision: options.revision,
  };
  let tokenizer: InstanceType<Transformers['PreTrainedTokenizer']>;
  let model: InstanceType<Transformers['PreTrainedModel']>;
  try {
    tokenizer = await tf.AutoTokenizer.from_pretrained(id, common);
    model = await tf.AutoModel.from_pretrained(id, {
      ...common,
      dtype: (options.dtype ?? 'fp32') as 'fp32',
      device: 'cpu',
    });
  } catch (e) {
    const hint = folder
      ? `check that ${folder} holds config.json, tokenizer.json, tokenizer_config.json and onnx/model.onnx`
      : options.offline
        ? 'it is not in the local cache: run once without offline (or set cacheDir to where it is)'
        : 'check the hub id and the network';
    throw new ResourceError(
      `loadOnnxBackbone: cannot load '${source}': ${(e as Error).message} (${hint})`,
      {
        cause: e,
      },
    );
  }
  const config = model.config as unknown as Record<string, unknown>;
  const dim = Number(config.hidden_size ?? config.n_embd ?? config.d_model);
  if (!Number.isInteger(dim) || dim <= 0) {
    throw new ResourceError(
      `loadOnnxBackbone: config.json of '${source}' names no hidden_size / n_embd / d_model`,
    );
  }
  const limit = Number(config.max_position_embeddings ?? config.n_positions ?? 1024);
  const maxLength = Math.min(options.maxLength ?? 1024, limit);
  const pooling = options.pooling ?? 'last';
  // A hub model is identified by the files it was loaded from, in transformers.js's cache.
  const weights = folder
    ? await folderIdentity(folder)
    : cached && existsSync(cached)
      ? await folderIdentity(cached)
      : `hub:${source}@${revision}`;
  const identity = `onnx/${weights}/${options.dtype ?? 'fp32'}/${pooling}/${maxLength}`;
  const spec: BackboneSpec = { kind: 'onnx', source: folder ?? source, pooling, maxLength };
  return new OnnxBackbone(tf, tokenizer, model, {
    dim,
    maxLength,
    pooling,
    identity,
    spec,
    source,
  });
}

/** The backbone {@link loadOnnxBackbone} returns. */
export class OnnxBackbone implements Backbone {
  readonly name: string;
  readonly identity: string;
  readonly dim: number;
  readonly spec: BackboneSpec;
  readonly pooling: Pooling;
  readonly maxLength: number;

  constructor(
    private readonly tf: Transformers,
    readonly tokenizer: InstanceType<Transformers['PreTrainedTokenizer']>,
    readonly model: InstanceType<Transformers['PreTrainedModel']>,
    meta: {
      dim: number;
      maxLength: number;
      pooling: Pooling;
      identity: string;
      spec: BackboneSpec;
      source: string;
    },
  ) {
    this.dim = meta.dim;
    this.maxLength = meta.maxLength;
    this.pooling = meta.pooling;
    this.identity = meta.identity;
    this.spec = meta.spec;
    this.name = `onnx(${meta.source.split('/').slice(-2).join('/')}, ${meta.pooling})`;
  }

  /** The tokenizer's chat template where it has one, else the HH-RLHF format. */
  formatConversation(messages: readonly ChatMessage[]): string {
    if (!this.tokenizer.chat_template) return formatHHDialogue(messages);
    return this.tokenizer.apply_chat_template(messages as ChatMessage[], {
      tokenize: false,
      add_generation_prompt: false,
    }) as string;
  }

  /** Token ids of one text: special tokens added once, the last `maxLength` kept. */
  encode(text: string): number[] {
    let ids = this.tokenizer.encode(text) as number[];
    const bos = (this.tokenizer as unknown as { bos_token_id?: number }).bos_token_id;
    if (bos !== undefined && ids.length > 1 && ids[0] === bos && ids[1] === bos) ids = ids.slice(1);
    return ids.length > this.maxLength ? ids.slice(ids.length - this.maxLength) : ids;
  }

  async embed(texts: readonly string[], options: EmbedOptions = {}): Promise<FeatureMatrix> {
    const batchSize = options.batchSize ?? 8;
    const parts: FeatureMatrix[] = [];
    const pad = (this.tokenizer as unknown as { pad_token_id?: number }).pad_token_id ?? 0;
    for (let start = 0; start < texts.length; start += batchSize) {
      options.signal?.throwIfAborted();
      const batch = texts.slice(start, start + batchSize).map((t) => this.encode(t));
      const time = Math.max(...batch.map((ids) => ids.length));
      const ids = new BigInt64Array(batch.length * time);
      const maskData = new BigInt64Array(batch.length * time);
      const mask = batch.map((row, b) => {
        const m = new Array<number>(time).fill(0);
        for (let t = 0; t < time; t++) {
          ids[b * time + t] = BigInt(t < row.length ? row[t]! : pad);
          maskData[b * time + t] = t < row.length ? 1n : 0n;
          m[t] = t < row.length ? 1 : 0;
        }
        return m;
      });
      const dims = [batch.length, time];
      const out = (await this.model({
        input_ids: new this.tf.Tensor('int64', ids, dims),
        attention_mask: new this.tf.Tensor('int64', maskData, dims),
      })) as Record<string, { data: Float32Array; dims: number[] }>;
      const hidden = out.last_hidden_state;
      if (!hidden) {
        throw new ResourceError(
          `OnnxBackbone.embed: the model outputs ${Object.keys(out).join(', ')}, not last_hidden_state; ` +
            'export it for feature extraction (optimum-cli export onnx --task feature-extraction)',
        );
      }
      parts.push(poolHiddenStates(hidden.data, [batch.length, time, this.dim], mask, this.pooling));
      options.onProgress?.({
        task: 'embed',
        done: Math.min(start + batchSize, texts.length),
        total: texts.length,
        unit: 'texts',
      });
    }
    return concatFeatures(parts, this.dim);
  }

  async dispose(): Promise<void> {
    await this.model.dispose();
  }
}
