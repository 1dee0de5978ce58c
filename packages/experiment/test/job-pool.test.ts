// JobPool against real child processes that speak the job protocol (fixtures/job-process.ts): a
// process kept for the next job, no more than `size` at a time, a failure's message and stack, a
// process dying mid-job or while idle, an abort, close; the environment the processes get.

import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { JobPool, type PoolRunOptions } from '../src/job-pool.js';
import type { ProgressMessage } from '../src/worker-protocol.js';

const entry = {
  file: join(import.meta.dirname, 'fixtures', 'job-process.ts'),
  execArgv: ['--import', 'tsx'],
};
const pools: JobPool[] = [];
const poolOf = (size: number, env?: NodeJS.ProcessEnv) => {
  const pool = new JobPool({ size, entry, env });
  pools.push(pool);
  return pool;
};
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close({ force: true })));
});

const job = (jobId: string, runDir = '/runs/a') => ({ type: 'job', runDir, jobId }) as const;

/** A run's pid, progress and log. */
function watched(extra: Partial<PoolRunOptions> = {}) {
  const seen = { pid: 0, progress: [] as [ProgressMessage, number][], log: '' };
  const log = new PassThrough();
  log.on('data', (d) => (seen.log += d));
  const options: PoolRunOptions = {
    log,
    onStart: (pid) => (seen.pid = pid),
    onProgress: (m, pid) => seen.progress.push([m, pid]),
    ...extra,
  };
  return { seen, options };
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('JobPool', () => {
  it('runs jobs in a process it keeps, reporting progress and output', async () => {
    const pool = poolOf(1);
    const a = watched();
    await pool.run(job('ok'), a.options);
    expect(a.seen.pid).toBeGreaterThan(0);
    expect(a.seen.progress.map(([m, pid]) => [m.done, m.total, m.unit, pid])).toEqual([
      [1, 2, 'steps', a.seen.pid],
      [2, 2, 'steps', a.seen.pid],
    ]);
    const b = watched();
    await pool.run(job('ok', '/runs/b'), b.options);
    expect(b.seen.pid).toBe(a.seen.pid);
    expect(pool.pids).toEqual([a.seen.pid]);
    // Each run's log has the output of its own job only.
    await new Promise((r) => setTimeout(r, 50));
    expect(a.seen.log).toBe('ran /runs/a\n');
    expect(b.seen.log).toBe('ran /runs/b\n');
  }, 60_000);

  it('runs at most `size` jobs at a time, the others waiting for a free process', async () => {
    const pool = poolOf(2);
    let running = 0;
    let most = 0;
    const pids = new Set<number>();
    await Promise.all(
      [0, 1, 2, 3, 4].map((i) =>
        pool.run(job('ok', `/runs/${i}`), {
          onStart: (pid) => {
            pids.add(pid);
            running += 1;
            most = Math.max(most, running);
          },
          onProgress: (m) => {
            if (m.done === 2) running -= 1;
          },
        }),
      ),
    );
    // All five asked at once: two processes started (a pool without its bound starts five), and
    // never more than two jobs ran together.
    expect(pids.size).toBe(2);
    expect(most).toBeLessThanOrEqual(2);
  }, 60_000);

  it('rejects with a failed job message, its stack in the log, and keeps the process', async () => {
    const pool = poolOf(1);
    const a = watched();
    await expect(pool.run(job('fail', '/runs/x'), a.options)).rejects.toThrow(
      /^\/runs\/x went wrong$/,
    );
    expect(a.seen.log).toMatch(/^Error: \/runs\/x went wrong\n {4}at /);
    const b = watched();
    await pool.run(job('ok'), b.options);
    expect(b.seen.pid).toBe(a.seen.pid);
  }, 60_000);

  it('fails the job of a process that dies mid-job, and replaces it', async () => {
    const pool = poolOf(1);
    const a = watched();
    const error = await pool.run(job('die'), a.options).catch((e: Error) => e);
    expect((error as Error).message).toBe(
      `its job process ${a.seen.pid} exited (code 3) while running it`,
    );
    expect(a.seen.progress).toHaveLength(1);
    const b = watched();
    await pool.run(job('ok'), b.options);
    expect(b.seen.pid).not.toBe(a.seen.pid);
    expect(pool.pids).toEqual([b.seen.pid]);
  }, 60_000);

  it('replaces a process killed while idle', async () => {
    const pool = poolOf(1);
    const a = watched();
    await pool.run(job('ok'), a.options);
    process.kill(a.seen.pid, 'SIGKILL');
    while (isAlive(a.seen.pid)) await new Promise((r) => setTimeout(r, 10));
    const b = watched();
    await pool.run(job('ok'), b.options);
    expect(b.seen.pid).not.toBe(a.seen.pid);
  }, 60_000);

  it('stops the process of an aborted job and rejects with the reason', async () => {
    const pool = poolOf(1);
    const controller = new AbortController();
    const a = watched({
      signal: controller.signal,
      onProgress: () => controller.abort(new Error('enough')),
    });
    await expect(pool.run(job('hang'), a.options)).rejects.toThrow(/^enough$/);
    expect(isAlive(a.seen.pid)).toBe(false);
    expect(pool.pids).toEqual([]);
    // An aborted signal starts nothing.
    await expect(pool.run(job('ok'), { signal: controller.signal })).rejects.toThrow(/^enough$/);
    expect(pool.pids).toEqual([]);
  }, 60_000);

  it('gives each process its share of the cores and the environment it was given', async () => {
    const pool = poolOf(2, { ...process.env, VA_TEST_SECRET: 'kept' });
    const a = watched();
    await pool.run(job('env'), a.options);
    expect(JSON.parse(a.seen.progress[0]![0].detail!)).toEqual({
      threads: String(Math.max(1, Math.floor(availableParallelism() / 2))),
      secret: 'kept',
    });
    const bare = poolOf(1, { PATH: process.env.PATH });
    const b = watched();
    await bare.run(job('env'), b.options);
    expect(JSON.parse(b.seen.progress[0]![0].detail!).secret).toBeNull();
  }, 60_000);

  it('closes once its processes have exited, and refuses jobs after', async () => {
    const pool = poolOf(2);
    const pids: number[] = [];
    await Promise.all([0, 1].map(() => pool.run(job('ok'), { onStart: (pid) => pids.push(pid) })));
    await pool.close();
    expect(pids.map(isAlive)).toEqual([false, false]);
    expect(pool.pids).toEqual([]);
    await expect(pool.run(job('ok'))).rejects.toThrow(/JobPool.run: the pool is closed/);
  }, 60_000);
});
