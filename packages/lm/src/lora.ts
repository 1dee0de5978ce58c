// LoRA adapters (Hu et al. 2021, "LoRA: Low-Rank Adaptation of Large Language Models"): y = x W + b
// + (alpha / r) * dropout(x) A B with the base frozen; saved and loaded in PEFT's layout.

import * as tf from '@tensorflow/tfjs';
import { type ConfigSpec, defineConfig, is, ResourceError, Rng, ValidationError } from '@va/core';
import { architectureOf, type ModelConfig } from './architectures/index.js';
import { join, makeDirectory, readBytes, readText, writeFile } from './files.js';
import { matmul } from './ops.js';
import { parseSafetensors, serializeSafetensors } from './safetensors.js';
import { linearModules, specsByName, transpose2d } from './weights.js';

/** Settings of a LoRA adapter (PEFT's `LoraConfig` names in camelCase). */
export interface LoraConfig {
  /** Rank of the update. */
  r: number;
  /** The update is scaled by alpha / r (alpha / sqrt(r) with `useRslora`). */
  alpha: number;
  /** Dropout on the adapter's input while training. */
  dropout: number;
  /** Modules to adapt, by name or path suffix (`['c_attn']`, `['q_proj', 'v_proj']`); null: PEFT's
   * default for the family (GPT-2 `c_attn`, Llama family and Gemma `q_proj`, `v_proj`). */
  targetModules: string[] | null;
  /** Scale by alpha / sqrt(r) (rank-stabilised LoRA). */
  useRslora: boolean;
  /** Seeds A's initialisation and the dropout masks. */
  seed: number;
}

export type LoraOptions = Partial<LoraConfig>;

