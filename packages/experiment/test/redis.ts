// A Redis server for the queue tests: the one CI started (VA_TEST_REDIS_URL, password in
// VA_REDIS_PASSWORD), else a redis-server of this machine started on loopback, on a free port, with a
// random password (given on stdin, so that it shows in no process list), stopped after the file.
// Without either the tests skip with a message; under CI (CI set) they fail instead.

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface TestRedis {
  readonly url: string;
  readonly password: string;
  stop(): Promise<void>;
}

function findRedisServer(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/sbin'];
  return dirs.map((d) => join(d, 'redis-server')).find((p) => p && existsSync(p));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A Redis server to test against, or why there is none (the tests then skip). */
export async function testRedis(): Promise<TestRedis | string> {
  const url = process.env.VA_TEST_REDIS_URL;
  if (url) {
    return { url, password: process.env.VA_REDIS_PASSWORD ?? '', stop: async () => {} };
  }
  const server = findRedisServer();
  if (!server) {
    const why =
      'skipped: no redis-server on this machine (apt-get install redis-server), and VA_TEST_REDIS_URL is not set';
    if (process.env.CI) throw new Error(`the queue tests need Redis in CI; ${why}`);
    return why;
  }
  const port = await freePort();
  const password = randomBytes(18).toString('hex');
  const child: ChildProcess = spawn(server, ['-'], { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin!.end(
    [
      `port ${port}`,
      'bind 127.0.0.1',
      `requirepass ${password}`,
      'save ""',
      'appendonly no',
      `dir ${tmpdir()}`,
    ].join('\n'),
  );
  // Never left behind, even when the test process ends early.
  process.once('exit', () => child.kill('SIGTERM'));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += d;
      if (output.includes('Ready to accept connections')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}):\n${output}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}/0`,
    password,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
