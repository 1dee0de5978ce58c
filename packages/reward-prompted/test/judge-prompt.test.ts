import { describe, expect, it } from 'vitest';
import { cacheKey } from '../src/judge-cache.js';
import {
  buildJudgeMessages,
  JudgePromptConfig,
  PROMPT_VERSION,
  RUBRICS,
  reaskPrompt,
  SENTIMENT_RUBRIC,
} from '../src/judge-prompt.js';

const query = { prompt: 'Review the film:', response: 'It was fine, I guess.' };

describe('the judge prompt', () => {
  it('is versioned, and the version enters the cache key', () => {
    expect(PROMPT_VERSION).toBe('va-interval-v1');
    const m = buildJudgeMessages(query, JudgePromptConfig.resolve());
    expect(cacheKey('judge', PROMPT_VERSION, m)).not.toBe(cacheKey('judge', 'va-interval-v2', m));
    expect(cacheKey('judge', PROMPT_VERSION, m)).toBe(cacheKey('judge', PROMPT_VERSION, m));
    expect(cacheKey('judge', PROMPT_VERSION, m)).not.toBe(cacheKey('judge-2', PROMPT_VERSION, m));
  });

  it('asks for a JSON interval on the default 0-100 scale, narrow when clear, wide when ambiguous', () => {
    const [system, user] = buildJudgeMessages(query, JudgePromptConfig.resolve());
    expect(system!.role).toBe('system');
    expect(user!.role).toBe('user');
    const text = user!.content;
    expect(text).toContain('on a scale from 0 to 100');
    expect(text).toContain('- 0 is the worst possible response and 100 the best.');
    expect(text).toContain('with 0 <= a <= b <= 100');
    expect(text).toContain('narrow (about 10 points wide or less)');
    expect(text).toContain('wide (40 points or more)');
    expect(text).toContain('<prompt>\nReview the film:\n</prompt>');
    expect(text).toContain('<response>\nIt was fine, I guess.\n</response>');
    expect(text.trim().endsWith('{"low": a, "high": b}, where a and b are numbers.')).toBe(true);
  });

  it('follows the scale and rubric', () => {
    const c = JudgePromptConfig.resolve({ scaleLow: 1, scaleHigh: 10, rubric: SENTIMENT_RUBRIC });
    const text = buildJudgeMessages(query, c)[1]!.content;
    expect(text).toContain('on a scale from 1 to 10');
    expect(text).toContain(
      '- 1 means clearly and strongly negative, 10 clearly and strongly positive',
    );
    expect(text).toContain('with 1 <= a <= b <= 10');
    expect(text).toContain('about 0.9 points');
    expect(RUBRICS.sentiment).toBe(SENTIMENT_RUBRIC);
    expect(reaskPrompt('the bounds are reversed: low 8 > high 3', c)).toBe(
      'Your answer could not be read: the bounds are reversed: low 8 > high 3. Reply with only one line of JSON, {"low": a, "high": b}, with numbers 1 <= a <= b <= 10.',
    );
  });

  it('rejects a bad scale or an empty rubric by key', () => {
    expect(() => JudgePromptConfig.resolve({ scaleLow: 5, scaleHigh: 5 })).toThrow(
      /JudgePromptConfig.scaleLow: must be below scaleHigh \(got scaleLow = 5, scaleHigh = 5\)/,
    );
    expect(() => JudgePromptConfig.resolve({ rubric: '  ' })).toThrow(/JudgePromptConfig.rubric/);
  });
});
