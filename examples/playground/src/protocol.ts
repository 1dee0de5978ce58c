// The messages between the page and its training worker.

import type { BackendChoice, BackendName } from '@va/lm';
import type { PlaygroundSettings, StepReport } from './training.js';

export type ToWorker = {
  type: 'start';
  settings: PlaygroundSettings;
  /** `auto`: WebGPU where the browser has it, else wasm, else cpu. */
  backend: 'auto' | BackendName;
};

export type FromWorker =
  | { type: 'backend'; choice: BackendChoice }
  | { type: 'progress'; text: string }
  | { type: 'step'; report: StepReport; seconds: number }
  | { type: 'done' }
  | { type: 'error'; message: string };