/** LoRA settings with PEFT's defaults (r 8, alpha 8, no dropout). */
export const LoraConfig: ConfigSpec<LoraConfig> = defineConfig<LoraConfig>('LoraConfig', {
  r: { default: 8, doc: 'rank of the update', check: is.positiveInteger },
  alpha: { default: 8, doc: 'the update is scaled by alpha / r', check: is.positive },
  dropout: {
    default: 0,
    doc: "dropout on the adapter's input while training",
    check: (v) => (v >= 0 && v < 1 ? undefined : 'must be in [0, 1)'),
  },
  targetModules: {
    default: null,
    doc: "module names or path suffixes to adapt; null: the family's (GPT-2 ['c_attn'], others ['q_proj', 'v_proj'])",
    check: (v) =>
      v === null || (Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string'))
        ? undefined
        : 'must be null or a non-empty array of module names',
  },
  useRslora: { default: false, doc: 'scale by alpha / sqrt(r)' },
  seed: {
    default: 0,
    doc: 'seed of the initialisation and the dropout masks',
    check: is.nonNegativeInteger,
  },
});

/** The weights an adapter needs from its model. */
export interface LoraHost {
  readonly config: ModelConfig;
  param(name: string): tf.Variable;
  mergeLora(): void;
}

interface LoraPair {
  /** [in, r] (PEFT's lora_A.weight is [r, in]). */
  readonly a: tf.Variable;
  /** [r, out] (PEFT's lora_B.weight is [out, r]). */
  readonly b: tf.Variable;
}

function toVariable(data: Float32Array, shape: [number, number]): tf.Variable {
  const t = tf.tensor2d(data, shape);
  const v = tf.variable(t, true);
  t.dispose(); // the variable keeps the data
  return v;
}

function matches(path: string, target: string): boolean {
  return path === target || path.endsWith(`.${target}`);
}

/** A LoRA adapter attached to a model; create with `model.addLora(...)`. */
export class LoraAdapter {
  readonly settings: Readonly<LoraConfig> & { targetModules: string[] };
  /** alpha / r (or alpha / sqrt(r)). */
  readonly scale: number;
  private readonly pairs = new Map<string, LoraPair>();
  private readonly rng: Rng;

  constructor(
    private readonly host: LoraHost,
    settings: Readonly<LoraConfig>,
    init?: ReadonlyMap<string, { a: Float32Array; b: Float32Array }>,
  ) {
    const targets = settings.targetModules ?? architectureOf(host.config).loraTargets;
    this.settings = Object.freeze({ ...settings, targetModules: [...targets] });
    this.scale = settings.alpha / (settings.useRslora ? Math.sqrt(settings.r) : settings.r);
    this.rng = new Rng(settings.seed);
    const all = linearModules(host.config);
    for (const target of targets) {
      if (!all.some((p) => matches(p, target))) {
        const names = [...new Set(all.map((p) => p.split('.').at(-1)))].join(', ');
        throw new ValidationError(
          'CausalLM.addLora',
          'targetModules',
          `module names of this ${host.config.modelType} model (${names})`,
          target,
        );
      }
    }
    const r = settings.r;
    for (const path of all.filter((p) => targets.some((t) => matches(p, t)))) {
      const [din, dout] = host.param(`${path}.weight`).shape as [number, number];
      const given = init?.get(path);
      let a = given?.a;
      if (!a) {
        // PEFT: kaiming_uniform_(a=sqrt(5)) on lora_A, i.e. uniform(-1/sqrt(in), 1/sqrt(in)); B = 0.
        const bound = 1 / Math.sqrt(din);
        const rng = this.rng.fork(path);
        a = new Float32Array(din * r).map(() => rng.uniform(-bound, bound));
      }
      const b = given?.b ?? new Float32Array(r * dout);
      if (init && !given) {
        throw new ResourceError(
          `CausalLM.loadLora: the adapter file has no matrices for module '${path}', which target_modules selects`,
        );
      }
      this.pairs.set(path, { a: toVariable(a, [din, r]), b: toVariable(b, [r, dout]) });
    }
  }

  /** Adapted module paths, e.g. `h.0.attn.c_attn`. */
  get modules(): string[] {
    return [...this.pairs.keys()];
  }

  /** The adapter's matrices: what an optimizer updates. */
  variables(): tf.Variable[] {
    return [...this.pairs.values()].flatMap((p) => [p.a, p.b]);
  }

  /**
   * Whether the adapter takes part in forward passes. Switched off, the model computes its base
   * weights' outputs: PPO's reference policy without a second copy of the model (PEFT's
   * `disable_adapter()`); see `CausalLM.withoutLora`.
   */
  enabled = true;

  /** y + scale * dropout(x) A B for an adapted module; y unchanged otherwise (or when disabled). */
  apply(path: string, x: tf.Tensor2D, y: tf.Tensor2D, training: boolean): tf.Tensor2D {
    const pair = this.enabled ? this.pairs.get(path) : undefined;
    if (!pair) return y;
    const rate = this.settings.dropout;
    const input = training && rate > 0 ? tf.dropout(x, rate, undefined, this.rng.uint32()) : x;
    const update = matmul(
      matmul(input as tf.Tensor2D, pair.a as tf.Tensor as tf.Tensor2D),
      pair.b as tf.Tensor as tf.Tensor2D,
    );
    return tf.add(y, tf.mul(update, this.scale));
  }

  /** Folds scale * A B into the base weights (the caller detaches the adapter). */
  mergeInto(params: ReadonlyMap<string, tf.Variable>): void {
    for (const [path, { a, b }] of this.pairs) {
      const w = params.get(`${path}.weight`)!;
      tf.tidy(() => w.assign(tf.add(w, tf.mul(tf.matMul(a, b), this.scale))));
    }
  }

  /** Merges into the model's weights and detaches (PEFT's `merge_and_unload`). */
  merge(): void {
    this.host.mergeLora();
  }

  /**
   * Writes `adapter_config.json` and `adapter_model.safetensors` in PEFT's layout
   * (`base_model.model.<module>.lora_A.weight` [r, in], `lora_B.weight` [out, r]).
   */
  async save(dir: string, options: { baseModelNameOrPath?: string } = {}): Promise<void> {
    const config = this.host.config;
    const prefix = `base_model.model.${architectureOf(config).checkpointPrefix}`;
    const r = this.settings.r;
    const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const [path, { a, b }] of this.pairs) {
      const [din, dout] = [a.shape[0]!, b.shape[1]!];
      tensors.set(`${prefix}${path}.lora_A.weight`, {
        shape: [r, din],
        data: transpose2d(a.dataSync() as Float32Array, din, r),
      });
      tensors.set(`${prefix}${path}.lora_B.weight`, {
        shape: [dout, r],
        data: transpose2d(b.dataSync() as Float32Array, r, dout),
      });
    }
    const adapterConfig = {
      peft_type: 'LORA',
      task_type: 'CAUSAL_LM',
      base_model_name_or_path: options.baseModelNameOrPath ?? null,
      r,
      lora_alpha: this.settings.alpha,
      lora_dropout: this.settings.dropout,
      target_modules: this.settings.targetModules,
      // PEFT's name for Conv1D modules, whose weights are [in, out] in the checkpoint (GPT-2's).
      fan_in_fan_out: !specsByName(config).get(`${this.modules[0]}.weight`)!.transposed,
      bias: 'none',
      use_rslora: this.settings.useRslora,
      use_dora: false,
      modules_to_save: null,
      init_lora_weights: true,
      inference_mode: true,
      layers_to_transform: null,
      layers_pattern: null,
      rank_pattern: {},
      alpha_pattern: {},
      revision: null,
    };
    await makeDirectory(dir);
    await writeFile(
      join(dir, 'adapter_config.json'),
      `${JSON.stringify(adapterConfig, null, 2)}\n`,
    );
    await writeFile(join(dir, 'adapter_model.safetensors'), serializeSafetensors(tensors));
  }

  dispose(): void {
    for (const { a, b } of this.pairs.values()) {
      a.dispose();
      b.dispose();
    }
    this.pairs.clear();
  }
}

