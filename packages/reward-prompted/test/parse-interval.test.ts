import { VaError } from '@va/core';
import { describe, expect, it } from 'vitest';
import { IntervalParseError, parseInterval } from '../src/parse-interval.js';

// Answers shaped like what GPT-4o/4o-mini, Gemini 1.5/2.0 Flash, DeepSeek-V3/R1, Llama 3.x, Qwen
// 2.5/3 and Mistral return to the interval prompt (JSON requested; not always obeyed).
const GOOD: [string, string, number, number][] = [
  ['bare JSON', '{"low": 60, "high": 75}', 60, 75],
  ['JSON without spaces', '{"low":60,"high":75}', 60, 75],
  ['JSON, decimals', '{"low": 62.5, "high": 71.25}', 62.5, 71.25],
  ['JSON, string numbers', '{"low": "40", "high": "55"}', 40, 55],
  ['JSON, reversed key order', '{"high": 90, "low": 80}', 80, 90],
  ['JSON, capitalised keys', '{"Low": 10, "High": 30}', 10, 30],
  ['JSON lower/upper', '{"lower": 35, "upper": 50}', 35, 50],
  ['JSON lower_bound/upper_bound', '{"lower_bound": 70, "upper_bound": 85}', 70, 85],
  ['JSON min/max', '{"min": 20, "max": 45}', 20, 45],
  ['JSON a/b', '{"a": 55, "b": 65}', 55, 65],
  ['JSON interval array', '{"interval": [60, 72]}', 60, 72],
  ['JSON score_range array', '{"score_range": [15, 25]}', 15, 25],
  [
    'JSON with reasoning field first (Gemini)',
    '{"reasoning": "The response is accurate but terse, so raters may differ.", "low": 55, "high": 75}',
    55,
    75,
  ],
  [
    'JSON nested interval object',
    '{"evaluation": {"interval": {"low": 81, "high": 88}}, "comment": "clear"}',
    81,
    88,
  ],
  ['GPT fenced JSON', '```json\n{\n  "low": 78,\n  "high": 86\n}\n```', 78, 86],
  ['Gemini fenced JSON with a trailing newline', '```json\n{"low": 45, "high": 70}\n```\n', 45, 70],
  ['fence without language', '```\n{"low": 5, "high": 12}\n```', 5, 12],
  [
    'Llama: preamble then JSON',
    'Here is my evaluation of the response:\n\n{"low": 65, "high": 80}\n\nThe response is mostly helpful but misses one detail.',
    65,
    80,
  ],
  ['Python dict quotes', "{'low': 30, 'high': 50}", 30, 50],
  ['bare keys', '{low: 12, high: 18}', 12, 18],
  ['trailing comma', '{"low": 70, "high": 82,}', 70, 82],
  ['brackets', '[60, 75]', 60, 75],
  ['brackets, no space', '[60,75]', 60, 75],
  ['parentheses', '(40, 55)', 40, 55],
  ['brackets with a dash', '[60 - 75]', 60, 75],
  ['brackets, decimals', '[62.5, 70.5]', 62.5, 70.5],
  ['interval label', 'Interval: [68, 79]', 68, 79],
  ['score label', 'Score: [20, 35]', 20, 35],
  ['dash range', '60 - 75', 60, 75],
  ['dash range, no spaces', '60-75', 60, 75],
  ['en dash', '60–75', 60, 75],
  ['em dash with spaces', '60 — 75', 60, 75],
  ['to range', '60 to 75', 60, 75],
  ['between ... and', 'I would place it between 40 and 55.', 40, 55],
  ['from ... to', 'Scores from 72 to 80 seem right.', 72, 80],
  ['low/high key-value', 'low: 60, high: 75', 60, 75],
  ['Low/High on lines', 'Low: 60\nHigh: 75', 60, 75],
  ['markdown bold keys', '**Low:** 35\n**High:** 55', 35, 55],
  ['lower/upper bound prose', 'Lower bound: 48\nUpper bound: 62', 48, 62],
  ['a = , b =', 'a = 25, b = 40', 25, 40],
  ['percent signs', '60% - 75%', 60, 75],
  ['plus-minus', '70 ± 5', 65, 75],
  ['plus-minus ascii', '70 +/- 10', 60, 80],
  ['whole scale when it is the only answer', '{"low": 0, "high": 100}', 0, 100],
  ['degenerate interval a = b', '{"low": 50, "high": 50}', 50, 50],
  ['bounds at the scale edges', '[0, 10]', 0, 10],
  [
    'reasoning then final answer',
    'Reasoning: the response answers the question but includes an error in step 2, which some raters would punish heavily.\nFinal answer: [60, 75]',
    60,
    75,
  ],
  [
    'revised answer, last wins',
    'At first glance I would say [30, 40]. On reflection the code actually works, so: [55, 70]',
    55,
    70,
  ],
  [
    'final-answer marker beats later text',
    'Final answer: {"low": 62, "high": 74}\n\nNote: scores on this task usually range from 40 to 90.',
    62,
    74,
  ],
  [
    'DeepSeek-R1 think block ignored',
    '<think>\nThe user wants an interval. The response is polite but vague; maybe 30-50? Actually it does answer. I think [55, 70] is too high... let me settle.\n</think>\n\n{"low": 45, "high": 60}',
    45,
    60,
  ],
  [
    'Qwen3 think block with JSON inside ignored',
    '<think>Draft: {"low": 10, "high": 90}</think>\n```json\n{"low": 72, "high": 81}\n```',
    72,
    81,
  ],
  [
    'template that opened <think> in the prompt',
    'the response is concise and correct, clearly good.\n</think>\n[85, 92]',
    85,
    92,
  ],
  ['scale mention after the answer is not the answer', 'I rate it 70-80 on a 0-100 scale.', 70, 80],
  [
    'scale restated before the answer',
    'On a scale from 0 to 100, I would put this response between 35 and 50.',
    35,
    50,
  ],
  [
    'full-scale mention dropped when an answer exists',
    'My interval is [64, 77] (within the allowed [0, 100]).',
    64,
    77,
  ],
  [
    'JSON beats a prose range',
    'Most raters would give 50 to 60, maybe.\n{"low": 52, "high": 63}\nThat is my assessment.',
    52,
    63,
  ],
  [
    'Mistral prose plus JSON with explanation key',
    'Evaluation:\n- Helpfulness: good\n- Accuracy: mostly\n\n{"explanation": "minor inaccuracy", "interval": [66, 78]}',
    66,
    78,
  ],
  ['leading-dot decimals', '{"low": .5, "high": 0.75}', 0.5, 0.75],
  ['fractions of the scale', 'I would score it 60/100 - 75/100.', 60, 75],
  ['tilde range (CJK style)', '60~75', 60, 75],
  ['full-width tilde', '评分区间：60～75', 60, 75],
  ['JSON score_low/score_high', '{"score_low": 40, "score_high": 52}', 40, 52],
  ['JSON lowerBound/upperBound', '{"lowerBound": 41, "upperBound": 49}', 41, 49],
  ['JSON interval as a bracketed string', '{"interval": "[60, 75]"}', 60, 75],
  ['JSON array of one object', '[{"low": 33, "high": 47}]', 33, 47],
  ['prose low of / high of', 'I would give it a low of 55 and a high of 70.', 55, 70],
  ['prose lower bound is', 'The lower bound is 30 and the upper bound is 45.', 30, 45],
  [
    'an unreadable key-value does not beat a readable bracket',
    'Uncertainty: high: raters would disagree about tone.\nInterval: [30, 70]',
    30,
    70,
  ],
  [
    'one JSON object is the answer, whatever its strings say',
    '{"reasoning": "At first [30, 40]; final answer: 60 to 70 would be too generous.", "low": 50, "high": 58}',
    50,
    58,
  ],
  ['High before Low in prose', 'High: 75, Low: 60', 60, 75],
  ['bold interval label', '**Interval:** [60, 75]', 60, 75],
  [
    'GPT fenced JSON then explanation',
    '```json\n{"low": 58, "high": 66}\n```\nExplanation: The response is correct but could be clearer; on a 0-100 scale most raters land near 60.',
    58,
    66,
  ],
  ['range words with out of', "I'd give this a score in the range of 55–65 out of 100.", 55, 65],
  ['sentence-final period', 'The interval is (55, 70).', 55, 70],
  ['answer label with to', 'Answer: 60 to 75 (out of 100)', 60, 75],
  ['two JSON objects, last wins', '{"low": 60, "high": 75} {"low": 62, "high": 70}', 62, 70],
  ['percent strings in JSON', '{"low": "60%", "high": "70%"}', 60, 70],
  [
    'Gemini markdown answer',
    '## Evaluation\n\nThe response is **helpful** and accurate.\n\n**Score interval:** 80 - 90',
    80,
    90,
  ],
  [
    'DeepSeek-V3 JSON with explanation after',
    '{"low": 35, "high": 60}\n\nThe response partially addresses the question; the width reflects that some readers would find the missing steps important.',
    35,
    60,
  ],
];

