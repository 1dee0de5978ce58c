import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '@va/core';
import { tempDir } from '@va/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { ChatClient } from '../src/chat-client.js';
import type { ChatClientConfig } from '../src/chat-client-config.js';
import { ChatJudge, ChatJudgeConfig } from '../src/chat-judge.js';
import { mixIntervals } from '../src/interval.js';
import { PROMPT_VERSION } from '../src/judge-prompt.js';
import { IntervalParseError } from '../src/parse-interval.js';
import { PromptedRewardModel } from '../src/prompted-reward-model.js';
import {
  type Behaviour,
  type FakeServer,
  type SeenRequest,
  startFakeServer,
} from './fake-server.js';

const KEY = 'sk-judge-0123456789abcdefXYZW';
let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

async function makeJudge(
  script: (r: SeenRequest) => Behaviour,
  options: { cacheDir?: string; maxReasks?: number; client?: Partial<ChatClientConfig> } = {},
) {
  server ??= await startFakeServer(script);
  const client = new ChatClient(
    {
      baseUrl: server.url,
      model: 'judge-test',
      apiKeyEnv: 'VA_TEST_KEY',
      maxRetries: 4,
      backoffBaseMs: 1,
      backoffMaxMs: 5,
      concurrency: 8,
      prices: { inputPerMillion: 1, outputPerMillion: 2 },
      ...options.client,
    },
    { env: { VA_TEST_KEY: KEY } },
  );
  const judge = new ChatJudge(
    client,
    { maxReasks: options.maxReasks ?? 2 },
    { cache: options.cacheDir },
  );
  return { judge, client, server };
}

const q = (i: number) => ({ prompt: 'Write a review.', response: `review number ${i}` });

