// Rotary position tables as Hugging Face computes them (`LlamaRotaryEmbedding` and
// `ROPE_INIT_FUNCTIONS`: default, linear, llama3), in float32, for per-row position ids.

const f = Math.fround;

/** What the rotary tables read of a config (Llama family, Gemma). */
export interface RotaryConfig {
  readonly headDim: number;
  readonly hf: {
    readonly rope_theta: number;
    readonly rope_scaling: Readonly<Record<string, unknown>> | null;
  };
}

/** inv_freq[j] = 1 / theta^(2j / d), j < d / 2, then the config's rope scaling. */
export function inverseFrequencies(config: RotaryConfig): Float32Array {
  const d = config.headDim;
  const theta = config.hf.rope_theta;
  const inv = new Float32Array(d / 2);
  for (let j = 0; j < d / 2; j++) inv[j] = f(1 / f(theta ** f((2 * j) / d)));
  const scaling = config.hf.rope_scaling;
  const type = scaling ? (scaling.rope_type ?? scaling.type) : 'default';
  if (!scaling || type === 'default') return inv;
  const factor = scaling.factor as number;
  if (type === 'linear') return inv.map((x) => f(x / factor));
  // llama3: leave high frequencies, divide low ones by `factor`, interpolate in between.
  const low = (scaling.low_freq_factor as number | undefined) ?? 1;
  const high = (scaling.high_freq_factor as number | undefined) ?? 4;
  const oldContext = (scaling.original_max_position_embeddings as number | undefined) ?? 8192;
  const lowWavelen = oldContext / low;
  const highWavelen = oldContext / high;
  return inv.map((x) => {
    const wavelen = (2 * Math.PI) / x;
    if (wavelen < highWavelen) return x;
    if (wavelen > lowWavelen) return f(x / factor);
    const smooth = (oldContext / wavelen - low) / (high - low);
    return f((1 - smooth) * (x / factor) + smooth * x);
  });
}

/**
 * cos and sin of position * inv_freq, laid out [batch, 1, time, headDim] (the frequencies repeated
 * twice along the last axis, as `torch.cat((freqs, freqs), -1)`).
 */
export function rotaryTables(
  positions: readonly (readonly number[])[],
  invFreq: Float32Array,
): { cos: Float32Array; sin: Float32Array; shape: [number, number, number, number] } {
  const b = positions.length;
  const t = positions[0]?.length ?? 0;
  const half = invFreq.length;
  const d = 2 * half;
  const cos = new Float32Array(b * t * d);
  const sin = new Float32Array(b * t * d);
  for (let i = 0; i < b; i++) {
    for (let j = 0; j < t; j++) {
      const pos = positions[i]![j]!;
      const base = (i * t + j) * d;
      for (let k = 0; k < half; k++) {
        const angle = f(invFreq[k]! * pos);
        const c = Math.cos(angle);
        const s = Math.sin(angle);
        cos[base + k] = c;
        cos[base + k + half] = c;
        sin[base + k] = s;
        sin[base + k + half] = s;
      }
    }
  }
  return { cos, sin, shape: [b, 1, t, d] };
}
