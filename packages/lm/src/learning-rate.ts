// Learning-rate schedules as Hugging Face `transformers` computes them (`get_scheduler`: the
// `cosine`, `linear`, `constant_with_warmup` types, and `cosine_with_min_lr`'s floor), as the
// paper's runs (HF Trainer / TRL) used them.

/** The schedule after warmup, named as Hugging Face's `lr_scheduler_type`. */
export type LearningRateSchedule = 'cosine' | 'linear' | 'constant';

/** What {@link learningRateAt} needs. */
export interface ScheduleSettings {
  /** Peak learning rate, reached at the end of warmup. */
  readonly learningRate: number;
  /** Where `cosine` and `linear` decay to at `totalSteps` (default 0, as Hugging Face's). */
  readonly minLearningRate?: number;
  /** Steps of linear warmup from 0. */
  readonly warmupSteps: number;
  /** Steps of the whole run. */
  readonly totalSteps: number;
  readonly schedule: LearningRateSchedule;
}

/**
 * The learning rate of 0-based `step`, Hugging Face's convention: `lr * step / warmupSteps` during
 * warmup (so step 0 runs at 0), then with `progress = (step - warmupSteps) / (totalSteps -
 * warmupSteps)` the factor `f = 0.5 (1 + cos(pi progress))` (cosine), `1 - progress` (linear) or 1
 * (constant), and `lr * (f (1 - r) + r)` with `r = minLearningRate / lr`, as
 * `get_cosine_with_min_lr_schedule_with_warmup(min_lr)` does. Past `totalSteps` it stays at the
 * floor.
 */
export function learningRateAt(step: number, s: ScheduleSettings): number {
  const { learningRate, minLearningRate = 0, warmupSteps, totalSteps, schedule } = s;
  if (step < warmupSteps) return (learningRate * step) / Math.max(1, warmupSteps);
  if (schedule === 'constant') return learningRate;
  const progress = Math.min(1, (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
  const factor =
    schedule === 'cosine' ? Math.max(0, 0.5 * (1 + Math.cos(Math.PI * progress))) : 1 - progress;
  const floor = minLearningRate === 0 ? 0 : minLearningRate / learningRate;
  return learningRate * (factor * (1 - floor) + floor);
}
