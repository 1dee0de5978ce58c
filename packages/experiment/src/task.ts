// The task of a run: its prompts (training and evaluation) and its true reward r*, which training
// never sees. The embedded task: continue the neutral opening sentence of a review; r* is the
// sentiment of the continuation by the AFINN-165 lexicon (the `sentiment` package).

import { join, resolve } from 'node:path';
import { ResourceError, readTextFile, UsageError } from '@va/core';
import Sentiment from 'sentiment';
import { moduleTrueReward } from './module-true-reward.js';

/** The embedded task's prompts: 512 training and 128 evaluation openings (scripts/make-prompts.ts). */
export const REVIEW_OPENINGS = join(import.meta.dirname, '..', 'assets', 'review-openings.jsonl');

/** A task's prompts. */
export interface TaskPrompts {
  readonly train: readonly string[];
  readonly eval: readonly string[];
}

/**
 * Prompts from a .jsonl of `{ prompt, split }` (`split`: `train` or `eval`); `null` reads the
 * embedded review openings.
 */
export async function readTaskPrompts(path: string | null): Promise<TaskPrompts> {
  const file = path ? resolve(path) : REVIEW_OPENINGS;
  const text = await readTextFile(
    file,
    'the prompts file',
    'give a .jsonl of {"prompt": ..., "split": "train" | "eval"}',
  );
  const train: string[] = [];
  const evaluation: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let row: { prompt?: unknown; split?: unknown };
    try {
      row = JSON.parse(line);
    } catch {
      throw new ResourceError(`${file}:${i + 1}: not JSON`);
    }
    if (typeof row.prompt !== 'string' || row.prompt.trim() === '') {
      throw new ResourceError(`${file}:${i + 1}: expected a non-empty "prompt" string`);
    }
    if (row.split === 'train') train.push(row.prompt);
    else if (row.split === 'eval') evaluation.push(row.prompt);
    else
      throw new ResourceError(
        `${file}:${i + 1}: "split" must be "train" or "eval", got ${JSON.stringify(row.split)}`,
      );
  });
  if (train.length === 0 || evaluation.length === 0) {
    throw new ResourceError(
      `${file}: needs both "train" and "eval" prompts (found ${train.length} and ${evaluation.length})`,
    );
  }
  return { train, eval: evaluation };
}

/** A true reward: the number r*(x, y) for a prompt and a response. */
export interface TrueReward {
  readonly name: string;
  score(prompt: string, response: string): number;
}

/** AFINN-165 lexicon score of the response alone (negations handled by `sentiment`). */
export function sentimentReward(): TrueReward {
  const analyzer = new Sentiment();
  return {
    name: 'sentiment (AFINN-165 score of the response)',
    score: (_prompt, response) => analyzer.analyze(response).score,
  };
}

/**
 * The true reward `spec` names: `sentiment`, or `module:<file.js>` whose default export is a
 * `TrueReward` ({ name, score(prompt, response) }) or a function returning one (see
 * `moduleTrueReward`: its calls are checked and time-limited).
 */
export async function loadTrueReward(spec: string): Promise<TrueReward> {
  if (spec === 'sentiment') return sentimentReward();
  if (spec.startsWith('module:') && spec.length > 7) {
    return moduleTrueReward(spec, resolve(spec.slice(7)));
  }
  throw new UsageError(`unknown trueReward '${spec}'; expected 'sentiment' or 'module:<file.js>'`);
}
