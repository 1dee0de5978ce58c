// timeLeft against hand computations: means of finished jobs per kind, the pace of running jobs
// before any finished, what the running ones have done, the spread over workers.

import { describe, expect, it } from 'vitest';
import { timeLeft } from '../src/time-left.js';

describe('timeLeft', () => {
  it('counts waiting jobs at the mean time of their kind, running ones less what they ran', () => {
    // train: (60 + 90) / 2 = 75, reference: 10. Waiting 75 + 75 + 10; running train 75 - 30 = 45,
    // running reference max(0, 10 - 15) = 0. (75 + 75 + 10 + 45 + 0) / 2 workers = 102.5.
    expect(
      timeLeft({
        pending: ['train', 'train', 'reference'],
        running: [
          { kind: 'train', seconds: 30 },
          { kind: 'reference', seconds: 15 },
        ],
        finished: new Map([
          ['train', [60, 90]],
          ['reference', [10]],
        ]),
        workers: 2,
      }),
    ).toBe(102.5);
  });

  it('extrapolates the pace of running jobs while none of their kind finished', () => {
    // 20 s for 1 of 4 steps: 80 s; 30 s for 3 of 4: 40 s; expected (80 + 40) / 2 = 60.
    // Waiting 60; running 60 - 20 = 40 and 60 - 30 = 30: (60 + 40 + 30) / 2 = 65.
    const running = [
      { kind: 'train', seconds: 20, done: 1, total: 4 },
      { kind: 'train', seconds: 30, done: 3, total: 4 },
    ];
    expect(timeLeft({ pending: ['train'], running, finished: new Map(), workers: 2 })).toBe(65);
    // A finished job's time wins over the pace: 50 - 20 + 50 - 30 + 50 = 100, one worker.
    const finished = new Map([['train', [50]]]);
    expect(timeLeft({ pending: ['train'], running, finished, workers: 1 })).toBe(100);
  });

  it('has no estimate while a kind has neither a finished job nor a pace', () => {
    const finished = new Map([['train', [60]]]);
    expect(timeLeft({ pending: ['reference'], running: [], finished, workers: 1 })).toBeUndefined();
    // Running without steps reported yet (done 0 is no pace either).
    expect(
      timeLeft({
        pending: [],
        running: [{ kind: 'reference', seconds: 5, done: 0, total: 3 }],
        finished,
        workers: 1,
      }),
    ).toBeUndefined();
  });

  it('is 0 with nothing left, and never divides by fewer than one worker', () => {
    expect(timeLeft({ pending: [], running: [], finished: new Map(), workers: 2 })).toBe(0);
    expect(
      timeLeft({
        pending: ['train'],
        running: [],
        finished: new Map([['train', [7]]]),
        workers: 0,
      }),
    ).toBe(7);
  });
});
