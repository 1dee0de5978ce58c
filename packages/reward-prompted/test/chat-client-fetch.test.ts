// The judge client on the browser build's transport (fetch, http-transport.browser.ts) against the
// same loopback server as chat-client.test.ts: answers, retries, timeouts and aborts as on node:http.
import { RemoteError } from '@va/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChatClient } from '../src/chat-client.js';
import { buildJudgeMessages, JudgePromptConfig } from '../src/judge-prompt.js';
import {
  type Behaviour,
  type FakeServer,
  type SeenRequest,
  startFakeServer,
} from './fake-server.js';

vi.mock('../src/http-transport.js', () => import('../src/http-transport.browser.js'));

const KEY = 'sk-test-fetch-0123456789abcdef';
const msgs = (response: string) =>
  buildJudgeMessages({ prompt: 'Review:', response }, JudgePromptConfig.resolve());

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(script: (r: SeenRequest) => Behaviour, timeoutMs = 2000) {
  server = await startFakeServer(script);
  const client = new ChatClient(
    {
      baseUrl: server.url,
      model: 'judge-test',
      apiKeyEnv: 'VA_TEST_KEY',
      maxRetries: 2,
      timeoutMs,
      backoffBaseMs: 2,
      backoffMaxMs: 10,
    },
    { env: { VA_TEST_KEY: KEY } },
  );
  return { client, server };
}

describe('ChatClient on fetch (the browser build)', () => {
  it('sends the request with the key and reads the answer and its usage', async () => {
    const { client, server } = await setup(() => ({ kind: 'ok', usage: [120, 9] }));
    const c = await client.complete(msgs('review 17'));
    expect(c).toMatchObject({ text: '{"low":17,"high":27}', attempts: 1, finishReason: 'stop' });
    expect(c.usage).toEqual({ promptTokens: 120, completionTokens: 9 });
    expect(server.requests[0]!.authorization).toBe(`Bearer ${KEY}`);
    expect(server.requests[0]!.body.model).toBe('judge-test');
  });

  it('retries a 500, a malformed body and a dropped connection, then answers', async () => {
    const { client, server } = await setup((r) =>
      r.n === 1
        ? { kind: 'status', status: 500 }
        : r.n === 2
          ? { kind: 'malformed' }
          : r.n === 3
            ? { kind: 'drop' }
            : { kind: 'ok' },
    );
    const err = await client.complete(msgs('review 44')).catch((e: unknown) => e);
    // maxRetries 2: three attempts, the third dropped; the socket's own error is in the message.
    expect(err).toBeInstanceOf(RemoteError);
    expect((err as Error).message).toMatch(
      /failed after 3 attempts; last: network error: other side closed/,
    );
    expect(server.requests).toHaveLength(3);
    const c = await client.complete(msgs('review 44'));
    expect(c.text).toBe('{"low":44,"high":54}');
  });

  it('waits for Retry-After on a 429', async () => {
    const { client } = await setup((r) =>
      r.n === 1 ? { kind: 'status', status: 429, headers: { 'retry-after': '1' } } : { kind: 'ok' },
    );
    const t0 = performance.now();
    expect((await client.complete(msgs('review 9'))).attempts).toBe(2);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(990);
  });

  it('times out an answer that never comes, with the timeout in the message', async () => {
    const { client, server } = await setup(() => ({ kind: 'hang' }), 60);
    await expect(client.complete(msgs('x'))).rejects.toThrow(
      /failed after 3 attempts; last: no complete answer within 60 ms/,
    );
    expect(server.requests).toHaveLength(3);
  });

  it('says to start the server when nothing listens', async () => {
    const probe = await startFakeServer();
    await probe.close();
    const client = new ChatClient({ baseUrl: probe.url, model: 'm', maxRetries: 0 });
    await expect(client.complete(msgs('x'))).rejects.toThrow(
      /network error: connect ECONNREFUSED 127.0.0.1:\d+ \(ECONNREFUSED\)\. Fix: start the server/,
    );
  });

  it('stops at once when the caller aborts', async () => {
    const { client, server } = await setup(() => ({ kind: 'hang' }));
    const ac = new AbortController();
    const p = client.complete(msgs('x'), { signal: ac.signal });
    setTimeout(() => ac.abort(new Error('caller gave up')), 50);
    await expect(p).rejects.toThrow('caller gave up');
    expect(server.requests).toHaveLength(1);
  });
});
