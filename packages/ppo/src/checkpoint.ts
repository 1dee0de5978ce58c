// PPO checkpoints: the policy (Hugging Face layout, or its LoRA adapter in PEFT's), the value head
// (TRL's tensor names), the optimizer's moments, the KL coefficient and the score moments, written
// into a temporary folder and renamed into place, so that a crash never leaves a half checkpoint.
// Randomness needs no state: every stream derives from the config's seed and the step number.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import {
  type Logger,
  ResourceError,
  type RewardModel,
  replaceDirectory,
  ValidationError,
} from '@va/core';
import { type CausalLM, loadCausalLM } from '@va/lm';
import { parseSafetensors, serializeSafetensors } from '@va/lm/safetensors';
import type { PPOConfig } from './config.js';
import type { PenaltyFunction, ScoreTransformFunction } from './penalty.js';
import { PPOTrainer, type TrainerState } from './trainer.js';
import { ValueHead } from './value-head.js';

/** Format tag of `trainer_state.json`. */
export const CHECKPOINT_FORMAT = 'va-ppo-checkpoint';
const STATE_FILE = 'trainer_state.json';

/** Where a restored trainer finds its reference policy. */
type ReferenceRecord =
  | { kind: 'adapter-off' }
  | { kind: 'folder'; path: string }
  | { kind: 'saved' };

/** The contents of `trainer_state.json`. */
export interface CheckpointState extends TrainerState {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly version: 1;
  /** `full`: every weight in `policy/`; `lora`: only the adapter, in `adapter/`. */
  readonly policy: 'full' | 'lora';
  readonly reference: ReferenceRecord;
  readonly config: PPOConfig;
  readonly reward: string;
  /** Every random stream derives from these two numbers. */
  readonly rng: { readonly seed: number; readonly step: number };
}

/**
 * Saves `trainer` into `dir` (replacing a checkpoint already there): everything is written into a
 * sibling temporary folder first, then renamed into place (`replaceDirectory`).
 */
