// The cheap baseline backbone: hashed word n-gram counts through a fixed, seeded sparse random
// projection (feature hashing, Weinberger et al. 2009; very sparse random projections, Li et al.
// 2006). No model, no tensors: for quick experiments and tests, not for real reward modelling.

import { type ChatMessage, createSha256, defineConfig, is } from '@va/core';
import type { Backbone, BackboneSpec, EmbedOptions, FeatureMatrix } from './backbone.js';
import { formatHHDialogue } from './chat.js';

/** Config of {@link HashedBackbone}. */
export interface HashedBackboneConfig {
  /** Width of the feature vectors. */
  readonly dim: number;
  /** Longest word n-gram hashed (1 = bag of words, 2 = words and word pairs, ...). */
  readonly maxNgram: number;
  /** Non-zero entries of each n-gram's projection column (each +-1/sqrt(nonzeros)). */
  readonly nonzeros: number;
  /** Seed of the projection (fixed: the same seed gives the same features everywhere). */
  readonly seed: number;
  /** Lower-case the text before tokenising. */
  readonly lowercase: boolean;
  /**
   * Divide the summed projections by sqrt(number of n-grams) (`sqrt`), keeping scales comparable
   * across lengths, or keep raw sums (`none`: additive, so a prompt shared by both responses
   * cancels exactly in r(chosen) - r(rejected)).
   */
  readonly normalize: 'sqrt' | 'none';
}

export const HashedBackboneConfig = defineConfig<HashedBackboneConfig>('HashedBackboneConfig', {
  dim: { default: 256, doc: 'width of the feature vectors', check: is.positiveInteger },
  maxNgram: { default: 2, doc: 'longest word n-gram hashed', check: is.positiveInteger },
  nonzeros: {
    default: 4,
    doc: 'non-zero entries per n-gram projection column',
    check: is.positiveInteger,
  },
  seed: { default: 0, doc: 'seed of the fixed projection', check: is.nonNegativeInteger },
  lowercase: { default: true, doc: 'lower-case before tokenising' },
  normalize: {
    default: 'sqrt',
    doc: "'sqrt': divide by sqrt(#n-grams); 'none': raw additive sums",
    check: is.oneOf('sqrt', 'none'),
  },
});

const TOKEN = /[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu;

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** murmur3's 32-bit finaliser: spreads one hash into independent-looking ones. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The hashed n-gram baseline backbone. Deterministic, CPU-only, thousands of texts per second. */
export class HashedBackbone implements Backbone {
  readonly config: Readonly<HashedBackboneConfig>;
  readonly name: string;
  readonly identity: string;
  readonly dim: number;
  readonly spec: BackboneSpec;

  constructor(config: Partial<HashedBackboneConfig> = {}) {
    this.config = HashedBackboneConfig.resolve(config);
    this.dim = this.config.dim;
    this.name = `hashed-ngrams(d=${this.dim}, n<=${this.config.maxNgram})`;
    const canonical = JSON.stringify(
      Object.keys(this.config)
        .sort()
        .map((k) => [k, this.config[k as keyof HashedBackboneConfig]]),
    );
    this.identity = `hashed-ngrams/v1/${createSha256().update(canonical).digest('hex').slice(0, 16)}`;
    this.spec = { kind: 'hashed', options: { ...this.config } };
  }

  formatConversation(messages: readonly ChatMessage[]): string {
    return formatHHDialogue(messages);
  }

  /** The feature vector of one text. */
  embedOne(text: string, out = new Float32Array(this.dim), offset = 0): Float32Array {
    const { maxNgram, nonzeros, seed, lowercase, normalize } = this.config;
    const tokens = (lowercase ? text.toLowerCase() : text).match(TOKEN) ?? [];
    const value = 1 / Math.sqrt(nonzeros);
    let count = 0;
    for (let n = 1; n <= maxNgram; n++) {
      for (let i = 0; i + n <= tokens.length; i++) {
        const gram = n === 1 ? tokens[i]! : tokens.slice(i, i + n).join(' ');
        const h = fnv1a(gram) ^ Math.imul(seed + 1, 0x9e3779b9);
        for (let j = 0; j < nonzeros; j++) {
          const hj = fmix32(h + Math.imul(j + 1, 0x632be5ab));
          out[offset + (hj % this.dim)]! += hj & 0x80000000 ? -value : value;
        }
        count++;
      }
    }
    if (normalize === 'sqrt' && count > 0) {
      const s = 1 / Math.sqrt(count);
      for (let i = 0; i < this.dim; i++) out[offset + i]! *= s;
    }
    return out;
  }

  async embed(texts: readonly string[], options: EmbedOptions = {}): Promise<FeatureMatrix> {
    const data = new Float32Array(texts.length * this.dim);
    texts.forEach((text, r) => {
      if (r % 256 === 0) {
        options.signal?.throwIfAborted();
        options.onProgress?.({ task: 'embed', done: r, total: texts.length, unit: 'texts' });
      }
      this.embedOne(text, data, r * this.dim);
    });
    options.onProgress?.({ task: 'embed', done: texts.length, total: texts.length, unit: 'texts' });
    return { rows: texts.length, dim: this.dim, data };
  }

  dispose(): void {}
}
