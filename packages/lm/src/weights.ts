// What a family's parameter specs (architectures/) give: checkpoint tensors checked against the
// config (nanoGPT's from_pretrained) and put in our layout, and back; fresh seeded weights.

import { ResourceError, Rng } from '@va/core';
import type { ParamSpec } from './architectures/architecture.js';
import { architectureOf, type ModelConfig } from './architectures/index.js';

export type { ParamSpec };

const specCache = new WeakMap<ModelConfig, readonly ParamSpec[]>();

/**
 * Every parameter of a model of `config`, in checkpoint order, by Hugging Face name (GPT-2's without
 * `transformer.`): the family module's one list, which everything below derives from.
 */
export function parameterSpecs(config: ModelConfig): readonly ParamSpec[] {
  let specs = specCache.get(config);
  if (!specs) {
    specs = Object.freeze(
      architectureOf(config)
        .parameterSpecs(config)
        .map((s) => Object.freeze(s)),
    );
    specCache.set(config, specs);
  }
  return specs;
}

/** The table that computes logits (`wte`, `model.embed_tokens` when tied, else `lm_head`). */
export function headName(config: ModelConfig): string {
  return parameterSpecs(config).find((s) => s.head)!.name;
}

/** The Linear / Conv1D modules (LoRA's), by path (e.g. `h.0.attn.c_attn`): the matrices but the head. */
export function linearModules(config: ModelConfig): string[] {
  const matrices = parameterSpecs(config).filter((s) => s.kind === 'matrix' && !s.head);
  return matrices.map((s) => s.name.slice(0, -'.weight'.length));
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

/** The name a checkpoint tensor has in our specs (GPT-2 checkpoints may prefix `transformer.`). */
function canonicalName(config: ModelConfig, name: string): string {
  const prefix = architectureOf(config).checkpointPrefix;
  return prefix && name.startsWith(prefix) ? name.slice(prefix.length) : name;
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
    const buffer = architectureOf(config).ignoredTensors.some((re) => re.test(key));
    if (!tiedHead && !buffer) unused.push(name);
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
 * Our parameters in the checkpoint's names and layouts, ready to serialize, with the family's
 * prefix (GPT-2's `transformer.`, as `GPT2LMHeadModel.save_pretrained` writes them).
 */
export function paramsToCheckpoint(
  config: ModelConfig,
  params: ReadonlyMap<string, { shape: number[]; data: Float32Array }>,
): Map<string, { shape: number[]; data: Float32Array }> {
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  const prefix = architectureOf(config).checkpointPrefix;
  for (const spec of parameterSpecs(config)) {
    const p = params.get(spec.name);
    if (!p) throw new ResourceError(`saveCausalLM: parameter '${spec.name}' is missing`);
    const data = spec.transposed ? transpose2d(p.data, spec.shape[1]!, spec.shape[0]!) : p.data;
    out.set(`${prefix}${spec.name}`, { shape: [...spec.shape], data });
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
    if (spec.kind === 'norm') data.fill(architectureOf(config).normInit);
    else if (spec.kind !== 'bias') {
      const rng = new Rng(seed).fork(spec.name);
      const s = spec.residual ? std / Math.sqrt(2 * config.numLayers) : std;
      for (let i = 0; i < data.length; i++) data[i] = s * rng.normal();
    }
    out.set(spec.name, { shape, data });
  }
  return out;
}
