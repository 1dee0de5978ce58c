// `va experiment run` as a user meets it, in child processes: a second run on the same folder is
// refused at once, naming the first (status and report work beside it); the run SIGKILLed (the
// command and its job processes) at random points of training, with a PPO checkpoint every step,
// three times, then two runs started at once on the dead run's lock (one takes it over, the other
// is refused): every per-policy return and every log.jsonl equals an uninterrupted run's. Then the
// run on a disk that fills up, and on one made read-only mid-run (small tmpfs mounts: we run as
// root, whom chmod does not stop; skipped where mount is not allowed): a clear error naming the
// path, the finished jobs kept, and the next run on a good disk ends with the same numbers. Last,
// `va experiment report` on that run with hostile text in every prompt and response it shows.

import { execFileSync } from 'node:child_process';
import { mkdirSync, rmdirSync } from 'node:fs';
import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Rng } from '@va/core';
import { tempDir } from '@va/test-utils';
import { describe, expect, it } from 'vitest';
import { ExperimentConfig, SMOKE_CONFIG } from '../src/config.js';
import { jobsOf, RunDir } from '../src/run-dir.js';
import {
  exists,
  killAll,
  ppoLogRows,
  runVa,
  sleep,
  startVa,
  type VaProcess,
  waitFor,
} from './va-process.js';

const tmp = tempDir('va-kill-resume-');
const config = {
  ...SMOKE_CONFIG,
  settings: ['prompted' as const],
  ppo: { ...SMOKE_CONFIG.ppo, steps: 5, saveEvery: 1 },
};
const jobs = jobsOf(ExperimentConfig.resolve(config));
const training = jobs.filter((j) => j.kind === 'train');

/** PPO steps logged so far, over every training job of the run in `dir`. */
async function stepsLogged(dir: string): Promise<number> {
  let n = 0;
  for (const job of training) {
    const text = await readFile(join(dir, job.id, 'ppo', 'log.jsonl'), 'utf8').catch(() => '');
    n += text.split('\n').filter((l) => l.trim()).length;
  }
  return n;
}

/** Every job's result without its timing, and every PPO log without its timings. */
async function outcome(dir: string) {
  const run = new RunDir(dir);
  const results: Record<string, unknown> = {};
  const logs: Record<string, unknown> = {};
  for (const job of jobs) {
    const { seconds: _s, ...result } = (await run.readResult<Record<string, unknown>>(job)) ?? {};
    results[job.id] = result;
    if (job.kind !== 'train') continue;
    logs[job.id] = await ppoLogRows(join(dir, job.id, 'ppo'));
  }
  return { results, logs };
}

/** Mounts a tmpfs of `size` at `dir` (`mount` options, e.g. `size=20m`), or says why it cannot. */
function mount(dir: string, options: string): void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'pipe' });
}
const remount = (dir: string, options: string) =>
  execFileSync('mount', ['-o', `remount,${options}`, dir], { stdio: 'pipe' });
/** Remounts `dir` once no file there is open for writing (mount says EBUSY until then). */
async function remountWhenIdle(dir: string, options: string): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      remount(dir, options);
      return;
    } catch (error) {
      if (i >= 400) throw error;
      await sleep(5);
    }
  }
}

/** Unmounts `dir`, lazily when a process that is ending still holds a file there. */
function umount(dir: string): void {
  try {
    execFileSync('umount', [dir], { stdio: 'pipe' });
  } catch {
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
  }
}

/** Why tmpfs mounts cannot be made here, or undefined when they can. */
const noMount = (() => {
  const probe = join(tmp, 'probe');
  mkdirSync(probe);
  try {
    mount(probe, 'size=1m');
    umount(probe);
    return undefined;
  } catch (error) {
    return `no tmpfs mounts here (${(error as Error).message.split('\n')[0]})`;
  } finally {
    rmdirSync(probe);
  }
})();

let baseline: Awaited<ReturnType<typeof outcome>> | undefined;

