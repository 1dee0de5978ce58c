// The ensemble reward model (SPEC 3): one backbone pass per text, K linear heads, and per
// (prompt, response) the mean over members (the noisy reward rHat) and the sample variance (sigma2).

import {
  type ChatMessage,
  ResourceError,
  type RewardModel,
  type RewardModelFactory,
  type RewardQuery,
  type RewardScore,
  type ScoreOptions,
  ValidationError,
} from '@va/core';
import type { Backbone, BackboneSpec, EmbedOptions, FeatureMatrix } from './backbone.js';
import { promptToMessages } from './chat.js';
import { createBackbone } from './create-backbone.js';
import { type EnsembleHeads, scoreWithHeads } from './ensemble-heads.js';
import { memberMeanVariance } from './ensemble-stats.js';
import type { FeatureCache } from './feature-cache.js';
import { join, mkdir, readFile, resolve, writeFile } from './files.js';
import type { PreferencePair } from './preference-record.js';

/** Format tag of `ensemble.json`. */
export const ENSEMBLE_FORMAT = 'va-reward-ensemble';

/** Options of {@link RewardEnsemble}. */
export interface RewardEnsembleOptions {
  /** Texts per backbone pass when scoring. */
  readonly batchSize?: number;
  /** Serve repeated texts from this cache instead of the backbone. */
  readonly cache?: FeatureCache;
  /** Anything worth keeping beside the heads in `ensemble.json` (training config, accuracies). */
  readonly info?: Readonly<Record<string, unknown>>;
}

/** Member rewards of `rows` texts: a `rows x k` row-major matrix. */
export interface MemberRewards {
  readonly rows: number;
  readonly k: number;
  readonly values: Float64Array;
}

/** The text a backbone reads for `prompt` messages followed by `response` from the assistant. */
export function conversationText(
  backbone: Backbone,
  prompt: readonly ChatMessage[],
  response: string,
): string {
  return backbone.formatConversation([...prompt, { role: 'assistant', content: response }]);
}

/** The chosen and rejected texts of preference pairs, as the backbone reads them. */
export function pairTexts(
  backbone: Backbone,
  pairs: readonly PreferencePair[],
): { chosen: string[]; rejected: string[] } {
  return {
    chosen: pairs.map((p) => conversationText(backbone, p.prompt, p.chosen)),
    rejected: pairs.map((p) => conversationText(backbone, p.prompt, p.rejected)),
  };
}

function roundToFloat32(heads: EnsembleHeads): EnsembleHeads {
  return {
    dim: heads.dim,
    k: heads.k,
    weight: Float64Array.from(heads.weight, Math.fround),
    bias: Float64Array.from(heads.bias, Math.fround),
  };
}

/**
 * An ensemble of K reward heads on one backbone. Implements `RewardModel`: `score` gives, per
 * query, the member rewards, their mean (`mean` and `sample`) and sample variance (ddof 1). Heads
 * are held at float32 precision, as saved, so a saved and loaded ensemble scores bit-identically.
 */
export class RewardEnsemble implements RewardModel {
  readonly heads: EnsembleHeads;
  readonly name: string;
  readonly info: Readonly<Record<string, unknown>>;
  private readonly batchSize: number;
  private readonly cache?: FeatureCache;

  constructor(
    readonly backbone: Backbone,
    heads: EnsembleHeads,
    options: RewardEnsembleOptions = {},
  ) {
    if (heads.dim !== backbone.dim) {
      throw new ValidationError(
        'RewardEnsemble',
        'heads.dim',
        `${backbone.dim} (the width of backbone '${backbone.name}')`,
        heads.dim,
      );
    }
    if (heads.k < 2) {
      throw new ValidationError(
        'RewardEnsemble',
        'heads.k',
        'at least 2 members (the variance needs 2)',
        heads.k,
      );
    }
    this.heads = roundToFloat32(heads);
    for (const [name, values] of [
      ['heads.weight', this.heads.weight],
      ['heads.bias', this.heads.bias],
    ] as const) {
      const at = values.findIndex((v) => !Number.isFinite(v));
      if (at >= 0) {
        throw new ValidationError(
          'RewardEnsemble',
          `${name}[${at}]`,
          'finite at float32 (the precision heads are held and saved at)',
          (name === 'heads.weight' ? heads.weight : heads.bias)[at],
          'The training that made these heads diverged; train again with a lower learning rate.',
        );
      }
    }
    this.name = `ensemble(k=${heads.k}, backbone=${backbone.name})`;
    this.batchSize = options.batchSize ?? 16;
    this.cache = options.cache;
    this.info = options.info ?? {};
  }

