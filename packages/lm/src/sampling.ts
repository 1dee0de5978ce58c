// Next-token choice as Hugging Face's generate does it: processors (min-new-tokens suppression),
// then, when sampling, the warpers in its order: temperature, top-k, top-p (nucleus).

import type { Rng } from '@va/core';

/**
 * log sum exp in float64 (max + log of the sum of exp(x - max), in index order; entries of
 * -Infinity add nothing and are skipped).
 */
export function logSumExp(logits: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    const v = logits[i]!;
    if (v !== -Infinity) sum += Math.exp(v - max);
  }
  return max + Math.log(sum);
}

/** log softmax in float64. */
export function logSoftmax(logits: ArrayLike<number>): Float64Array {
  const lse = logSumExp(logits);
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i]! - lse;
  return out;
}

/** The k-th largest value, duplicates counted (torch.topk(x, k).values[-1]). */
export function kthLargest(x: ArrayLike<number>, k: number): number {
  // A sorted window of the k largest seen so far; most values fail the first comparison.
  const top = new Float64Array(k).fill(-Infinity);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v <= top[k - 1]!) continue;
    let j = k - 1;
    while (j > 0 && top[j - 1]! < v) {
      top[j] = top[j - 1]!;
      j--;
    }
    top[j] = v;
  }
  return top[k - 1]!;
}

/** What {@link processLogits} applies. */
export interface LogitsProcessing {
  /** Ids set to -Infinity first (EOS before `minNewTokens`). */
  suppress?: Iterable<number>;
  /** Apply temperature, top-k and top-p (sampling); greedy decoding skips them, as HF. */
  warp: boolean;
  temperature: number;
  /** Keep the k largest (ties with the k-th kept); 0 keeps all. */
  topK: number;
  /** Keep the smallest set of most likely tokens whose probability reaches topP; 1 keeps all. */
  topP: number;
}

/**
 * The logits actually sampled from: HF's MinNewTokensLengthLogitsProcessor, then
 * TemperatureLogitsWarper, TopKLogitsWarper, TopPLogitsWarper. Filtered entries are -Infinity.
 */
export function processLogits(logits: ArrayLike<number>, p: LogitsProcessing): Float64Array {
  const out = Float64Array.from(logits);
  for (const id of p.suppress ?? []) if (id >= 0 && id < out.length) out[id] = -Infinity;
  if (!p.warp) return out;
  if (p.temperature !== 1) for (let i = 0; i < out.length; i++) out[i] = out[i]! / p.temperature;
  if (p.topK > 0 && p.topK < out.length) {
    const kth = kthLargest(out, p.topK);
    for (let i = 0; i < out.length; i++) if (out[i]! < kth) out[i] = -Infinity;
  }
  if (p.topP < 1) {
    const idx: number[] = [];
    for (let i = 0; i < out.length; i++) if (out[i]! > -Infinity) idx.push(i);
    idx.sort((a, b) => out[a]! - out[b]!); // ascending, as HF sorts
    const logp = logSoftmax(idx.map((i) => out[i]!));
    // Remove tokens whose cumulative probability, counted from the least likely, stays <= 1 - topP;
    // the most likely token always stays.
    let cum = 0;
    for (let j = 0; j < idx.length - 1; j++) {
      cum += Math.exp(logp[j]!);
      if (cum > 1 - p.topP) break;
      out[idx[j]!] = -Infinity;
    }
  }
  return out;
}

/** Index of the largest value (the first one on ties, as torch.argmax). */
export function argmax(x: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i]! > x[best]!) best = i;
  return best;
}

/** Draws an index with probability softmax(logits) (filtered entries -Infinity never drawn). */
export function sampleFromLogits(logits: ArrayLike<number>, rng: Rng): number {
  const lse = logSumExp(logits);
  const u = rng.next();
  let cum = 0;
  let last = 0;
  for (let i = 0; i < logits.length; i++) {
    const v = logits[i]!;
    if (v === -Infinity) continue;
    cum += Math.exp(v - lse);
    last = i;
    if (u < cum) return i;
  }
  return last; // u beyond the float sum: the last drawable token
}

/** One next-token choice with both log-probabilities PPO and diagnostics need. */
export interface TokenChoice {
  token: number;
  /** log p(token) under the model's own distribution (temperature 1, nothing filtered): the policy
   * log-probability that the PPO ratio and the KL penalty use. */
  logprob: number;
  /** log p(token) under the processed distribution it was drawn from. */
  processedLogprob: number;
}

/** Chooses the next token from one row of logits (sampled with `rng`, or greedy). */
export function chooseToken(
  logits: ArrayLike<number>,
  p: LogitsProcessing & { doSample: boolean },
  rng: Rng,
): TokenChoice {
  const processed = processLogits(logits, { ...p, warp: p.doSample });
  const token = p.doSample ? sampleFromLogits(processed, rng) : argmax(processed);
  // The two log-probabilities of the token alone (a whole log-softmax row each cost most of a
  // generation step's JavaScript).
  return {
    token,
    logprob: logits[token]! - logSumExp(logits),
    processedLogprob: processed[token]! - logSumExp(processed),
  };
}
