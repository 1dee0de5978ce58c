// Parameter names, shapes and layouts of every family, as Hugging Face checkpoints hold them, and
// the checks that refuse a checkpoint that does not fit its config (nanoGPT's from_pretrained).

import { ResourceError, Rng } from '@va/core';
import type { ModelConfig } from './config.js';

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
  /** What initialisation and weight decay treat it as. */
  readonly kind: 'matrix' | 'embedding' | 'bias' | 'norm';
  /** Residual output projections get a smaller initial scale (GPT-2). */
  readonly residual?: boolean;
}

/** The table that computes logits (`wte`, `model.embed_tokens` when tied, else `lm_head`). */
export function headName(config: ModelConfig): string {
  if (config.family === 'gpt2') return 'wte.weight';
  return config.tieWordEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight';
}

/** Every parameter of a model of `config`, in checkpoint order. */
export function parameterSpecs(config: ModelConfig): ParamSpec[] {
  const d = config.hiddenSize;
  const out: ParamSpec[] = [];
  const add = (
    name: string,
    shape: number[],
    kind: ParamSpec['kind'],
    transposed = false,
    residual = false,
  ) => out.push({ name, shape, kind, transposed, residual });
  if (config.family === 'gpt2') {
    const f = config.intermediateSize;
    add('wte.weight', [config.vocabSize, d], 'embedding');
    add('wpe.weight', [config.maxPositions, d], 'embedding');
    for (let i = 0; i < config.numLayers; i++) {
      const p = `h.${i}`;
      add(`${p}.ln_1.weight`, [d], 'norm');
      add(`${p}.ln_1.bias`, [d], 'bias');
      add(`${p}.attn.c_attn.weight`, [d, 3 * d], 'matrix');
      add(`${p}.attn.c_attn.bias`, [3 * d], 'bias');
      add(`${p}.attn.c_proj.weight`, [d, d], 'matrix', false, true);
      add(`${p}.attn.c_proj.bias`, [d], 'bias');
      add(`${p}.ln_2.weight`, [d], 'norm');
      add(`${p}.ln_2.bias`, [d], 'bias');
      add(`${p}.mlp.c_fc.weight`, [d, f], 'matrix');
      add(`${p}.mlp.c_fc.bias`, [f], 'bias');
      add(`${p}.mlp.c_proj.weight`, [f, d], 'matrix', false, true);
      add(`${p}.mlp.c_proj.bias`, [d], 'bias');
    }
    add('ln_f.weight', [d], 'norm');
    add('ln_f.bias', [d], 'bias');
    return out;
  }
  const q = config.numHeads * config.headDim;
  const kv = config.numKvHeads * config.headDim;
  const f = config.intermediateSize;
  const mlpBias = config.family === 'llama' && config.hf.mlp_bias;
  // Gemma: the same names, plus Gemma 2/3's norms around the MLP and Gemma 3's q/k head norms.
  const gemma = config.family === 'gemma' ? config : undefined;
  add('model.embed_tokens.weight', [config.vocabSize, d], 'embedding');
  for (let i = 0; i < config.numLayers; i++) {
    const p = `model.layers.${i}`;
    add(`${p}.input_layernorm.weight`, [d], 'norm');
    for (const [m, width] of [
      ['q_proj', q],
      ['k_proj', kv],
      ['v_proj', kv],
    ] as const) {
      add(`${p}.self_attn.${m}.weight`, [width, d], 'matrix', true);
      if (config.qkvBias) add(`${p}.self_attn.${m}.bias`, [width], 'bias');
    }
    add(`${p}.self_attn.o_proj.weight`, [d, q], 'matrix', true, true);
    if (config.oBias) add(`${p}.self_attn.o_proj.bias`, [d], 'bias');
    if (gemma?.qkNorm) {
      add(`${p}.self_attn.q_norm.weight`, [config.headDim], 'norm');
      add(`${p}.self_attn.k_norm.weight`, [config.headDim], 'norm');
    }
    add(`${p}.post_attention_layernorm.weight`, [d], 'norm');
    if (gemma?.sandwichNorms) {
      add(`${p}.pre_feedforward_layernorm.weight`, [d], 'norm');
      add(`${p}.post_feedforward_layernorm.weight`, [d], 'norm');
    }
    add(`${p}.mlp.gate_proj.weight`, [f, d], 'matrix', true);
    if (mlpBias) add(`${p}.mlp.gate_proj.bias`, [f], 'bias');
    add(`${p}.mlp.up_proj.weight`, [f, d], 'matrix', true);
    if (mlpBias) add(`${p}.mlp.up_proj.bias`, [f], 'bias');
    add(`${p}.mlp.down_proj.weight`, [d, f], 'matrix', true, true);
    if (mlpBias) add(`${p}.mlp.down_proj.bias`, [d], 'bias');
  }
  add('model.norm.weight', [d], 'norm');
  if (!config.tieWordEmbeddings) add('lm_head.weight', [config.vocabSize, d], 'matrix');
  return out;
}

