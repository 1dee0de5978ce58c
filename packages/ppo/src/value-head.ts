// The value head V(s_t) = w . h_t + b on the policy's last hidden state (after the final norm), as
// TRL's `AutoModelForCausalLMWithValueHead` (`v_head.summary`, a Linear(hidden, 1)), saved under
// the same tensor names. TRL's dropout before it is left out: @va/lm models run without dropout.

import * as tf from '@tensorflow/tfjs';
import { deriveSeed, ResourceError, Rng, ValidationError } from '@va/core';
import { parseSafetensors, serializeSafetensors } from '@va/lm/safetensors';

/** Tensor names in TRL's checkpoints. */
export const VALUE_HEAD_WEIGHT = 'v_head.summary.weight';
export const VALUE_HEAD_BIAS = 'v_head.summary.bias';

/** A linear value head over hidden states of width `hiddenSize`. */
export class ValueHead {
  /** [hidden, 1] */
  readonly weight: tf.Variable;
  /** [1] */
  readonly bias: tf.Variable;

  /**
   * torch.nn.Linear's initialisation (uniform in +-1/sqrt(hidden) for weight and bias), seeded, or
   * the given values.
   */
  constructor(
    readonly hiddenSize: number,
    options: { seed?: number; weight?: Float32Array; bias?: number } = {},
  ) {
    if (!Number.isInteger(hiddenSize) || hiddenSize <= 0) {
      throw new ValidationError('ValueHead', 'hiddenSize', 'a positive integer', hiddenSize);
    }
    const bound = 1 / Math.sqrt(hiddenSize);
    const rng = new Rng(deriveSeed(options.seed ?? 0, 'value-head'));
    const w =
      options.weight ?? Float32Array.from({ length: hiddenSize }, () => rng.uniform(-bound, bound));
    if (w.length !== hiddenSize) {
      throw new ValidationError('ValueHead', 'weight', `${hiddenSize} values`, w.length);
    }
    const b = options.bias ?? rng.uniform(-bound, bound);
    this.weight = tf.variable(tf.tensor2d(w, [hiddenSize, 1]), true, undefined, 'float32');
    this.bias = tf.variable(tf.tensor1d([b]), true, undefined, 'float32');
  }

  /** The trainable variables: weight, then bias. */
  variables(): tf.Variable[] {
    return [this.weight, this.bias];
  }

  /** Values of hidden states [batch, time, hidden] -> [batch, time]. */
  apply(hidden: tf.Tensor3D): tf.Tensor2D {
    return tf.tidy(() => {
      const [b, t, d] = hidden.shape;
      if (d !== this.hiddenSize) {
        throw new ValidationError('ValueHead.apply', 'hidden', `width ${this.hiddenSize}`, d);
      }
      const flat = tf.reshape(hidden, [b * t, d]) as tf.Tensor2D;
      const v = tf.add(tf.matMul(flat, this.weight as tf.Tensor2D), this.bias);
      return tf.reshape(v, [b, t]) as tf.Tensor2D;
    });
  }

  /** The head in TRL's layout: `v_head.summary.weight` [1, hidden], `v_head.summary.bias` [1]. */
  serialize(): Uint8Array {
    return serializeSafetensors(
      new Map([
        [
          VALUE_HEAD_WEIGHT,
          { shape: [1, this.hiddenSize], data: this.weight.dataSync() as Float32Array },
        ],
        [VALUE_HEAD_BIAS, { shape: [1], data: this.bias.dataSync() as Float32Array }],
      ]),
    );
  }

  /** Reads a head written by {@link serialize} (or TRL's tensors of the same names). */
  static deserialize(bytes: Uint8Array, where = 'ValueHead.deserialize'): ValueHead {
    const { tensors } = parseSafetensors(bytes);
    const w = tensors.get(VALUE_HEAD_WEIGHT);
    const b = tensors.get(VALUE_HEAD_BIAS);
    if (!w || !b || w.shape.length !== 2 || w.shape[0] !== 1 || b.data.length !== 1) {
      throw new ResourceError(
        `${where}: expected tensors '${VALUE_HEAD_WEIGHT}' [1, hidden] and '${VALUE_HEAD_BIAS}' [1], found ${[...tensors.keys()].join(', ') || 'none'}`,
      );
    }
    for (const x of [...w.data, ...b.data]) {
      if (!Number.isFinite(x)) {
        throw new ResourceError(`${where}: the value head holds a non-finite weight (${x})`);
      }
    }
    return new ValueHead(w.shape[1]!, { weight: w.data, bias: b.data[0]! });
  }

  dispose(): void {
    this.weight.dispose();
    this.bias.dispose();
  }
}
