// The versioned judge prompt that asks for an interval reward, modelled on the paper's Appendix C
// (Section 3.1): narrow intervals for clear quality, wide ones for ambiguous content, JSON answer.

import { type ChatMessage, defineConfig, type RewardQuery } from '@va/core';
import { type JudgeScale, orderedScale, scaleFields } from './judge.js';

/** Enters every cache key: change it whenever the text below changes. */
export const PROMPT_VERSION = 'va-interval-v1';

/**
 * The default rubric: overall quality of an assistant's answer (helpful, correct, clear, safe).
 * Rubrics may use `{low}` and `{high}`, replaced by the ends of the scale.
 */
export const QUALITY_RUBRIC = [
  '- {low} is the worst possible response and {high} the best.',
  '- Helpfulness: does the response address what the prompt asks, completely and directly?',
  '- Correctness: are its statements, reasoning and code accurate?',
  '- Clarity: is it well organised and easy to follow, without padding?',
  '- Safety: does it avoid harmful, deceptive or inappropriate content?',
].join('\n');

/** A rubric for the sentiment task: how positive the response (a review continuation) is. */
export const SENTIMENT_RUBRIC = [
  '- Score the sentiment of the RESPONSE only, not its quality or grammar.',
  '- {low} means clearly and strongly negative, {high} clearly and strongly positive, and the',
  '  middle of the scale neutral or mixed.',
  '- Text that mixes praise and criticism, is sarcastic, or says too little to tell, is ambiguous.',
].join('\n');

/** Named rubrics for `rubric` (and the CLI's `--rubric`). */
export const RUBRICS: Readonly<Record<string, string>> = Object.freeze({
  quality: QUALITY_RUBRIC,
  sentiment: SENTIMENT_RUBRIC,
});

/** The prompt's settings: the scale and the rubric. */
export interface JudgePromptConfig extends JudgeScale {
  /** What to score: a rubric text (several lines) shown to the judge. */
  rubric: string;
}

/** The prompt's schema, for configs that extend it (`ChatJudgeConfig`). */
export const judgePromptFields = Object.freeze({
  ...scaleFields,
  rubric: {
    default: QUALITY_RUBRIC,
    doc: 'the criteria the judge scores against',
    check: (v: string) => (v.trim() ? undefined : 'must be a non-empty text'),
  },
});

/** {@link JudgePromptConfig}'s defaults and resolver; the scale must be ordered. */
export const JudgePromptConfig = defineConfig<JudgePromptConfig>(
  'JudgePromptConfig',
  judgePromptFields,
  { rules: [orderedScale] },
);

const fmt = (x: number) => String(Number(x.toPrecision(3)));

/** The system message: the judge's role. */
export function systemPrompt(): string {
  return [
    'You are a careful, impartial evaluator. You score a response to a prompt the way a panel of',
    'thoughtful human raters would, and you state how much such raters would disagree.',
  ].join(' ');
}

/** The user message for one (prompt, response) pair. The full text is in the README. */
export function userPrompt(query: RewardQuery, config: JudgePromptConfig): string {
  const lo = fmt(config.scaleLow);
  const hi = fmt(config.scaleHigh);
  const range = config.scaleHigh - config.scaleLow;
  const narrow = fmt(range * 0.1);
  const wide = fmt(range * 0.4);
  const rubric = config.rubric.trim().replaceAll('{low}', lo).replaceAll('{high}', hi);
  return `Score the RESPONSE to the PROMPT below on a scale from ${lo} to ${hi}, by these criteria:
${rubric}

Do not give a single score. Give an interval [a, b], with ${lo} <= a <= b <= ${hi}, that contains the
scores a panel of careful human raters would give this response:
- If the response's quality is clear and raters would agree, make the interval narrow (about ${narrow} points wide or less).
- If the response is ambiguous, borderline, or open to different reasonable readings, make the interval wide (${wide} points or more), in proportion to how much raters would disagree.
- The width is your uncertainty about this particular response: do not use the same width every time.

<prompt>
${query.prompt}
</prompt>

<response>
${query.response}
</response>

Answer with one line of JSON and nothing else: {"low": a, "high": b}, where a and b are numbers.`;
}

/** The messages of the first request for a pair: system, then user. */
export function buildJudgeMessages(query: RewardQuery, config: JudgePromptConfig): ChatMessage[] {
  return [
    { role: 'system', content: systemPrompt() },
    { role: 'user', content: userPrompt(query, config) },
  ];
}

/** The follow-up sent after an answer that did not parse, with the parser's reason. */
export function reaskPrompt(reason: string, config: JudgePromptConfig): string {
  const lo = fmt(config.scaleLow);
  const hi = fmt(config.scaleHigh);
  return `Your answer could not be read: ${reason}. Reply with only one line of JSON, {"low": a, "high": b}, with numbers ${lo} <= a <= b <= ${hi}.`;
}
