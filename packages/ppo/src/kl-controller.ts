// The KL coefficient beta: fixed, or adapted towards a target KL (Ziegler et al. 2019, "Fine-Tuning
// Language Models from Human Preferences", section 2.2; TRL's AdaptiveKLController).

import { checkNumber } from '@va/core';

/** A KL coefficient controller: `value` is the current beta. */
export interface KLController {
  readonly value: number;
  /** Called once per PPO step with the step's mean KL and the number of samples it used. */
  update(currentKl: number, nSteps: number): void;
  /** The coefficient now, for a checkpoint. */
  state(): { value: number };
  loadState(state: { value: number }): void;
}

/** A constant beta. */
export class FixedKLController implements KLController {
  value: number;
  constructor(options: { init: number }) {
    this.value = checkNumber('FixedKLController', 'init', options.init, { min: 0 });
  }
  update(currentKl: number, nSteps: number): void {
    checkNumber('FixedKLController.update', 'currentKl', currentKl);
    checkNumber('FixedKLController.update', 'nSteps', nSteps, { min: 0 });
  }
  state(): { value: number } {
    return { value: this.value };
  }
  loadState(state: { value: number }): void {
    this.value = checkNumber('FixedKLController.loadState', 'state.value', state.value, { min: 0 });
  }
}

/**
 * Adaptive beta: `err = clip(KL / target - 1, -0.2, 0.2)`, `beta *= 1 + err * nSteps / horizon`,
 * so beta grows while the KL is above the target and shrinks below it, by at most 20% of
 * nSteps / horizon per update.
 */
export class AdaptiveKLController implements KLController {
  value: number;
  readonly target: number;
  readonly horizon: number;

  constructor(options: { init: number; target: number; horizon: number }) {
    const where = 'AdaptiveKLController';
    this.value = checkNumber(where, 'init', options.init, { min: 0 });
    this.target = checkNumber(where, 'target', options.target, { min: 0, exclusiveMin: true });
    this.horizon = checkNumber(where, 'horizon', options.horizon, { min: 0, exclusiveMin: true });
  }

  update(currentKl: number, nSteps: number): void {
    checkNumber('AdaptiveKLController.update', 'currentKl', currentKl);
    checkNumber('AdaptiveKLController.update', 'nSteps', nSteps, { min: 0 });
    const err = Math.min(0.2, Math.max(-0.2, currentKl / this.target - 1));
    this.value *= 1 + (err * nSteps) / this.horizon;
  }

  state(): { value: number } {
    return { value: this.value };
  }
  loadState(state: { value: number }): void {
    this.value = checkNumber('AdaptiveKLController.loadState', 'state.value', state.value, {
      min: 0,
    });
  }
}
