// Model FLOPs of the benches' steps (2 per multiply-add): the matrix products of a forward pass,
// every attention score counted (the kernels compute them all), the output head where logits are
// taken; a backward pass counts twice its forward. Shared by bench/lm.bench.ts and @va/ppo's bench.

/** The sizes a forward pass's FLOPs depend on (a ModelConfig has them all). */
export interface FlopShape {
  family: string;
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  intermediateSize: number;
  vocabSize: number;
}

/** FLOPs of `rows` rows of `tokens` new tokens attending to `keys` keys, logits at `logits` per row. */
export function forwardFlops(
  m: FlopShape,
  rows: number,
  tokens: number,
  keys: number,
  logits: number,
): number {
  const d = m.hiddenSize;
  const q = m.numHeads * m.headDim;
  const kv = m.numKvHeads * m.headDim;
  const mlp = (m.family === 'gpt2' ? 2 : 3) * d * m.intermediateSize;
  const perToken = m.numLayers * (d * (q + 2 * kv) + q * d + mlp + 2 * keys * q);
  return 2 * rows * (tokens * perToken + logits * d * m.vocabSize);
}

/** FLOPs of generating `new` tokens after prompts of `prompt` tokens, on the KV cache. */
export function generateFlops(m: FlopShape, rows: number, prompt: number, fresh: number): number {
  let flops = forwardFlops(m, rows, prompt, prompt, 1);
  for (let n = 1; n < fresh; n++) flops += forwardFlops(m, rows, 1, prompt + n, 1);
  return flops;
}