describe('va experiment run, beside another and killed', () => {
  it('refuses a second run, resumes after SIGKILLs, and ends with the uninterrupted numbers', async () => {
    const file = join(tmp, 'run.json');
    await writeFile(file, JSON.stringify(config));
    const run = (dir: string) =>
      startVa(['experiment', 'run', '--config', file, '--dir', dir, '--quiet']);

    // The uninterrupted run, and a second one on its folder while it trains.
    const whole = join(tmp, 'whole');
    const first = run(whole);
    expect(await waitFor(first, async () => (await stepsLogged(whole)) >= 1), first.output).toBe(
      true,
    );
    // Beside it, at once: a second run, the status and the report.
    const [second, status, report] = await Promise.all([
      runVa(['experiment', 'run', '--config', file, '--dir', whole, '--quiet']),
      runVa(['experiment', 'status', '--dir', whole]),
      runVa(['experiment', 'report', '--dir', whole]),
    ]);
    expect(first.child.exitCode, 'the first run still runs').toBeNull();
    expect(second.code).toBe(1);
    expect(second.output).toMatch(
      new RegExp(
        `the run folder ${whole} is in use: va experiment run holds it \\(pid ${first.child.pid} on ${hostname()}, since \\d{4}-.*\\)\\. Wait for it to end or stop it; 'va experiment status --dir ${whole}' and 'va experiment report' work beside it`,
      ),
    );
    expect(status.code, status.output).toBe(0);
    expect(status.output).toContain(`running: va experiment run, pid ${first.child.pid}`);
    expect(report.code, report.output).toBe(0);
    expect(await first.exited, first.output).toBe(0);

    // The same run killed three times at random points of its training.
    const cut = join(tmp, 'cut');
    const rng = new Rng(22);
    const total = training.length * config.ppo.steps;
    for (let kill = 0; kill < 3; kill++) {
      const p = run(cut);
      const target = Math.min(total - 1, (await stepsLogged(cut)) + 1 + Math.floor(rng.next() * 3));
      expect(await waitFor(p, async () => (await stepsLogged(cut)) >= target), p.output).toBe(true);
      await sleep(Math.floor(rng.next() * 400));
      await killAll(p);
    }
    // Two runs at once on the dead run's lock: one takes it over, the other is refused.
    const both: VaProcess[] = [run(cut), run(cut)];
    const codes = await Promise.all(both.map((p) => p.exited));
    expect(codes.sort(), both.map((p) => p.output).join('\n---\n')).toEqual([0, 1]);
    const winner = both.find((p) => p.child.exitCode === 0)!;
    const loser = both.find((p) => p.child.exitCode === 1)!;
    expect(loser.output).toContain(`holds it (pid ${winner.child.pid} on ${hostname()}`);

    baseline = await outcome(whole);
    expect(await outcome(cut)).toEqual(baseline);
    // Nothing half-written is left behind.
    for (const job of training) {
      const ppo = join(cut, job.id, 'ppo');
      expect((await readdir(ppo)).filter((n) => n.includes('.tmp'))).toEqual([]);
      expect(await exists(join(ppo, 'checkpoints'))).toBe(false);
    }
  }, 900_000);

  it.skipIf(noMount !== undefined)(
    `fails clearly on a full or read-only disk, keeps what finished, resumes on a good one${noMount ? ` (${noMount})` : ''}`,
    async () => {
      expect(baseline, 'the uninterrupted run of the test above').toBeDefined();
      const file = join(tmp, 'run.json');
      const args = (dir: string) => [
        'experiment',
        'run',
        '--config',
        file,
        '--dir',
        dir,
        '--quiet',
      ];

      // A disk with room for one checkpoint (13 MB: the weights and the optimizer's moments).
      const full = join(tmp, 'full');
      mkdirSync(full);
      mount(full, 'size=20m');
      try {
        const dir = join(full, 'run');
        const failed = await runVa(args(dir));
        expect(failed.code, failed.output).toBe(1);
        expect(failed.output).toMatch(
          new RegExp(
            `cannot write ${dir}/policies/prompted/[a-z-]+/seed-\\d/ppo/\\S+: the disk is full \\(ENOSPC\\)`,
          ),
        );
        expect(failed.output).toContain(
          'jobs failed (the others are kept; run the same command to retry them)',
        );
        const run = new RunDir(dir);
        const done = await run.doneJobs(jobs);
        expect([...done].sort()).toEqual(
          jobs
            .filter((j) => j.kind === 'reference')
            .map((j) => j.id)
            .sort(),
        );
        // Nothing half-written: every checkpoint there is complete, no temporary folder stays.
        for (const job of training) {
          const ppo = join(dir, job.id, 'ppo');
          const names = await readdir(join(ppo, 'checkpoints')).catch(() => [] as string[]);
          for (const n of names) expect(n).toMatch(/^step-\d{6}$/);
          for (const n of names)
            expect(await exists(join(ppo, 'checkpoints', n, 'trainer_state.json'))).toBe(true);
        }
        const before = await Promise.all(
          [...done].map((id) => readFile(run.resultFile(jobs.find((j) => j.id === id)!), 'utf8')),
        );
        remount(full, 'size=400m');
        const again = await runVa(args(dir));
        expect(again.code, again.output).toBe(0);
        expect(await outcome(dir)).toEqual(baseline);
        // What had finished was not redone.
        expect(
          await Promise.all(
            [...done].map((id) => readFile(run.resultFile(jobs.find((j) => j.id === id)!), 'utf8')),
          ),
        ).toEqual(before);
      } finally {
        umount(full);
      }

      // The policies' folder made read-only while the run trains (its own tmpfs: a remount waits
      // for no file to be open for writing there, and the worker logs stay open elsewhere).
      const dir = join(tmp, 'frozen');
      const policies = join(dir, 'policies');
      mkdirSync(policies, { recursive: true });
      mount(policies, 'size=400m');
      try {
        const p = startVa(args(dir));
        expect(await waitFor(p, async () => (await stepsLogged(dir)) >= 2), p.output).toBe(true);
        await remountWhenIdle(policies, 'ro');
        expect(await p.exited, p.output).toBe(1);
        expect(p.output).toMatch(
          new RegExp(`cannot write ${policies}/\\S+: the file system is read-only \\(EROFS\\)`),
        );
        remount(policies, 'rw');
        const again = await runVa(args(dir));
        expect(again.code, again.output).toBe(0);
        expect(await outcome(dir)).toEqual(baseline);
      } finally {
        umount(policies);
      }
    },
    900_000,
  );

  it('escapes every model-generated text in report.html, which requests nothing', async () => {
    const whole = join(tmp, 'whole');
    expect(baseline, 'the uninterrupted run of the first test').toBeDefined();
    const dir = join(tmp, 'hostile');
    await cp(whole, dir, { recursive: true });
    const hostile =
      '</td></tr></table></details></summary><script>alert(1)</script><img src=x onerror=alert(2)>' +
      '<a href="https://evil.example/">x</a><style>body{background:url(https://evil.example/i.png)}</style><!-- ]]> -->';
    // Every prompt and response the results hold, whatever field keeps them.
    const poison = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(poison)
        : value && typeof value === 'object'
          ? Object.fromEntries(
              Object.entries(value).map(([k, v]) => [
                k,
                typeof v === 'string' && /prompt|response|text/i.test(k)
                  ? `${v}${hostile}`
                  : poison(v),
              ]),
            )
          : value;
    const run = new RunDir(dir);
    for (const job of jobs) {
      await writeFile(run.resultFile(job), JSON.stringify(poison(await run.readResult(job))));
    }
    const report = await runVa(['experiment', 'report', '--dir', dir]);
    expect(report.code, report.output).toBe(0);
    const html = await readFile(join(dir, 'report', 'report.html'), 'utf8');
    expect(html).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;',
    );
    // The page's own tags only (escaped text has none): no script, no image, no link elsewhere.
    const tags = html.match(/<[a-zA-Z][^>]*>/g) ?? [];
    expect(tags.filter((t) => /^<(script|img|iframe|link|object|embed|base)\b/i.test(t))).toEqual(
      [],
    );
    expect(tags.filter((t) => /^<style\b/i.test(t))).toHaveLength(1);
    for (const t of tags) {
      for (const m of t.matchAll(/(?:src|href)\s*=\s*["']?([^"' >]*)/gi))
        expect(m[1], t).toMatch(/^#/);
      for (const m of t.matchAll(/url\(([^)]*)\)/g)) expect(m[1], t).toMatch(/^#/);
    }
    const css = html.slice(html.indexOf('<style>'), html.indexOf('</style>'));
    expect(css).not.toMatch(/url\((?!#)|@import|https?:/);
    for (const tag of ['details', 'summary', 'table', 'tr', 'td']) {
      const open = tags.filter((t) => new RegExp(`^<${tag}[ >]`).test(t)).length;
      expect(html.match(new RegExp(`</${tag}>`, 'g'))?.length ?? 0, tag).toBe(open);
    }
    const md = await readFile(join(dir, 'report', 'REPORT.md'), 'utf8');
    // Markdown: every such character backslash-escaped.
    expect(md).not.toMatch(/(?<!\\)<(script|img|\/details)/);
    expect(md).toContain('\\<script\\>alert\\(1\\)');
  }, 300_000);
});