/** Shape of a parameter as we hold it ([in, out] for transposed Linear weights). */
export function internalShape(spec: ParamSpec): number[] {
  return spec.transposed ? [spec.shape[1]!, spec.shape[0]!] : [...spec.shape];
}

/** Transposes a row-major [rows, cols] matrix. */
export function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[base + c]!;
  }
  return out;
}

/** Checkpoint tensors we know and skip: GPT-2's causal-mask buffers, rotary caches. */
const IGNORED = [/(^|\.)attn\.(masked_)?bias$/, /rotary_emb\.inv_freq$/];

/** The name a checkpoint tensor has in our specs (GPT-2 checkpoints may prefix `transformer.`). */
function canonicalName(config: ModelConfig, name: string): string {
  return config.family === 'gpt2' && name.startsWith('transformer.')
    ? name.slice('transformer.'.length)
    : name;
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** A checkpoint tensor as the loaders hand it over. */
type CheckpointTensor = { shape: number[]; data: Float32Array };

/**
 * One checkpoint tensor checked against its spec and put in our layout (Linear weights transposed
 * into a new array; the caller drops the original). Returns undefined for a tensor the model does
 * not use, after adding its name to `unused` unless it is one we skip knowingly (buffers, a tied
 * `lm_head.weight`). Throws on a wrong shape, naming the tensor and both shapes.
 */
export function checkpointParam(
  config: ModelConfig,
  specs: ReadonlyMap<string, ParamSpec>,
  name: string,
  tensor: CheckpointTensor,
  unused: string[],
  where = 'loadCausalLM',
): { key: string; shape: number[]; data: Float32Array } | undefined {
  const key = canonicalName(config, name);
  const spec = specs.get(key);
  if (!spec) {
    const tiedHead = key === 'lm_head.weight' && config.tieWordEmbeddings;
    if (!tiedHead && !IGNORED.some((re) => re.test(key))) unused.push(name);
    return undefined;
  }
  const same =
    tensor.shape.length === spec.shape.length && tensor.shape.every((n, i) => n === spec.shape[i]);
  if (!same) {
    throw new ResourceError(
      `${where}: tensor '${name}' has shape ${shapeText(tensor.shape)}, expected ` +
        `${shapeText(spec.shape)} for this config.json (${config.modelType}, hidden size ` +
        `${config.hiddenSize}, ${config.numLayers} layers, vocabulary ${config.vocabSize}). ` +
        'Check that config.json belongs to these weights.',
    );
  }
  if (tensor.data.length !== tensor.shape.reduce((a, b) => a * b, 1)) {
    throw new ResourceError(
      `${where}: tensor '${name}' holds ${tensor.data.length} values, not the ${shapeText(tensor.shape)} its header says`,
    );
  }
  const data = spec.transposed
    ? transpose2d(tensor.data, spec.shape[0]!, spec.shape[1]!)
    : tensor.data;
  return { key, shape: internalShape(spec), data };
}

/** Refuses a checkpoint that lacks tensors of `config`, naming (the first of) them. */
export function checkNoneMissing(
  config: ModelConfig,
  specs: ReadonlyMap<string, ParamSpec>,
  found: { has(key: string): boolean },
  where = 'loadCausalLM',
): void {
  const missing = [...specs.keys()].filter((k) => !found.has(k));
  if (missing.length > 0) {
    const list = missing.slice(0, 8).join(', ');
    const more = missing.length > 8 ? ` and ${missing.length - 8} more` : '';
    throw new ResourceError(
      `${where}: the checkpoint is missing ${missing.length} tensor(s) that config.json ` +
        `(${config.modelType}, ${config.numLayers} layers) needs: ${list}${more}`,
    );
  }
}

/** The specs of `config` by name, in checkpoint order (what the two functions above look up). */
export function specsByName(config: ModelConfig): Map<string, ParamSpec> {
  return new Map(parameterSpecs(config).map((s) => [s.name, s]));
}

/**
 * Checks checkpoint tensors against `config` and returns them in our layout, keyed by spec name, in
 * spec order (variables and optimizer state line up across loads, whatever the file's order).
 * Refuses a tensor of the wrong shape and missing tensors; returns the names it did not use.
 */
export function checkpointToParams(
  config: ModelConfig,
  tensors: ReadonlyMap<string, CheckpointTensor>,
  where = 'loadCausalLM',
): { params: Map<string, CheckpointTensor>; unused: string[] } {
  const specs = specsByName(config);
  const found = new Map<string, CheckpointTensor>();
  const unused: string[] = [];
  for (const [name, tensor] of tensors) {
    const param = checkpointParam(config, specs, name, tensor, unused, where);
    if (param) found.set(param.key, { shape: param.shape, data: param.data });
  }
  checkNoneMissing(config, specs, found, where);
  const params = new Map([...specs.keys()].map((k) => [k, found.get(k)!]));
  return { params, unused };
}

/**
 * Our parameters in the checkpoint's names and layouts, ready to serialize. GPT-2 names get the
 * `transformer.` prefix, as `GPT2LMHeadModel.save_pretrained` writes them.
 */
export function paramsToCheckpoint(
  config: ModelConfig,
  params: ReadonlyMap<string, { shape: number[]; data: Float32Array }>,
): Map<string, { shape: number[]; data: Float32Array }> {
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const spec of parameterSpecs(config)) {
    const p = params.get(spec.name);
    if (!p) throw new ResourceError(`saveCausalLM: parameter '${spec.name}' is missing`);
    const data = spec.transposed ? transpose2d(p.data, spec.shape[1]!, spec.shape[0]!) : p.data;
    const name = config.family === 'gpt2' ? `transformer.${spec.name}` : spec.name;
    out.set(name, { shape: [...spec.shape], data });
  }
  return out;
}

/**
 * Fresh parameters in our layout: normal(0, initializer_range) matrices and embeddings, residual
 * projections scaled by 1/sqrt(2 * layers) (GPT-2), zero biases, unit norms (Gemma's norms hold
 * w in x * (1 + w), so 0). Seeded.
 */
export function initParams(
  config: ModelConfig,
  seed: number,
): Map<string, { shape: number[]; data: Float32Array }> {
  const std =
    typeof config.raw.initializer_range === 'number' ? config.raw.initializer_range : 0.02;
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const spec of parameterSpecs(config)) {
    const shape = internalShape(spec);
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    if (spec.kind === 'norm') data.fill(config.family === 'gemma' ? 0 : 1);
    else if (spec.kind !== 'bias') {
      const rng = new Rng(seed).fork(spec.name);
      const s = spec.residual ? std / Math.sqrt(2 * config.numLayers) : std;
      for (let i = 0; i < data.length; i++) data[i] = s * rng.normal();
    }
    out.set(spec.name, { shape, data });
  }
  return out;
}
