// Browser build of train-policy.ts: a run in a folder (log, checkpoints, final policy) is for Node;
// in a page, step a PPOTrainer over the prompts that `promptIndices` orders.

import { nodeOnly } from '@va/core';
import type * as Node from './train-policy.js';

export { promptIndices } from './prompt-order.js';
export type { TrainPolicyOptions, TrainPolicyResult } from './train-policy.js';

const instead = 'make a PPOTrainer and call trainer.step(prompts) for each step';
export const trainPolicy: typeof Node.trainPolicy = nodeOnly('trainPolicy', instead);
export const latestCheckpoint: typeof Node.latestCheckpoint = nodeOnly('latestCheckpoint', instead);
