// Throughput of the judge client: 1,000 judgments against a loopback OpenAI-compatible server (its
// own process) that answers after 50 ms, at concurrency 32. Ideal wall time is 1000 * 50 ms / 32 =
// 1.5625 s; measured / ideal must stay within 1.2. A bare node:http client doing the same requests in
// the same run is the baseline for the machine's own overhead. Run: pnpm bench (packages/reward-prompted).

import { spawn } from 'node:child_process';
import http from 'node:http';
import { ChatClient } from '../src/chat-client.js';
import { ChatJudge } from '../src/chat-judge.js';
import { buildJudgeMessages, JudgePromptConfig } from '../src/judge-prompt.js';

const N = 1000;
const LATENCY_MS = 50;
const CONCURRENCY = 32;
const LIMIT = 1.2;
const ROUNDS = 3;
const IDEAL = (N * LATENCY_MS) / CONCURRENCY;

const child = spawn(
  process.execPath,
  ['--import', 'tsx', new URL('./server.ts', import.meta.url).pathname, String(LATENCY_MS)],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const url = await new Promise<string>((resolve) =>
  child.stdout.once('data', (d: Buffer) => resolve(String(d).trim())),
);
const query = (i: number) => ({ prompt: 'Write a short movie review.', response: `review ${i}` });

// The judge: prompt, client (retries, timeouts, accounting), in-flight dedupe, parser. No cache.
const client = new ChatClient({ baseUrl: url, model: 'bench', concurrency: CONCURRENCY });
const judge = new ChatJudge(client);
async function ours(offset: number): Promise<boolean> {
  const out = await Promise.all(
    Array.from({ length: N }, (_, i) => judge.judge(query(offset + i))),
  );
  return out.every((j, i) => j.interval.low === (offset + i) % 90);
}

// The baseline: the same requests with a bare keep-alive node:http pool, no parsing beyond JSON.
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
const promptConfig = JudgePromptConfig.resolve();
function post(i: number): Promise<unknown> {
  const body = JSON.stringify({
    model: 'bench',
    messages: buildJudgeMessages(query(i), promptConfig),
    temperature: 0,
  });
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}/chat/completions`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
async function baseline(offset: number): Promise<boolean> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < N) await post(offset + next++);
    }),
  );
  return true;
}

async function timed(run: (offset: number) => Promise<boolean>, offset: number) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const ok = await run(offset);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { ok, ms, cpuMs: (cpu.user + cpu.system) / 1000 };
}

await timed(baseline, 10 * N); // warm-up: connections open, code optimised (not reported)
await timed(ours, 11 * N);
const best = { ours: Number.POSITIVE_INFINITY, base: Number.POSITIVE_INFINITY, cpu: 0 };
let correct = true;
for (let r = 0; r < ROUNDS; r++) {
  const b = await timed(baseline, 2 * r * N);
  const o = await timed(ours, (2 * r + 1) * N);
  correct &&= o.ok;
  best.base = Math.min(best.base, b.ms);
  if (o.ms < best.ours) Object.assign(best, { ours: o.ms, cpu: o.cpuMs });
}
child.kill('SIGTERM');
client.close();
agent.destroy();

const ratio = best.ours / IDEAL;
console.log(
  [
    `judge throughput: ${N} judgments, ${LATENCY_MS} ms latency, concurrency ${CONCURRENCY}, best of ${ROUNDS}:`,
    `  va judge   ${best.ours.toFixed(0)} ms = ${ratio.toFixed(3)} x ideal ${IDEAL.toFixed(1)} ms (limit ${LIMIT}); client CPU ${(best.cpu / N).toFixed(2)} ms per judgment`,
    `  bare http  ${best.base.toFixed(0)} ms = ${(best.base / IDEAL).toFixed(3)} x ideal (this machine, this run)`,
    `  va judge / bare http = ${(best.ours / best.base).toFixed(3)}`,
  ].join('\n'),
);
if (!correct) {
  console.error('judge throughput: wrong answers');
  process.exit(1);
}
if (ratio > LIMIT) process.exit(1);
