// The `va` command in a child process, as a user runs it (for tests of kills, locks and disks):
// its output as it comes, its exit, SIGKILL of it and of its job processes.

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const here = join(import.meta.dirname, '..');
const cli = join(here, 'src', 'cli.ts');
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** A running `va` and what it printed so far. */
export interface VaProcess {
  readonly child: ChildProcess;
  output: string;
  /** Its exit code (null when a signal ended it). */
  readonly exited: Promise<number | null>;
}

/** Starts `va <args>` in the package folder (so relative paths there work). */
export function startVa(args: readonly string[], env: NodeJS.ProcessEnv = {}): VaProcess {
  const child = spawn(process.execPath, ['--import', tsx, cli, ...args], {
    cwd: here,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const p: VaProcess = {
    child,
    output: '',
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
  };
  child.stdout!.on('data', (d) => (p.output += d));
  child.stderr!.on('data', (d) => (p.output += d));
  return p;
}

/** Runs `va <args>` to its end. */
export async function runVa(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; output: string }> {
  const p = startVa(args, env);
  const code = await p.exited;
  return { code, output: p.output };
}

/** The pids of `pid`'s descendants (its job processes), from `ps`. */
export function descendants(pid: number): number[] {
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number) as [number, number]);
  const out: number[] = [];
  const walk = (parent: number) => {
    for (const [child, ppid] of rows) {
      if (ppid === parent) {
        out.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return out;
}

/** SIGKILL to `p` and every process under it at once (as `kill -9` of a process group). */
export async function killAll(p: VaProcess): Promise<void> {
  const pids = [p.child.pid!, ...descendants(p.child.pid!)];
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
  await p.exited;
  // The job processes are not our children: wait until they are gone too.
  for (const pid of pids.slice(1)) {
    while (isAlive(pid)) await sleep(20);
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `test` holds (polled every 25 ms) or `p` exits; true when it held. */
export async function waitFor(
  p: VaProcess,
  test: () => boolean | Promise<boolean>,
): Promise<boolean> {
  let ended = false;
  void p.exited.then(() => (ended = true));
  while (!ended) {
    if (await test()) return true;
    await sleep(25);
  }
  return test();
}

/** Whether `path` exists. */
export const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/** A PPO run's `log.jsonl` rows without their timings (`time/...`), which differ between runs. */
export async function ppoLogRows(ppoDir: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(join(ppoDir, 'log.jsonl'), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) =>
      Object.fromEntries(Object.entries(JSON.parse(line)).filter(([k]) => !k.startsWith('time/'))),
    );
}
