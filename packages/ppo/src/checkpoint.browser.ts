// Browser build of checkpoint.ts: checkpoints are folders, which a page does not have; a trainer's
// state is at hand there as `trainer.state()`.

import { nodeOnly } from '@va/core';
import type * as Node from './checkpoint.js';

export type { CheckpointState, RestoreOptions } from './checkpoint.js';

export const CHECKPOINT_FORMAT: typeof Node.CHECKPOINT_FORMAT = 'va-ppo-checkpoint';
const instead = 'keep the trainer in memory (trainer.state(), trainer.loadState())';
export const saveCheckpoint: typeof Node.saveCheckpoint = nodeOnly('saveCheckpoint', instead);
export const readCheckpointState: typeof Node.readCheckpointState = nodeOnly(
  'readCheckpointState',
  instead,
);
export const restoreCheckpoint: typeof Node.restoreCheckpoint = nodeOnly(
  'restoreCheckpoint',
  instead,
);