// On the scale [-1, 1] and [1, 10].
const SCALED: [string, string, number, number, number, number][] = [
  ['negative bounds', '{"low": -0.4, "high": 0.1}', -1, 1, -0.4, 0.1],
  ['negative range words', '-0.5 to -0.2', -1, 1, -0.5, -0.2],
  ['1-10 scale brackets', '[6, 8]', 1, 10, 6, 8],
  ['1-10 scale with scale restated', 'On a scale of 1 to 10: 7-9', 1, 10, 7, 9],
];

const BAD: [string, string, RegExp][] = [
  ['empty', '', /empty/],
  ['whitespace', '  \n ', /empty/],
  ['refusal', 'I cannot evaluate this response.', /no interval and no numbers/],
  ['single number', 'Score: 72', /single number \(72\)/],
  ['single number in JSON', '{"score": 72}', /single number \(score: 72\)/],
  ['reversed', '{"low": 80, "high": 60}', /reversed: low 80 > high 60/],
  ['reversed brackets', 'Final answer: [75, 60]', /reversed/],
  ['above the scale', '{"low": 90, "high": 120}', /outside the scale \[0, 100\]/],
  ['below the scale', '[-5, 10]', /outside the scale/],
  ['1-10 answer on a 0-1 scale', '[6, 8]', /outside the scale/],
  ['missing high', '{"low": 60}', /without a 'high' bound/],
  ['missing low', '{"high": 75}', /without a 'low' bound/],
  ['missing high, prose', 'Low: 60', /without a 'high' bound/],
  ['non-numeric JSON', '{"low": "high", "high": "very high"}', /non-numeric bound "high"/],
  ['non-numeric words', 'low: sixty, high: seventy', /non-numeric bound "sixty"/],
  ['NaN', '{"low": NaN, "high": 80}', /non-numeric bound "NaN"/],
  ['null bound', '{"low": null, "high": 80}', /non-numeric bound null/],
  ['placeholder echoed', '{"low": a, "high": b}', /non-numeric/],
  [
    'unfinished think block',
    '<think>The response is fine, maybe 60 to 70, but',
    /inside a <think>/,
  ],
  ['numbers but no interval', 'The response has 3 errors in 5 steps.', /no interval found among/],
  ['array of three', '{"interval": [60, 70, 80]}', /no interval found among/],
  ['score out of ten', 'Score: 7/10', /no interval found among the numbers 7, 10/],
  ['only the scale', 'On a scale from 0 to 100 it is hard to say.', /only a mention of the scale/],
  [
    'prose bounds without numbers',
    'The quality is high of course, and low of effort.',
    /no interval and no numbers/,
  ],
  ['a fraction alone', 'Score: 72/100', /single number \(72\)/],
  ['a score beside another key', '{"minor_issues": 2, "score": 70}', /single number \(score: 70\)/],
];

