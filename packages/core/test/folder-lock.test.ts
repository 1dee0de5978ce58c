// The folder lock across real processes: a second taker is refused with the holder named; a lock
// whose holder was SIGKILLed is taken over, by exactly one of several processes racing for it.

import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FolderLockedError } from '../src/errors.js';
import { LOCK_DIR, lockFolder, readFolderLock } from '../src/folder-lock.js';

const tmp = mkdtempSync(join(tmpdir(), 'va-core-lock-'));
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const module = pathToFileURL(join(import.meta.dirname, '..', 'src', 'folder-lock.ts')).href;

/** A process that tries to take the lock, prints `held` or `refused <holder pid>`, then waits. */
function taker(folder: string) {
  const code = `
    const { lockFolder } = await import(${JSON.stringify(module)});
    try {
      await lockFolder(${JSON.stringify(folder)}, { command: 'test taker' });
      console.log('held');
    } catch (e) {
      console.log(e.holder ? 'refused ' + e.holder.pid : 'error ' + e.message);
    }
    setTimeout(() => {}, 60000);
  `;
  const child = spawn(process.execPath, ['--import', tsx, '--input-type=module', '-e', code], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const said = new Promise<string>((resolve) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.trim());
    });
  });
  return { child, said };
}

describe('lockFolder', () => {
  it('refuses a second taker, naming the holder; frees on release', async () => {
    const folder = join(tmp, 'one');
    const lock = await lockFolder(folder, {
      command: 'va experiment run',
      label: 'the run folder',
    });
    expect(await readFolderLock(folder)).toEqual(lock.holder);
    const error = await lockFolder(folder, {
      command: 'again',
      hint: 'status works beside it',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FolderLockedError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `in use: va experiment run holds it \\(pid ${process.pid} on ${hostname()}, since \\d{4}-\\d\\d-\\d\\dT.*\\)\\. Wait for it to end or stop it; status works beside it`,
      ),
    );
    await lock.release();
    expect(await readFolderLock(folder)).toBeUndefined();
    const next = await lockFolder(folder, { command: 'next' });
    await next.release();
  });

  it('is taken over from a killed holder by exactly one of six racing processes', async () => {
    const folder = join(tmp, 'race');
    const first = taker(folder);
    expect(await first.said).toBe('held');
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    expect((await readFolderLock(folder))?.pid).toBe(first.child.pid);

    const racers = Array.from({ length: 6 }, () => taker(folder));
    const said = await Promise.all(racers.map((r) => r.said));
    try {
      const winners = racers.filter((_, i) => said[i] === 'held');
      expect(winners).toHaveLength(1);
      const winner = winners[0]!.child.pid;
      expect(said.filter((s) => s !== 'held')).toEqual(Array(5).fill(`refused ${winner}`));
      expect((await readFolderLock(folder))?.pid).toBe(winner);
    } finally {
      for (const r of racers) r.child.kill('SIGKILL');
    }
  });

  it("refuses another host's lock, dead or not, and says how to proceed", async () => {
    const folder = join(tmp, 'elsewhere');
    await mkdir(join(folder, LOCK_DIR), { recursive: true });
    const holder = {
      host: 'node-7',
      pid: 999_999,
      since: '2025-01-02T03:04:05.000Z',
      command: 'va experiment run',
    };
    await writeFile(join(folder, LOCK_DIR, '0000000003.json'), JSON.stringify(holder));
    await expect(lockFolder(folder, { command: 'here' })).rejects.toThrow(
      `holds it (pid 999999 on node-7, since 2025-01-02T03:04:05.000Z). Wait for it to end or stop it. If that process is gone (its machine lost), remove ${join(folder, LOCK_DIR, '0000000003.json')} and run again.`,
    );
  });
});
