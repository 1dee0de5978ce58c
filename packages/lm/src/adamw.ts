// AdamW (Loshchilov & Hutter 2019, decoupled weight decay) exactly as torch.optim.AdamW steps, and
// global gradient-norm clipping as torch.nn.utils.clip_grad_norm_.

import * as tf from '@tensorflow/tfjs';
import { type ConfigSpec, defineConfig, is, ValidationError } from '@va/core';
import { adamwUpdate } from './adamw-update.js';
import { simdKernelsActive } from './kernels/index.js';
import { heapAdamWStep, heapSumSquares } from './kernels/optimizer.js';
import { type OptimizerSettings, optimizerFields } from './optimizer-config.js';
import type { WasmHeap } from './wasm-kernels.js';

/** AdamW's hyper-parameters (torch's defaults) and where its moments live. */
export interface AdamWConfig
  extends Pick<OptimizerSettings, 'learningRate' | 'beta1' | 'beta2' | 'epsilon' | 'weightDecay'> {
  /**
   * Where the moment estimates live: `'backend'` (tensors; on wasm with @va/lm's kernels, every
   * variable is updated in one kernel call), `'host'` (Float32Arrays, updated in JavaScript: wasm's
   * heap is capped at 4 GB), `'auto'`: backend, except on wasm when the kernels do not run or the
   * moments would take more than {@link MOMENTS_HEAP_BYTES} of its heap.
   */
  stateOn: 'auto' | 'backend' | 'host';
}

const { learningRate, beta1, beta2, epsilon, weightDecay } = optimizerFields;

export const AdamWConfig: ConfigSpec<AdamWConfig> = defineConfig<AdamWConfig>('AdamWConfig', {
  learningRate: { ...learningRate, doc: 'step size (a schedule may override it per step)' },
  beta1,
  beta2,
  epsilon,
  weightDecay,
  stateOn: {
    default: 'auto',
    doc: "where the moments live: 'backend', 'host' (JavaScript), 'auto' (backend unless wasm's heap is too small)",
    check: is.oneOf('auto', 'backend', 'host'),
  },
});

/**
 * The most bytes of moments `stateOn: 'auto'` puts on the wasm heap (GPT-2-small's 124M parameters
 * take 1.0e9); beyond, they live in JavaScript.
 */
export const MOMENTS_HEAP_BYTES = 2 ** 30;

function zerosVariable(like: tf.Tensor): tf.Variable {
  const z = tf.zerosLike(like);
  const v = tf.variable(z, false);
  z.dispose(); // the variable keeps the data
  return v;
}

/** What {@link AdamW.state} returns: the step count and the moments of each variable. */
export interface AdamWState {
  readonly step: number;
  readonly m: readonly Float32Array[];
  readonly v: readonly Float32Array[];
}

/** AdamW over a fixed list of variables; holds the moment estimates (dispose it after training). */
export class AdamW {
  readonly settings: Readonly<AdamWConfig>;
  /** Whether the moments are held in JavaScript (see {@link AdamWConfig.stateOn}). */
  readonly onHost: boolean;
  private readonly m: tf.Variable[] = [];
  private readonly v: tf.Variable[] = [];
  private readonly hostM: Float32Array[] = [];
  private readonly hostV: Float32Array[] = [];
  private readonly decay: boolean[];
  private t = 0;

  /**
   * `decay(variable, index)` says which variables weight decay applies to (default: all of rank >= 2,
   * nanoGPT's choice: matrices and embeddings decay, biases and norm gains do not).
   */
  constructor(
    readonly variables: readonly tf.Variable[],
    options: Partial<AdamWConfig> = {},
    decay: (variable: tf.Variable, index: number) => boolean = (x) => x.rank >= 2,
  ) {
    this.settings = AdamWConfig.resolve(options);
    const where = this.settings.stateOn;
    const size = variables.reduce((n, x) => n + x.size, 0);
    const heapFits = simdKernelsActive() && 8 * size <= MOMENTS_HEAP_BYTES;
    this.onHost = where === 'host' || (where === 'auto' && tf.getBackend() === 'wasm' && !heapFits);
    for (const x of variables) {
      if (this.onHost) {
        this.hostM.push(new Float32Array(x.size));
        this.hostV.push(new Float32Array(x.size));
      } else {
        this.m.push(zerosVariable(x));
        this.v.push(zerosVariable(x));
      }
    }
    this.decay = variables.map((x, i) => decay(x, i));
  }

  /** Steps taken. */
  get steps(): number {
    return this.t;
  }

  /**
   * One update from `grads` (aligned with `variables`), at `learningRate` (default the setting).
   * `gradScale` multiplies every gradient first (clipping without a second copy of the gradients).
   */
  step(
    grads: readonly tf.Tensor[],
    learningRate = this.settings.learningRate,
    gradScale = 1,
  ): void {
    if (grads.length !== this.variables.length) {
      throw new ValidationError(
        'AdamW.step',
        'grads',
        `${this.variables.length} gradients (one per variable)`,
        grads.length,
      );
    }
    this.t += 1;
    if (!this.onHost && simdKernelsActive()) {
      const { beta1, beta2, epsilon, weightDecay } = this.settings;
      heapAdamWStep(this.variables, grads, this.m, this.v, this.decay, {
        beta1,
        beta2,
        epsilon,
        keep: 1 - learningRate * weightDecay,
        stepSize: learningRate / (1 - beta1 ** this.t),
        bc2Sqrt: Math.sqrt(1 - beta2 ** this.t),
        gradScale,
      });
      return;
    }
    for (let i = 0; i < grads.length; i++) {
      if (this.onHost) this.hostUpdate(i, grads[i]!, learningRate, gradScale);
      else this.backendUpdate(i, grads[i]!, learningRate, gradScale);
    }
  }

