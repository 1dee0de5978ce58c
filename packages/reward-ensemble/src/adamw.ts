// The learning-rate schedules of Hugging Face `transformers` (the paper's Table 8: cosine). The
// AdamW step itself is `adamwUpdate` of `@va/lm/optim`.

/** Learning-rate schedules, named as in Hugging Face `transformers` (`lr_scheduler_type`). */
export type LearningRateSchedule = 'cosine' | 'linear' | 'constant';

/**
 * The learning rate at 0-based `step` of `totalSteps`: linear warmup over `warmupSteps`, then
 * `schedule`. Same factors as `get_cosine_schedule_with_warmup` / `get_linear_schedule_with_warmup`.
 */
export function scheduledLearningRate(
  schedule: LearningRateSchedule,
  baseLr: number,
  step: number,
  totalSteps: number,
  warmupSteps = 0,
): number {
  if (step < warmupSteps) return (baseLr * step) / Math.max(1, warmupSteps);
  const progress = (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
  switch (schedule) {
    case 'cosine':
      return baseLr * Math.max(0, 0.5 * (1 + Math.cos(Math.PI * progress)));
    case 'linear':
      return baseLr * Math.max(0, 1 - progress);
    case 'constant':
      return baseLr;
  }
}
