import { describe, expect, it } from 'vitest';
import { formatDuration, formatNumber } from '../src/format.js';
import { formatProgress, ProgressClock, streamProgress } from '../src/log.js';

describe('formatNumber', () => {
  it('prints integers whole, others to 4 significant digits, extremes in exponent form', () => {
    expect(formatNumber(80)).toBe('80');
    expect(formatNumber(-3)).toBe('-3');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(1.4513)).toBe('1.451');
    expect(formatNumber(0.076)).toBe('0.076');
    expect(formatNumber(1.41e-5)).toBe('1.41e-5');
    expect(formatNumber(2.5e-300)).toBe('2.5e-300');
    expect(formatNumber(1234567.8)).toBe('1.235e+6');
    expect(formatNumber(1e15)).toBe('1e+15');
    expect(formatNumber(0.12345, 2)).toBe('0.12');
    expect(formatNumber(Number.NaN)).toBe('NaN');
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe('Infinity');
    expect(formatNumber(Number.NEGATIVE_INFINITY)).toBe('-Infinity');
  });

  it('prints durations', () => {
    expect(formatDuration(42.4)).toBe('42s');
    expect(formatDuration(185)).toBe('3m 05s');
    expect(formatDuration(3725)).toBe('1h 02m');
    expect(formatDuration(Number.NaN)).toBe('?');
  });
});

describe('progress', () => {
  it('measures the rate from the first report and the time left from it', () => {
    let t = 0;
    const clock = new ProgressClock(() => t);
    expect(clock.measure({ task: 'train', done: 0, total: 100 })).toEqual({
      rate: undefined,
      eta: undefined,
      elapsed: 0,
    });
    t = 10_000;
    const m = clock.measure({ task: 'train', done: 20, total: 100 });
    expect(m.rate).toBe(2);
    expect(m.eta).toBe(40);
    expect(
      formatProgress({ task: 'train', done: 20, total: 100, unit: 'steps', detail: 'kl 0.5' }, m),
    ).toBe('train: 20/100 (20%), 2 steps/s, 40s left, kl 0.5');
  });

  it('prints every tenth on a pipe, and the last line', () => {
    let t = 0;
    const lines: string[] = [];
    const progress = streamProgress({ write: (c: string) => lines.push(c) }, { now: () => t });
    for (let i = 0; i <= 100; i++) {
      t = i * 100;
      progress({ task: 'score', done: i, total: 100, unit: 'pairs' });
    }
    expect(lines).toHaveLength(11);
    expect(lines[5]).toBe('score: 50/100 (50%), 10 pairs/s, 5s left\n');
    expect(lines[10]).toBe('score: 100/100 (100%), 10 pairs/s\n');
  });
});