export async function saveCheckpoint(trainer: PPOTrainer, dir: string): Promise<void> {
  await mkdir(dirname(resolve(dir)), { recursive: true });
  await replaceDirectory(dir, async (tmp) => {
    const policy = trainer.policy;
    if (policy.lora) await policy.lora.save(join(tmp, 'adapter'));
    else await policy.save(join(tmp, 'policy'));
    let reference: ReferenceRecord;
    if (trainer.referenceIsAdapterOff) reference = { kind: 'adapter-off' };
    else if (trainer.reference.sourceDir) {
      reference = { kind: 'folder', path: resolve(trainer.reference.sourceDir) };
    } else {
      await trainer.reference.save(join(tmp, 'reference'));
      reference = { kind: 'saved' };
    }
    await writeFile(join(tmp, 'value_head.safetensors'), trainer.valueHead.serialize());
    const opt = trainer.optimizer.state();
    const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const [name, list] of [
      ['m', opt.m],
      ['v', opt.v],
    ] as const) {
      list.forEach((a, i) => {
        tensors.set(`${name}.${i}`, { shape: [a.length], data: a });
      });
    }
    await writeFile(
      join(tmp, 'optimizer.safetensors'),
      serializeSafetensors(tensors, { metadata: { step: String(opt.step) } }),
    );
    const state: CheckpointState = {
      format: CHECKPOINT_FORMAT,
      version: 1,
      ...trainer.state(),
      policy: policy.lora ? 'lora' : 'full',
      reference,
      config: trainer.config as unknown as PPOConfig,
      reward: trainer.reward.name,
      rng: { seed: trainer.config.seed, step: trainer.stepCount },
    };
    // Written last: a folder without it is not a checkpoint.
    await writeFile(join(tmp, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
  });
}

/** Reads and checks `trainer_state.json` of a checkpoint folder. */
export async function readCheckpointState(dir: string): Promise<CheckpointState> {
  const path = join(dir, STATE_FILE);
  let state: CheckpointState;
  try {
    state = JSON.parse(await readFile(path, 'utf8')) as CheckpointState;
  } catch (cause) {
    throw new ResourceError(
      `restoreCheckpoint: cannot read ${path} (${(cause as Error).message}); is '${dir}' a PPO checkpoint?`,
      { cause },
    );
  }
  if (state?.format !== CHECKPOINT_FORMAT || state.version !== 1) {
    throw new ResourceError(
      `restoreCheckpoint: ${path} is not a ${CHECKPOINT_FORMAT} version 1 (format ${JSON.stringify(state?.format)}, version ${JSON.stringify(state?.version)})`,
    );
  }
  return state;
}

/** Options of {@link restoreCheckpoint}. */
export interface RestoreOptions {
  readonly reward: RewardModel;
  /**
   * The base model a LoRA checkpoint's adapter attaches to (required for `policy: 'lora'`
   * checkpoints; it becomes the policy, and with its adapter off, the reference).
   */
  readonly base?: CausalLM;
  /** The reference policy, when the checkpoint should not load its own. */
  readonly reference?: CausalLM;
  /** Custom penalty and transform, when the run used them (functions are not saved). */
  readonly penalty?: PenaltyFunction;
  readonly transform?: ScoreTransformFunction;
  readonly logger?: Logger;
}

/**
 * A trainer in exactly the state {@link saveCheckpoint} saved: weights, value head, optimizer
 * moments, KL coefficient, score moments and step count. Continuing it gives the numbers an
 * uninterrupted run gives, on the same backend.
 */
export async function restoreCheckpoint(dir: string, options: RestoreOptions): Promise<PPOTrainer> {
  const where = 'restoreCheckpoint';
  const state = await readCheckpointState(dir);
  let policy: CausalLM;
  if (state.policy === 'lora') {
    if (!options.base) {
      throw new ValidationError(
        where,
        'options.base',
        'the base model the LoRA adapter of this checkpoint was trained on',
        options.base,
      );
    }
    policy = options.base;
    if (policy.lora) policy.removeLora();
    await policy.loadLora(join(dir, 'adapter'));
  } else {
    policy = await loadCausalLM(join(dir, 'policy'), { backend: 'current' });
  }
  let reference = options.reference;
  let ownsReference = false;
  if (!reference && state.reference.kind !== 'adapter-off') {
    const path = state.reference.kind === 'folder' ? state.reference.path : join(dir, 'reference');
    reference = await loadCausalLM(path, { backend: 'current' }).catch((cause) => {
      throw new ResourceError(
        `${where}: cannot load the reference policy from ${path} (${(cause as Error).message}); pass options.reference`,
        { cause },
      );
    });
    ownsReference = true;
  }
  const valueHead = ValueHead.deserialize(
    new Uint8Array(await readFile(join(dir, 'value_head.safetensors'))),
    `${where}: ${join(dir, 'value_head.safetensors')}`,
  );
  const trainer = await PPOTrainer.create({
    policy,
    reward: options.reward,
    config: state.config,
    reference,
    ownsReference,
    valueHead,
    penalty: options.penalty,
    transform: options.transform,
    logger: options.logger,
  });
  const opt = parseSafetensors(new Uint8Array(await readFile(join(dir, 'optimizer.safetensors'))));
  const count = trainer.optimizer.variables.length;
  const read = (name: 'm' | 'v') =>
    Array.from({ length: count }, (_, i) => {
      const t = opt.tensors.get(`${name}.${i}`);
      if (!t) {
        throw new ResourceError(
          `${where}: ${join(dir, 'optimizer.safetensors')} lacks '${name}.${i}' (${count} variables expected)`,
        );
      }
      return t.data.slice();
    });
  trainer.optimizer.loadState({ step: Number(opt.metadata.step), m: read('m'), v: read('v') });
  trainer.loadState(state);
  return trainer;
}
