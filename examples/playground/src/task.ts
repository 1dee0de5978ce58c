// The embedded task of @va/experiment, as the page and the tests read it: continue the neutral
// opening sentence of a review; the true reward r* is the AFINN-165 sentiment of the continuation
// (the `sentiment` package), which training never sees.

import Sentiment from 'sentiment';

export interface TaskPrompts {
  readonly train: readonly string[];
  readonly eval: readonly string[];
}

/** The prompts of @va/experiment's review-openings.jsonl (`{ prompt, split }` per line). */
export function parseTaskPrompts(jsonl: string): TaskPrompts {
  const rows = jsonl
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { prompt: string; split: 'train' | 'eval' });
  return {
    train: rows.filter((r) => r.split === 'train').map((r) => r.prompt),
    eval: rows.filter((r) => r.split === 'eval').map((r) => r.prompt),
  };
}

export interface TrueReward {
  score(prompt: string, response: string): number;
}

/** AFINN-165 score of the response alone, as @va/experiment's `sentiment` true reward. */
export function sentimentReward(): TrueReward {
  const analyzer = new Sentiment();
  return { score: (_prompt, response) => analyzer.analyze(response).score };
}