  get k(): number {
    return this.heads.k;
  }

  /** Backbone features of `texts` (through the cache when there is one). */
  async features(texts: readonly string[], options: EmbedOptions = {}): Promise<FeatureMatrix> {
    const opts = { batchSize: this.batchSize, ...options };
    return this.cache
      ? this.cache.features(this.backbone, texts, opts)
      : this.backbone.embed(texts, opts);
  }

  /** Every member's reward for each text (texts already formatted for the backbone). */
  async memberRewardsOfTexts(
    texts: readonly string[],
    options: EmbedOptions = {},
  ): Promise<MemberRewards> {
    const features = await this.features(texts, options);
    return { rows: texts.length, k: this.k, values: scoreWithHeads(this.heads, features) };
  }

  /** The texts of reward queries as the backbone reads them (an HH-format prompt is split into turns). */
  queryTexts(queries: readonly RewardQuery[]): string[] {
    return queries.map((q, i) => {
      if (typeof q?.prompt !== 'string' || typeof q.response !== 'string') {
        throw new ValidationError(
          'RewardEnsemble.score',
          `queries[${i}]`,
          '{prompt: string, response: string}',
          q,
        );
      }
      return conversationText(this.backbone, promptToMessages(q.prompt), q.response);
    });
  }

  /** Mean, sample variance and member rewards per query. */
  async score(queries: readonly RewardQuery[], options: ScoreOptions = {}): Promise<RewardScore[]> {
    const texts = this.queryTexts(queries);
    const { values, k } = await this.memberRewardsOfTexts(texts, { signal: options.signal });
    return texts.map((_, r) => {
      const members = Array.from(values.subarray(r * k, (r + 1) * k));
      const bad = members.findIndex((m) => !Number.isFinite(m));
      if (bad >= 0) {
        throw new ResourceError(
          `RewardEnsemble.score: member ${bad}'s reward of queries[${r}] is ${members[bad]}; ` +
            `the backbone '${this.backbone.name}' gave non-finite or huge features for it`,
        );
      }
      const { mean, variance } = memberMeanVariance(members);
      return { mean, variance, sample: mean, members };
    });
  }

  /** Member rewards of the chosen and the rejected response of each pair, in one backbone pass. */
  async scorePairs(
    pairs: readonly PreferencePair[],
    options: EmbedOptions = {},
  ): Promise<{ chosen: Float64Array; rejected: Float64Array; k: number }> {
    const { chosen, rejected } = pairTexts(this.backbone, pairs);
    const { values, k } = await this.memberRewardsOfTexts([...chosen, ...rejected], options);
    const n = pairs.length;
    return { chosen: values.slice(0, n * k), rejected: values.slice(n * k), k };
  }

