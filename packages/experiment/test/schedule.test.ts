// The order of a run's jobs on a hand-made run: a job starts once its needs are done, in jobsOf
// order; a failed attempt goes again first; a job whose need failed fails without an attempt;
// runScheduled keeps `slots` jobs going, hands out slot numbers, and stops starting on an abort.

import { describe, expect, it } from 'vitest';
import type { Job, Variant } from '../src/run-dir.js';
import { JobSchedule, runScheduled } from '../src/schedule.js';

const ensemble: Variant = { name: 'ensemble', setting: 'ensemble', reference: true };
const prompted: Variant = { name: 'prompted', setting: 'prompted', reference: true };
const prep: Job = { kind: 'prepare-ensemble', id: 'prep', needs: [] };
const ref = (id: string, variant: Variant, needs: string[]): Job => ({
  kind: 'reference',
  id,
  variant,
  index: 0,
  seed: 1,
  needs,
});
const train = (id: string, variant: Variant, needs: string[]): Job => ({
  kind: 'train',
  id,
  variant,
  method: 'vanilla',
  index: 0,
  seed: 2,
  needs,
});
/** prep; refE and a need it; refP and b need nothing. */
const jobs = [
  prep,
  ref('refE', ensemble, ['prep']),
  train('a', ensemble, ['prep']),
  ref('refP', prompted, []),
  train('b', prompted, []),
];
const ids = (list: readonly Job[]) => list.map((j) => j.id);
const quiet = { info() {}, warn() {}, metrics() {} };

describe('JobSchedule', () => {
  it('gives out the jobs whose needs are done, in order', () => {
    const s = new JobSchedule(jobs, new Set());
    expect([s.next()?.id, s.next()?.id, s.next()?.id, s.next()]).toEqual([
      'prep',
      'refP',
      'b',
      undefined,
    ]);
    s.finish(prep);
    expect([s.next()?.id, s.next()?.id, s.next()]).toEqual(['refE', 'a', undefined]);
    expect(ids(s.pending)).toEqual([]);
    expect([...s.done]).toEqual(['prep']);
  });

  it('never gives out what was done before', () => {
    const s = new JobSchedule(jobs, new Set(['prep', 'refP']));
    expect(ids(s.pending)).toEqual(['refE', 'a', 'b']);
    expect([s.next()?.id, s.next()?.id, s.next()?.id, s.next()]).toEqual([
      'refE',
      'a',
      'b',
      undefined,
    ]);
  });

  it('tries a failed job again first, and fails it and what needs it after its attempts', () => {
    const warned: string[] = [];
    const s = new JobSchedule(jobs, new Set(), {
      maxAttempts: 2,
      logger: { ...quiet, warn: (m) => warned.push(m) },
    });
    expect(s.next()?.id).toBe('prep');
    s.finish(prep, 'no pairs');
    expect(ids(s.pending)).toEqual(['prep', 'refE', 'a', 'refP', 'b']);
    expect(s.next()?.id).toBe('prep');
    s.finish(prep, 'no pairs again');
    expect(s.failed).toEqual([{ id: 'prep', error: 'no pairs again', attempts: 2 }]);
    expect(s.next()?.id).toBe('refP');
    expect(s.failed.slice(1)).toEqual([
      { id: 'refE', error: 'needs prep, which failed', attempts: 0 },
      { id: 'a', error: 'needs prep, which failed', attempts: 0 },
    ]);
    expect(ids(s.pending)).toEqual(['b']);
    expect(warned).toEqual([
      'prep: attempt 1 failed (no pairs); trying again',
      'prep: failed after 2 attempts: no pairs again',
    ]);
  });
});

describe('runScheduled', () => {
  const tick = () => new Promise((r) => setImmediate(r));

  /** An execute whose attempts end when the test says. */
  function manual() {
    const started: [string, number][] = [];
    const end = new Map<string, (error?: Error) => void>();
    const execute = (job: Job, slot: number) =>
      new Promise<void>((resolve, reject) => {
        started.push([job.id, slot]);
        end.set(job.id, (error) => (error ? reject(error) : resolve()));
      });
    return { started, end, execute };
  }

  it('keeps `slots` jobs going, each in a free slot, as their needs are done', async () => {
    const s = new JobSchedule(jobs, new Set(), { logger: quiet });
    const m = manual();
    let finished = 0;
    let over = false;
    const all = runScheduled(s, { slots: 2, execute: m.execute, onFinish: () => finished++ });
    void all.then(() => (over = true));
    await tick();
    expect(m.started).toEqual([
      ['prep', 0],
      ['refP', 1],
    ]);
    m.end.get('refP')!();
    await tick();
    expect(m.started.at(-1)).toEqual(['b', 1]);
    // A failed attempt goes again, in the slot it freed.
    m.end.get('prep')!(new Error('flaky'));
    await tick();
    expect(m.started.at(-1)).toEqual(['prep', 0]);
    m.end.get('prep')!();
    await tick();
    expect(m.started.at(-1)).toEqual(['refE', 0]);
    m.end.get('b')!();
    await tick();
    expect(m.started.at(-1)).toEqual(['a', 1]);
    expect(over).toBe(false);
    m.end.get('refE')!();
    m.end.get('a')!();
    await all;
    expect(m.started.map(([id]) => id)).toEqual(['prep', 'refP', 'b', 'prep', 'refE', 'a']);
    expect([...s.done].sort()).toEqual(['a', 'b', 'prep', 'refE', 'refP']);
    expect([finished, s.failed.length]).toEqual([6, 0]);
  });

  it('starts nothing after an abort and records no attempt that ends after it', async () => {
    const s = new JobSchedule(jobs, new Set(), { logger: quiet });
    const m = manual();
    const controller = new AbortController();
    const all = runScheduled(s, { slots: 2, execute: m.execute, signal: controller.signal });
    await tick();
    controller.abort();
    m.end.get('prep')!(new Error('stopped'));
    m.end.get('refP')!();
    await all;
    expect(m.started.map(([id]) => id)).toEqual(['prep', 'refP']);
    // The job that finished is done; the stopped one neither failed nor counts an attempt.
    expect([[...s.done], s.failed, ids(s.pending)]).toEqual([['refP'], [], ['refE', 'a', 'b']]);
  });

  it('records an execute that throws as a failed attempt', async () => {
    const s = new JobSchedule([prep], new Set(), { maxAttempts: 1, logger: quiet });
    await runScheduled(s, {
      slots: 1,
      execute: () => {
        throw new Error('at once');
      },
    });
    expect(s.failed).toEqual([{ id: 'prep', error: 'at once', attempts: 1 }]);
  });
});
