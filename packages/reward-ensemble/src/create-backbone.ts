// Builds a backbone from a spec or a short string: `hashed`, `default` (the embedded @va/lm
// model), `lm:<folder or hub id>`, `onnx:<folder or hub id>`. Heavy backends load only when asked.

import { ValidationError } from '@va/core';
import type { Backbone, BackboneSpec, Pooling } from './backbone.js';
import { HashedBackbone, type HashedBackboneConfig } from './hashed-backbone.js';

/** Options that apply to the `lm` and `onnx` backbones. */
export interface CreateBackboneOptions {
  readonly pooling?: Pooling;
  /** Truncate texts to this many tokens, keeping the end (where the response is). */
  readonly maxLength?: number;
  /** Never touch the network: a hub id must already be in the local cache. */
  readonly offline?: boolean;
}

/** Parses `hashed`, `default`, `lm:<source>` or `onnx:<source>` into a {@link BackboneSpec}. */
export function parseBackboneSpec(text: string, options: CreateBackboneOptions = {}): BackboneSpec {
  const extra = {
    ...(options.pooling ? { pooling: options.pooling } : {}),
    ...(options.maxLength ? { maxLength: options.maxLength } : {}),
  };
  if (text === 'hashed') return { kind: 'hashed' };
  if (text === 'default') return { kind: 'lm', source: 'default', ...extra };
  const m = /^(lm|onnx):(.+)$/.exec(text);
  if (m) return { kind: m[1] as 'lm' | 'onnx', source: m[2]!, ...extra };
  throw new ValidationError(
    'parseBackboneSpec',
    'text',
    "'hashed', 'default', 'lm:<folder or hub id>' or 'onnx:<folder or hub id>'",
    text,
  );
}

/** Builds the backbone a spec (or spec string) names. */
export async function createBackbone(
  spec: BackboneSpec | string,
  options: CreateBackboneOptions = {},
): Promise<Backbone> {
  const s = typeof spec === 'string' ? parseBackboneSpec(spec, options) : spec;
  switch (s.kind) {
    case 'hashed':
      return new HashedBackbone((s.options ?? {}) as Partial<HashedBackboneConfig>);
    case 'lm': {
      const { loadLmBackbone } = await import('./lm-backbone.js');
      return loadLmBackbone(s.source, {
        pooling: s.pooling,
        maxLength: s.maxLength,
        offline: options.offline,
      });
    }
    case 'onnx': {
      const { loadOnnxBackbone } = await import('./onnx-backbone.js');
      return loadOnnxBackbone(s.source, {
        pooling: s.pooling,
        maxLength: s.maxLength,
        offline: options.offline,
      });
    }
    default:
      throw new ValidationError(
        'createBackbone',
        'spec.kind',
        "'hashed', 'lm' or 'onnx'",
        (s as { kind: unknown }).kind,
      );
  }
}