  /**
   * Writes `heads.safetensors` (`score.weight` [K, d] as a K-label sequence-classification head,
   * float32; `score.bias` [K] when non-zero) and `ensemble.json` (format, backbone spec and
   * identity, K, d, info). An `lm`/`onnx` backbone from a folder is referred to by absolute path;
   * one trained in the first stage is written to `dir/backbone` and referred to relatively.
   */
  async save(dir: string, options: { backboneSpec?: BackboneSpec } = {}): Promise<void> {
    await mkdir(dir, { recursive: true });
    const { dim, k, weight, bias } = this.heads;
    const scoreWeight = new Float32Array(k * dim);
    for (let i = 0; i < dim; i++)
      for (let j = 0; j < k; j++) scoreWeight[j * dim + i] = weight[i * k + j]!;
    const tensors = new Map([['score.weight', { shape: [k, dim], data: scoreWeight }]]);
    if (bias.some((b) => b !== 0))
      tensors.set('score.bias', { shape: [k], data: Float32Array.from(bias) });
    const { serializeSafetensors } = await import('@va/lm/safetensors');
    await writeFile(
      join(dir, 'heads.safetensors'),
      serializeSafetensors(tensors, { metadata: { format: 'pt' } }),
    );
    const spec = options.backboneSpec ?? (await this.backbone.persist?.(dir)) ?? this.backbone.spec;
    const manifest = {
      format: ENSEMBLE_FORMAT,
      version: 1,
      k,
      dim,
      backbone: spec,
      backboneIdentity: this.backbone.identity,
      backboneName: this.backbone.name,
      info: this.info,
    };
    await writeFile(join(dir, 'ensemble.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  }

  /**
   * Loads an ensemble saved by {@link RewardEnsemble.save}. The backbone is built from the saved
   * spec (a relative `source` is resolved against `dir`) unless one is passed; either way its
   * identity must match the saved one, so heads never sit on features they were not trained on.
   */
  static async load(
    dir: string,
    options: RewardEnsembleOptions & { backbone?: Backbone } = {},
  ): Promise<RewardEnsemble> {
    let manifest: {
      format?: string;
      k: number;
      dim: number;
      backbone: BackboneSpec;
      backboneIdentity: string;
      info?: Record<string, unknown>;
    };
    try {
      manifest = JSON.parse(await readFile(join(dir, 'ensemble.json'), 'utf8'));
    } catch (e) {
      throw new ResourceError(
        `RewardEnsemble.load: cannot read ${join(dir, 'ensemble.json')}: ${(e as Error).message}`,
      );
    }
    if (manifest.format !== ENSEMBLE_FORMAT) {
      throw new ResourceError(
        `RewardEnsemble.load: ${join(dir, 'ensemble.json')} has format '${manifest.format}', expected '${ENSEMBLE_FORMAT}'`,
      );
    }
    const { parseSafetensors } = await import('@va/lm/safetensors');
    const headsFile = join(dir, 'heads.safetensors');
    let parsed: ReturnType<typeof parseSafetensors>;
    try {
      parsed = parseSafetensors(new Uint8Array(await readFile(headsFile)));
    } catch (e) {
      throw new ResourceError(
        `RewardEnsemble.load: cannot read ${headsFile} (${(e as Error).message}). ` +
          'Fix: save the ensemble again (va-ensemble train), or copy the whole folder it was saved in',
        { cause: e },
      );
    }
    const w = parsed.tensors.get('score.weight');
    const { k, dim } = manifest;
    if (w?.shape.length !== 2 || w.shape[0] !== k || w.shape[1] !== dim) {
      throw new ResourceError(
        `RewardEnsemble.load: heads.safetensors must hold 'score.weight' of shape [${k}, ${dim}], got ${
          w ? `[${w.shape.join(', ')}]` : 'none'
        }`,
      );
    }
    const weight = new Float64Array(dim * k);
    for (let j = 0; j < k; j++)
      for (let i = 0; i < dim; i++) weight[i * k + j] = w.data[j * dim + i]!;
    const b = parsed.tensors.get('score.bias');
    const bias = b ? Float64Array.from(b.data) : new Float64Array(k);
    // Heads of a diverged run would score NaN, which JSON prints as null: refuse them here.
    for (const [name, values, width] of [
      ['score.weight', weight, k],
      ['score.bias', bias, 1],
    ] as const) {
      const at = values.findIndex((v) => !Number.isFinite(v));
      if (at >= 0) {
        const where = width === 1 ? `[${at}]` : `of member ${at % k}`;
        throw new ResourceError(
          `RewardEnsemble.load: ${headsFile} holds a non-finite ${name} ${where} (${values[at]}): the run that saved it diverged. ` +
            'Fix: train again with a lower learning rate (--lr)',
        );
      }
    }
    let backbone = options.backbone;
    if (!backbone) {
      const spec = manifest.backbone;
      const local =
        'source' in spec && /^(\.|\/)/.test(spec.source)
          ? { ...spec, source: resolve(dir, spec.source) }
          : spec;
      backbone = await createBackbone(local);
    }
    if (backbone.identity !== manifest.backboneIdentity) {
      throw new ResourceError(
        `RewardEnsemble.load: the heads in ${dir} were trained on backbone '${manifest.backboneIdentity}', ` +
          `but the backbone given is '${backbone.identity}'. Pass the backbone they were trained on.`,
      );
    }
    return new RewardEnsemble(
      backbone,
      { dim, k, weight, bias },
      { ...options, info: manifest.info ?? {} },
    );
  }

  async dispose(): Promise<void> {
    await this.backbone.dispose();
  }
}

/**
 * `ensemble:<dir>`, the reward model a `RewardModelRegistry` names (the `va` command registers it):
 * the ensemble saved in `dir` (relative to `context.baseDir`), mean and sample variance of its members.
 */
export const ensembleRewardModel: RewardModelFactory = (dir, context) =>
  RewardEnsemble.load(resolve(context.baseDir ?? '', dir));
