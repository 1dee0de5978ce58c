import { ConfigError, type Logger, RemoteError } from '@va/core';
import { afterEach, describe, expect, it } from 'vitest';
import { ChatClient } from '../src/chat-client.js';
import { type ChatClientConfig, presetConfig } from '../src/chat-client-config.js';
import { buildJudgeMessages, JudgePromptConfig } from '../src/judge-prompt.js';
import { parseRetryAfter } from '../src/retry.js';
import {
  type Behaviour,
  type FakeServer,
  type SeenRequest,
  startFakeServer,
} from './fake-server.js';

const KEY = 'sk-test-9f8e7d6c5b4a3210ABCDEFGHijkl';
const env = { VA_TEST_KEY: KEY };
const prompt = JudgePromptConfig.resolve();
const msgs = (response: string) => buildJudgeMessages({ prompt: 'Review:', response }, prompt);

/** Collects every log line, to grep for the key. */
function collectingLogger(lines: string[]): Logger {
  return {
    info: (m) => lines.push(m),
    warn: (m) => lines.push(m),
    metrics: (s, v) => lines.push(`${s} ${JSON.stringify(v)}`),
  };
}

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(
  script: (r: SeenRequest) => Behaviour,
  config: Partial<ChatClientConfig> = {},
  logLines: string[] = [],
) {
  server = await startFakeServer(script);
  const client = new ChatClient(
    {
      baseUrl: server.url,
      model: 'judge-test',
      apiKeyEnv: 'VA_TEST_KEY',
      maxRetries: 3,
      timeoutMs: 2000,
      backoffBaseMs: 2,
      backoffMaxMs: 10,
      prices: { inputPerMillion: 0.1, outputPerMillion: 0.4 },
      ...config,
    },
    { env, logger: collectingLogger(logLines) },
  );
  return { client, server };
}