describe('ChatJudge', () => {
  it('checks its scale when its config resolves, before any client is involved', () => {
    expect(() => ChatJudgeConfig.resolve({ scaleLow: 10, scaleHigh: 10 })).toThrow(
      /ChatJudgeConfig.scaleLow: must be below scaleHigh \(got scaleLow = 10, scaleHigh = 10\)/,
    );
    expect(ChatJudgeConfig.resolve({ scaleHigh: 10 })).toMatchObject({ scaleLow: 0, maxReasks: 2 });
  });

  it('judges a pair: interval, tokens, cost', async () => {
    const { judge } = await makeJudge(() => ({ kind: 'ok', usage: [500, 20] }));
    const j = await judge.judge(q(30));
    expect([j.interval.low, j.interval.high]).toEqual([30, 40]);
    expect(j.interval.variance).toBeCloseTo(100 / 12, 12);
    expect(j).toMatchObject({ judge: `judge-test@127.0.0.1:${new URL(server!.url).port}` });
    expect(j.promptVersion).toBe(PROMPT_VERSION);
    expect(j.usage).toEqual({ promptTokens: 500, completionTokens: 20 });
    expect(j.costUsd).toBeCloseTo((500 * 1 + 20 * 2) / 1e6, 15);
    expect(j.cached).toBe(false);
  });

  it('serves a re-run from the disk cache: zero requests, zero cost, no key on disk', async () => {
    const cacheDir = tempDir('va-judge-');
    const first = await makeJudge(() => ({ kind: 'ok' }), { cacheDir });
    const a = await Promise.all(Array.from({ length: 20 }, (_, i) => first.judge.judge(q(i))));
    expect(server!.requests).toHaveLength(20);
    // A fresh judge (a new process, in effect) with the same cache folder.
    const second = await makeJudge(() => ({ kind: 'ok' }), { cacheDir });
    const b = await Promise.all(Array.from({ length: 20 }, (_, i) => second.judge.judge(q(i))));
    expect(server!.requests).toHaveLength(20);
    expect(b.map((j) => j.interval)).toEqual(a.map((j) => j.interval));
    expect(b.every((j) => j.cached && j.usage.promptTokens === 0 && j.costUsd === 0)).toBe(true);
    expect(second.client.stats().requests).toBe(0);
    const files = listFiles(cacheDir);
    expect(files).toHaveLength(20);
    expect(files.some((f) => f.endsWith('.tmp'))).toBe(false);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      expect(text).not.toContain(KEY);
      expect(JSON.parse(text)).toMatchObject({ format: 1, promptVersion: PROMPT_VERSION });
    }
  });

  it('keys the cache by judge: another model or temperature misses', async () => {
    const cacheDir = tempDir('va-judge-');
    const a = await makeJudge(() => ({ kind: 'ok' }), { cacheDir });
    await a.judge.judge(q(1));
    const b = await makeJudge(() => ({ kind: 'ok' }), { cacheDir, client: { temperature: 0.7 } });
    await b.judge.judge(q(1));
    const c = await makeJudge(() => ({ kind: 'ok' }), { cacheDir, client: { model: 'other' } });
    await c.judge.judge(q(1));
    expect(server!.requests).toHaveLength(3);
    expect(listFiles(cacheDir)).toHaveLength(3);
  });

  it('sends identical pairs in flight once', async () => {
    const { judge } = await makeJudge(() => ({ kind: 'ok', delayMs: 20 }));
    const out = await Promise.all([judge.judge(q(5)), judge.judge(q(5)), judge.judge(q(5))]);
    expect(server!.requests).toHaveLength(1);
    expect(out.filter((j) => !j.cached)).toHaveLength(1);
    expect(out.reduce((s, j) => s + j.usage.promptTokens, 0)).toBe(100);
  });

  it('re-asks after an unreadable answer, feeding the reason back', async () => {
    const { judge } = await makeJudge((r) =>
      r.n === 1
        ? { kind: 'ok', content: 'This is a solid, helpful review. Score: 72' }
        : { kind: 'ok' },
    );
    const j = await judge.judge(q(12));
    expect(j.attempts).toBe(2);
    expect([j.interval.low, j.interval.high]).toEqual([12, 22]);
    const second = server!.requests[1]!.body.messages;
    expect(second.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(second[2]!.content).toBe('This is a solid, helpful review. Score: 72');
    expect(second[3]!.content).toMatch(
      /^Your answer could not be read: a single number \(72\) is not an interval/,
    );
    expect(j.usage.promptTokens).toBe(200);
  });

  it('gives up after maxReasks with the last reason', async () => {
    const { judge } = await makeJudge(() => ({ kind: 'ok', content: '{"low": 80, "high": 60}' }), {
      maxReasks: 2,
    });
    const err = await judge.judge(q(1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IntervalParseError);
    expect((err as IntervalParseError).reason).toMatch(
      /no valid interval from judge-test@.* after 3 answers \(maxReasks 2\); last: the bounds are reversed/,
    );
    expect(server!.requests).toHaveLength(3);
  });

  it('says when the answer was cut at max_tokens', async () => {
    const { judge } = await makeJudge(
      () => ({ kind: 'ok', content: '<think>The response is good but', finishReason: 'length' }),
      { maxReasks: 0 },
    );
    await expect(judge.judge(q(1))).rejects.toThrow(
      /inside a <think> block.*\(the answer was cut at max_tokens: raise maxTokens/,
    );
  });

  it('loses nothing and duplicates nothing under 429s, 500s, drops and bad JSON', async () => {
    // Faults are scripted per query and per attempt, not drawn in arrival order: query i fails its
    // first i % 5 attempts (at most 4, within maxRetries 4), so the run is the same every time.
    const faults: Behaviour[] = [
      { kind: 'status', status: 429, headers: { 'retry-after': '0' } },
      { kind: 'status', status: 500 },
      { kind: 'drop' },
      { kind: 'malformed' },
    ];
    const seen = new Map<string, number>();
    const { judge } = await makeJudge((r) => {
      const i = Number(/\d+/.exec(r.response)![0]);
      const k = seen.get(r.response) ?? 0;
      seen.set(r.response, k + 1);
      if (k < i % 5) return faults[(i + k) % faults.length]!;
      return { kind: 'ok', delayMs: i % 5 };
    });
    const n = 120;
    const out = await Promise.all(Array.from({ length: n }, (_, i) => judge.judge(q(i))));
    expect(out.map((j) => j.interval.low)).toEqual(Array.from({ length: n }, (_, i) => i % 90));
    expect(out.map((j) => j.attempts)).toEqual(Array.from({ length: n }, () => 1));
    expect(server!.answered.size).toBe(n);
    expect([...server!.answered.values()].every((c) => c === 1)).toBe(true);
    // Every fault costs exactly one more request: 24 queries each fail 0, 1, 2, 3 and 4 times.
    expect(server!.requests).toHaveLength(n + 24 * (0 + 1 + 2 + 3 + 4));
    expect(server!.maxInFlight).toBeLessThanOrEqual(8);
  });
});

describe('PromptedRewardModel over a chat judge', () => {
  it('gives midpoint, uniform variance and a reproducible draw inside the interval', async () => {
    const { judge } = await makeJudge(() => ({ kind: 'ok' }));
    const model = new PromptedRewardModel(judge);
    const queries = Array.from({ length: 10 }, (_, i) => q(i * 7));
    const a = await model.score(queries, { rng: new Rng(1) });
    const b = await model.score(queries, { rng: new Rng(1) });
    expect(a.map((s) => s.sample)).toEqual(b.map((s) => s.sample));
    for (const [i, s] of a.entries()) {
      const low = (i * 7) % 90;
      expect(s.interval).toEqual([low, low + 10]);
      expect(s.mean).toBe(low + 5);
      expect(s.variance).toBeCloseTo(100 / 12, 12);
      expect(s.sample).toBeGreaterThanOrEqual(low);
      expect(s.sample).toBeLessThanOrEqual(low + 10);
    }
    expect(model.name).toMatch(/^prompted\(judge-test@/);
  });

  it('mixes two judges by the law of total variance', async () => {
    const a = await makeJudge(() => ({ kind: 'ok' }));
    const b = await makeJudge(() => ({ kind: 'ok' }), { client: { model: 'second' } });
    // The fake server answers by content, so give the second judge another scale to differ.
    const wide = new ChatJudge(b.client, { scaleLow: 0, scaleHigh: 200 });
    const model = new PromptedRewardModel([a.judge, wide]);
    const [s] = await model.score([q(20)]);
    // Judge 1: [20, 30] on 0-100. Judge 2: [20, 30] on 0-200 -> [10, 15] on 0-100.
    const m = mixIntervals([
      { low: 20, high: 30 },
      { low: 10, high: 15 },
    ]);
    expect(s!.mean).toBeCloseTo(m.mean, 12);
    expect(s!.variance).toBeCloseTo(m.variance, 12);
    expect(s!.variance).toBeCloseTo((100 / 12 + 25 / 12) / 2 + 6.25 ** 2, 12);
    expect(s!.interval).toEqual([10, 30]);
  });

  it("reports the full scale for a failed pair under onFailure 'full-scale', throws by default", async () => {
    const { judge } = await makeJudge(() => ({ kind: 'ok', content: 'no idea' }), {
      maxReasks: 0,
    });
    await expect(new PromptedRewardModel(judge).score([q(1)])).rejects.toThrow(IntervalParseError);
    const lenient = new PromptedRewardModel(judge, {
      onFailure: 'full-scale',
      rewardRange: [0, 1],
    });
    const { scores, judgments } = await lenient.scoreWithJudgments([q(1)]);
    const [s] = scores;
    expect(s!.interval).toEqual([0, 1]);
    expect(s!.mean).toBe(0.5);
    expect(s!.variance).toBeCloseTo(1 / 12, 12);
    expect(judgments).toEqual([[undefined]]);
    expect('lastJudgments' in lenient).toBe(false);
  });
});
