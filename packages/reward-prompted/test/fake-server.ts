// A scripted OpenAI-compatible chat-completions server on loopback (port 0) for tests and the bench:
// answers well, slowly, with 429 + Retry-After, 500s, malformed JSON or a dropped connection.

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server does with one request. */
export type Behaviour =
  | {
      kind: 'ok';
      content?: string;
      delayMs?: number;
      usage?: [number, number];
      finishReason?: string;
    }
  | {
      kind: 'status';
      status: number;
      body?: string;
      headers?: Record<string, string>;
      delayMs?: number;
    }
  | { kind: 'malformed'; delayMs?: number }
  | { kind: 'drop'; delayMs?: number }
  | { kind: 'hang' };

/** One request as the server saw it. */
export interface SeenRequest {
  readonly n: number;
  readonly body: {
    model: string;
    messages: { role: string; content: string }[];
    [k: string]: unknown;
  };
  readonly authorization: string | undefined;
  /** The `<response>` block of the user message: identifies the query. */
  readonly response: string;
}

export interface FakeServer {
  readonly url: string;
  readonly requests: SeenRequest[];
  /** Highest number of requests in flight at once, counted server-side. */
  readonly maxInFlight: number;
  /** Successful (200, well-formed) answers per query `response` text. */
  readonly answered: Map<string, number>;
  close(): Promise<void>;
}

/** The default answer: a response text containing a number n gets `{"low": n, "high": n + 10}`. */
export function defaultContent(response: string): string {
  const m = /\d+/.exec(response);
  const n = m ? Number(m[0]) % 90 : 40;
  return JSON.stringify({ low: n, high: n + 10 });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startFakeServer(
  script: (req: SeenRequest) => Behaviour = () => ({ kind: 'ok' }),
): Promise<FakeServer> {
  const requests: SeenRequest[] = [];
  const answered = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  const server: Server = createServer(async (req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let done = false;
    const finish = () => {
      if (!done) {
        done = true;
        inFlight--;
      }
    };
    res.on('close', finish);
    const text = await readBody(req);
    const body = JSON.parse(text) as SeenRequest['body'];
    const user = [...body.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const first = body.messages.find((m) => m.role === 'user')?.content ?? user;
    const response = /<response>\n([\s\S]*?)\n<\/response>/.exec(first)?.[1] ?? first;
    const seen: SeenRequest = {
      n: requests.length + 1,
      body,
      authorization: req.headers.authorization,
      response,
    };
    requests.push(seen);
    const b = script(seen);
    if (b.kind === 'hang') return;
    if (b.delayMs) await new Promise((r) => setTimeout(r, b.delayMs));
    if (res.destroyed) return;
    if (b.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (b.kind === 'malformed') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id": "x", "choices": [{"message": {"content": "{\\"low\\": 1');
      return;
    }
    if (b.kind === 'status') {
      res.writeHead(b.status, { 'content-type': 'application/json', ...b.headers });
      res.end(b.body ?? JSON.stringify({ error: { message: `scripted ${b.status}` } }));
      return;
    }
    const content = b.content ?? defaultContent(response);
    const [pt, ct] = b.usage ?? [100, 10];
    answered.set(response, (answered.get(response) ?? 0) + 1);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: `chatcmpl-${seen.n}`,
        object: 'chat.completion',
        model: body.model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content },
            finish_reason: b.finishReason ?? 'stop',
          },
        ],
        usage: { prompt_tokens: pt, completion_tokens: ct, total_tokens: pt + ct },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    answered,
    get maxInFlight() {
      return maxInFlight;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