describe('parseInterval: realistic good answers', () => {
  it.each(GOOD)('%s', (_name, text, low, high) => {
    const r = parseInterval(text);
    expect([r.low, r.high]).toEqual([low, high]);
    expect(r.mean).toBeCloseTo((low + high) / 2, 12);
    expect(r.variance).toBeCloseTo((high - low) ** 2 / 12, 12);
    expect(r.raw).toBe(text);
  });

  it.each(SCALED)('%s', (_name, text, lo, hi, low, high) => {
    const r = parseInterval(text, { low: lo, high: hi });
    expect([r.low, r.high]).toEqual([low, high]);
  });

  it('has the moments of Uniform[a, b]: [60, 75] gives mean 67.5, variance 18.75', () => {
    const r = parseInterval('[60, 75]');
    expect(r.mean).toBe(67.5);
    expect(r.variance).toBe(18.75); // 15^2 / 12
  });
});

describe('parseInterval: what is not an interval', () => {
  it.each(BAD)('%s', (name, text, reason) => {
    const scale = name.includes('0-1 scale') ? { low: 0, high: 1 } : {};
    let caught: unknown;
    try {
      parseInterval(text, scale);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(IntervalParseError);
    expect(caught).toBeInstanceOf(VaError);
    const err = caught as IntervalParseError;
    expect(err.reason).toMatch(reason);
    expect(err.message).toMatch(/^parseInterval: /);
    expect(err.message).toContain(err.reason);
  });

  it('rejects a bad scale with the argument name', () => {
    expect(() => parseInterval('[1, 2]', { low: 10, high: 5 })).toThrow(
      /parseInterval: argument 'options.high' must be greater than options.low \(10\), got 5/,
    );
    expect(() => parseInterval('[1, 2]', { low: Number.NaN })).toThrow(/options.low/);
  });

  it('rejects a non-string', () => {
    expect(() => parseInterval(42 as unknown as string)).toThrow(
      /argument 'text' must be a string/,
    );
  });

  it('keeps long answers out of the message but in the error', () => {
    const text = `${'blah '.repeat(200)} Score: 50`;
    let err: IntervalParseError | undefined;
    try {
      parseInterval(text);
    } catch (e) {
      err = e as IntervalParseError;
    }
    if (!err) throw new Error('expected a parse error');
    expect(err.text).toBe(text);
    expect(err.message.length).toBeLessThan(400);
  });
});