describe('ChatClient against a loopback OpenAI-compatible server', () => {
  it('sends the chat-completions request and reads answer, usage and cost', async () => {
    const { client, server } = await setup(() => ({ kind: 'ok', usage: [1200, 30] }), {
      temperature: 0,
      maxTokens: 64,
      seed: 7,
    });
    const c = await client.complete(msgs('review 17'));
    expect(c.text).toBe('{"low":17,"high":27}');
    expect(c.attempts).toBe(1);
    expect(c.finishReason).toBe('stop');
    expect(c.usage).toEqual({ promptTokens: 1200, completionTokens: 30 });
    // 1200 * 0.1 / 1e6 + 30 * 0.4 / 1e6
    expect(c.costUsd).toBeCloseTo(0.000132, 12);
    const req = server.requests[0]!;
    expect(req.authorization).toBe(`Bearer ${KEY}`);
    expect(req.body).toMatchObject({
      model: 'judge-test',
      temperature: 0,
      max_tokens: 64,
      seed: 7,
    });
    expect(req.body.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(client.stats()).toMatchObject({ requests: 1, completions: 1, promptTokens: 1200 });
  });

  it('retries 500s and succeeds, one request per attempt', async () => {
    const { client, server } = await setup((r) =>
      r.n <= 2 ? { kind: 'status', status: 500 } : { kind: 'ok' },
    );
    const c = await client.complete(msgs('review 5'));
    expect(c.attempts).toBe(3);
    expect(server.requests).toHaveLength(3);
    expect(client.stats()).toMatchObject({ requests: 3, retries: 2, completions: 1, failures: 0 });
  });

  it('honours Retry-After in seconds on 429', async () => {
    const { client, server } = await setup((r) =>
      r.n === 1 ? { kind: 'status', status: 429, headers: { 'retry-after': '1' } } : { kind: 'ok' },
    );
    const t0 = performance.now();
    const c = await client.complete(msgs('review 9'));
    const waited = performance.now() - t0;
    expect(c.attempts).toBe(2);
    expect(server.requests).toHaveLength(2);
    expect(waited).toBeGreaterThanOrEqual(990); // the backoff alone would be < 10 ms
  });

  it('honours Retry-After as an HTTP date', async () => {
    // Dated when the request arrives; second resolution, so the wait is 1-2 s.
    const when = () => new Date(Date.now() + 2000).toUTCString();
    const { client } = await setup((r) =>
      r.n === 1
        ? { kind: 'status', status: 503, headers: { 'retry-after': when() } }
        : { kind: 'ok' },
    );
    const t0 = performance.now();
    await client.complete(msgs('review 3'));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(900);
  });

  it('retries malformed JSON and dropped connections', async () => {
    const { client, server } = await setup((r) =>
      r.n === 1 ? { kind: 'malformed' } : r.n === 2 ? { kind: 'drop' } : { kind: 'ok' },
    );
    const c = await client.complete(msgs('review 44'));
    expect(c.text).toBe('{"low":44,"high":54}');
    expect(c.attempts).toBe(3);
    expect(server.requests).toHaveLength(3);
  });

  it('times out a slow answer and retries it', async () => {
    const { client, server } = await setup((r) => (r.n === 1 ? { kind: 'hang' } : { kind: 'ok' }), {
      timeoutMs: 100,
    });
    const t0 = performance.now();
    const c = await client.complete(msgs('review 2'));
    expect(c.attempts).toBe(2);
    expect(server.requests).toHaveLength(2);
    // The first request never gets an answer: finishing at all proves the timeout; the bound only
    // rules out a wait of the test's own timeout, with room for a loaded CI machine.
    expect(performance.now() - t0).toBeLessThan(10_000);
  });

  it('gives a clear error when retries run out, after exactly maxRetries + 1 requests', async () => {
    const logs: string[] = [];
    const { client, server } = await setup(
      () => ({ kind: 'status', status: 503 }),
      { maxRetries: 2 },
      logs,
    );
    const err = await client.complete(msgs('review 1')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect((err as RemoteError).status).toBe(503);
    expect((err as Error).message).toMatch(
      /^ChatClient.complete: POST http:\/\/127.0.0.1:\d+\/v1\/chat\/completions \(model judge-test\): failed after 3 attempts; last: HTTP 503: .*scripted 503.*Fix: raise maxRetries/,
    );
    expect(server.requests).toHaveLength(3);
    expect(logs.filter((l) => l.includes('retrying'))).toHaveLength(2);
    expect(client.stats()).toMatchObject({ failures: 1, completions: 0 });
  });

  it('gives up on dropped connections with the network error in the message', async () => {
    const { client, server } = await setup(() => ({ kind: 'drop' }), { maxRetries: 2 });
    await expect(client.complete(msgs('x'))).rejects.toThrow(
      /failed after 3 attempts; last: network error: socket hang up \(ECONNRESET\)/,
    );
    expect(server.requests).toHaveLength(3);
  });

  it('says to start the server when nothing listens', async () => {
    const probe = await startFakeServer();
    const url = probe.url;
    await probe.close();
    const client = new ChatClient({
      baseUrl: url,
      model: 'm',
      maxRetries: 1,
      backoffBaseMs: 1,
    });
    await expect(client.complete(msgs('x'))).rejects.toThrow(
      /network error: connect ECONNREFUSED 127.0.0.1:\d+ \(ECONNREFUSED\)\. Fix: start the server/,
    );
  });

  it('gives up on timeouts with the timeout in the message', async () => {
    const { client, server } = await setup(() => ({ kind: 'hang' }), {
      timeoutMs: 60,
      maxRetries: 1,
    });
    await expect(client.complete(msgs('x'))).rejects.toThrow(
      /failed after 2 attempts; last: no complete answer within 60 ms/,
    );
    expect(server.requests).toHaveLength(2);
  });

  it('does not retry a 401 and keeps the key out of the error even when the server echoes it', async () => {
    const logs: string[] = [];
    const { client, server } = await setup(
      () => ({
        kind: 'status',
        status: 401,
        body: JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY}` } }),
      }),
      {},
      logs,
    );
    const err = (await client.complete(msgs('x')).catch((e: unknown) => e)) as RemoteError;
    expect(err.status).toBe(401);
    expect(server.requests).toHaveLength(1);
    expect(err.message).toMatch(/Incorrect API key provided: \[REDACTED\]/);
    expect(err.message).toMatch(/check the key in VA_TEST_KEY/);
    expect(err.message).not.toContain(KEY);
    expect(err.message).not.toContain(KEY.slice(3, 15));
  });

  it('fails at once when Retry-After exceeds maxRetryAfterMs', async () => {
    const { client, server } = await setup(
      () => ({ kind: 'status', status: 429, headers: { 'retry-after': '3600' } }),
      { maxRetryAfterMs: 5000 },
    );
    await expect(client.complete(msgs('x'))).rejects.toThrow(
      /retry after 3600.0 s, more than maxRetryAfterMs \(5000 ms\)/,
    );
    expect(server.requests).toHaveLength(1);
  });

  it('never has more than `concurrency` requests in flight (counted by the server)', async () => {
    const { client, server } = await setup(() => ({ kind: 'ok', delayMs: 15 }), {
      concurrency: 4,
    });
    const out = await Promise.all(
      Array.from({ length: 40 }, (_, i) => client.complete(msgs(`review ${i}`))),
    );
    expect(out.map((c) => JSON.parse(c.text).low)).toEqual(
      Array.from({ length: 40 }, (_, i) => i % 90),
    );
    expect(server.maxInFlight).toBe(4);
    expect(server.requests).toHaveLength(40);
  });

  it('stops at once, without retrying, when the caller aborts', async () => {
    const { client, server } = await setup(() => ({ kind: 'hang' }));
    const ac = new AbortController();
    const p = client.complete(msgs('x'), { signal: ac.signal });
    setTimeout(() => ac.abort(new Error('caller gave up')), 50);
    await expect(p).rejects.toThrow('caller gave up');
    expect(server.requests).toHaveLength(1);
  });

  it('keeps the key out of retry logs', async () => {
    const logs: string[] = [];
    const { client } = await setup(
      (r) =>
        r.n === 1
          ? { kind: 'status', status: 500, body: `upstream failed for key ${KEY}` }
          : { kind: 'ok' },
      {},
      logs,
    );
    await client.complete(msgs('x'));
    expect(logs.join('\n')).toContain('[REDACTED]');
    expect(logs.join('\n')).not.toContain(KEY);
  });
});

describe('ChatClient configuration', () => {
  it('requires the key variable for a remote endpoint, naming it', () => {
    expect(() => new ChatClient(presetConfig('gemini-2.0-flash'), { env: {} })).toThrow(
      ConfigError,
    );
    expect(() => new ChatClient(presetConfig('deepseek-v3'), { env: {} })).toThrow(
      /ChatClientConfig.apiKeyEnv: the environment variable DEEPSEEK_API_KEY is not set/,
    );
  });

  it('needs no key for a local server', () => {
    const c = new ChatClient(presetConfig('ollama'), { env: {} });
    expect(c.url).toBe('http://localhost:11434/v1/chat/completions');
    expect(c.name).toBe('llama3.1:8b@localhost:11434');
  });

  it('builds the Gemini and DeepSeek URLs from the presets', () => {
    const g = new ChatClient(presetConfig('gemini-2.0-flash'), { env: { GEMINI_API_KEY: 'k' } });
    expect(g.url).toBe('https://generativelanguage.googleapis.com/v1beta/openai/chat/completions');
    const d = new ChatClient(presetConfig('deepseek-v3'), { env: { DEEPSEEK_API_KEY: 'k' } });
    expect(d.url).toBe('https://api.deepseek.com/chat/completions');
    expect(d.config.model).toBe('deepseek-chat');
  });

  it('keeps the key out of identity, name, config, JSON and inspection', async () => {
    const c = new ChatClient(
      { baseUrl: 'http://127.0.0.1:9/v1', model: 'm', apiKeyEnv: 'VA_TEST_KEY' },
      { env },
    );
    const { inspect } = await import('node:util');
    for (const s of [c.identity, c.name, JSON.stringify(c), inspect(c, { showHidden: true })]) {
      expect(s).not.toContain(KEY);
    }
  });

  it('rejects unknown presets, bad URLs and unknown keys', () => {
    expect(() => presetConfig('gpt-5')).toThrow(
      /presetConfig: argument 'name' must be a known preset \(gemini-2.0-flash, .*got "gpt-5"/,
    );
    expect(() => new ChatClient({ baseUrl: 'localhost:8000', model: 'm' })).toThrow(
      /ChatClientConfig.baseUrl: must be an http\(s\) URL/,
    );
    expect(() => new ChatClient({ baseUrl: 'http://x', model: 'm', retries: 3 } as never)).toThrow(
      /unknown key/,
    );
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', now)).toBe(0);
  });
  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});