  private backendUpdate(i: number, grad: tf.Tensor, lr: number, scale: number): void {
    const { beta1, beta2, epsilon, weightDecay } = this.settings;
    const bc1 = 1 - beta1 ** this.t;
    const bc2Sqrt = Math.sqrt(1 - beta2 ** this.t);
    const p = this.variables[i]!;
    // One scope per variable: a 124M-parameter model would hold every intermediate at once.
    tf.tidy(() => {
      const g = scale === 1 ? grad : tf.mul(grad, scale);
      const m = tf.add(tf.mul(this.m[i]!, beta1), tf.mul(g, 1 - beta1));
      const v = tf.add(tf.mul(this.v[i]!, beta2), tf.mul(tf.square(g), 1 - beta2));
      this.m[i]!.assign(m);
      this.v[i]!.assign(v);
      const decayed = this.decay[i] && weightDecay > 0 ? tf.mul(p, 1 - lr * weightDecay) : p;
      const denom = tf.add(tf.div(tf.sqrt(v), bc2Sqrt), epsilon);
      p.assign(tf.sub(decayed, tf.mul(tf.div(m, denom), lr / bc1)));
    });
  }

  private hostUpdate(i: number, grad: tf.Tensor, lr: number, scale: number): void {
    const p = this.variables[i]!;
    let w: Float32Array;
    let g: ArrayLike<number>;
    let next: tf.Tensor | undefined;
    if (tf.getBackend() === 'wasm') {
      // Straight between views of the wasm heap: the new weights are written into a fresh tensor
      // (a new id, so XNNPACK's cached packing of the old weights is dropped with them).
      const heap = tf.backend() as unknown as WasmHeap;
      const info = heap.makeOutput([...p.shape], 'float32');
      w = heap.typedArrayFromHeap(info) as Float32Array; // views after the allocation
      w.set(heap.typedArrayFromHeap(p));
      g = heap.typedArrayFromHeap(grad);
      next = tf.engine().makeTensorFromTensorInfo(info);
    } else {
      w = (p.dataSync() as Float32Array).slice();
      g = grad.dataSync();
    }
    adamwUpdate(w, g, this.hostM[i]!, this.hostV[i]!, this.t, lr, this.settings, {
      decay: this.decay[i]!,
      gradScale: scale,
    });
    next ??= tf.tensor(w, p.shape, 'float32');
    p.assign(next);
    next.dispose();
  }

  /**
   * The optimizer's state, copied out: the step count and both moments of every variable (in
   * `variables`' order), for checkpoints. {@link loadState} puts it back.
   */
  state(): AdamWState {
    const read = (host: Float32Array[], dev: tf.Variable[]) =>
      this.onHost ? host.map((a) => a.slice()) : dev.map((v) => v.dataSync() as Float32Array);
    return { step: this.t, m: read(this.hostM, this.m), v: read(this.hostV, this.v) };
  }

  /** Restores a {@link state} taken from an optimizer over variables of the same shapes. */
  loadState(state: AdamWState): void {
    const where = 'AdamW.loadState';
    if (!Number.isInteger(state.step) || state.step < 0) {
      throw new ValidationError(where, 'state.step', 'a non-negative integer', state.step);
    }
    for (const [name, list] of [
      ['m', state.m],
      ['v', state.v],
    ] as const) {
      if (list.length !== this.variables.length) {
        throw new ValidationError(
          where,
          `state.${name}`,
          `${this.variables.length} arrays (one per variable)`,
          list.length,
        );
      }
      list.forEach((a, i) => {
        if (a.length !== this.variables[i]!.size) {
          throw new ValidationError(
            where,
            `state.${name}[${i}]`,
            `${this.variables[i]!.size} values (variable ${this.variables[i]!.name})`,
            a.length,
          );
        }
      });
    }
    this.t = state.step;
    this.variables.forEach((x, i) => {
      if (this.onHost) {
        this.hostM[i]!.set(state.m[i]!);
        this.hostV[i]!.set(state.v[i]!);
      } else {
        tf.tidy(() => {
          this.m[i]!.assign(tf.tensor(state.m[i]!, x.shape, 'float32'));
          this.v[i]!.assign(tf.tensor(state.v[i]!, x.shape, 'float32'));
        });
      }
    });
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v]);
    this.hostM.length = 0;
    this.hostV.length = 0;
  }
}

/**
 * Scales gradients so their global L2 norm is at most `maxNorm` (torch's clip_grad_norm_:
 * factor min(1, maxNorm / (norm + 1e-6))). Returns new tensors (the caller disposes both sets) and
 * the norm before clipping.
 */
export function clipGradNorm(
  grads: readonly tf.Tensor[],
  maxNorm: number,
): { grads: tf.Tensor[]; norm: number } {
  const norm = globalNorm(grads);
  const factor = clipFactor(norm, maxNorm);
  return { grads: grads.map((g) => (factor < 1 ? tf.mul(g, factor) : tf.clone(g))), norm };
}

/** The L2 norm of all gradients together. */
export function globalNorm(grads: readonly tf.Tensor[]): number {
  if (simdKernelsActive() && grads.every((g) => g.dtype === 'float32')) {
    return Math.sqrt(heapSumSquares(grads));
  }
  return tf.tidy(() => Math.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g)))).dataSync()[0]!));
}

/** torch's clipping factor: min(1, maxNorm / (norm + 1e-6)). */
export function clipFactor(norm: number, maxNorm: number): number {
  return Math.min(1, maxNorm / (norm + 1e-6));
}