/** Attaches a fresh adapter to `host` (see {@link LoraConfig}). */
export function attachLora(host: LoraHost, options: LoraOptions = {}): LoraAdapter {
  return new LoraAdapter(host, LoraConfig.resolve(options));
}

/**
 * Reads a PEFT LoRA adapter folder (`adapter_config.json` + `adapter_model.safetensors`) for `host`,
 * checking every matrix's shape. Returns the settings and matrices for {@link LoraAdapter}.
 */
export async function readLoraFolder(
  host: LoraHost,
  dir: string,
): Promise<{
  settings: Readonly<LoraConfig>;
  init: Map<string, { a: Float32Array; b: Float32Array }>;
}> {
  const where = 'CausalLM.loadLora';
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(await readText(join(dir, 'adapter_config.json')));
  } catch (cause) {
    throw new ResourceError(
      `${where}: cannot read ${join(dir, 'adapter_config.json')}: ${(cause as Error).message}`,
    );
  }
  if (raw.peft_type !== 'LORA') {
    throw new ResourceError(
      `${where}: adapter_config.json has peft_type ${JSON.stringify(raw.peft_type)}; only 'LORA' adapters load`,
    );
  }
  const targets = raw.target_modules;
  const settings = LoraConfig.resolve({
    r: raw.r as number,
    alpha: raw.lora_alpha as number,
    dropout: (raw.lora_dropout as number) ?? 0,
    targetModules: typeof targets === 'string' ? null : (targets as string[]),
    useRslora: (raw.use_rslora as boolean) ?? false,
  });
  const file = parseSafetensors(await readBytes(join(dir, 'adapter_model.safetensors')));
  const init = new Map<string, { a: Float32Array; b: Float32Array }>();
  const r = settings.r;
  const prefix = architectureOf(host.config).checkpointPrefix.replaceAll('.', '\\.');
  const pattern = new RegExp(
    `^base_model\\.model\\.(?:${prefix})?(.+)\\.lora_([AB])(?:\\.default)?\\.weight$`,
  );
  for (const [name, t] of file.tensors) {
    const m = pattern.exec(name);
    if (!m) continue;
    const path = m[1]!;
    let w: tf.Variable;
    try {
      w = host.param(`${path}.weight`);
    } catch {
      throw new ResourceError(
        `${where}: adapter tensor '${name}' names module '${path}', which this ${host.config.modelType} model does not have`,
      );
    }
    const [din, dout] = w.shape as [number, number];
    const want = m[2] === 'A' ? [r, din] : [dout, r];
    if (t.shape.length !== 2 || t.shape[0] !== want[0] || t.shape[1] !== want[1]) {
      throw new ResourceError(
        `${where}: adapter tensor '${name}' has shape [${t.shape.join(', ')}], expected [${want.join(', ')}]`,
      );
    }
    const entry = init.get(path) ?? { a: new Float32Array(0), b: new Float32Array(0) };
    if (m[2] === 'A') entry.a = transpose2d(t.data, r, din);
    else entry.b = transpose2d(t.data, dout, r);
    init.set(path, entry);
  }
  for (const [path, e] of init) {
    if (e.a.length === 0 || e.b.length === 0) {
      throw new ResourceError(
        `${where}: adapter for '${path}' lacks its lora_${e.a.length === 0 ? 'A' : 'B'} matrix`,
      );
    }
  }
  // A string target_modules is a regular expression in PEFT: adapt exactly the modules in the file.
  const targetModules = typeof targets === 'string' ? [...init.keys()] : settings.targetModules;
  return { settings: Object.freeze({ ...settings, targetModules }), init };
}
