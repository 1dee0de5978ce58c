// An OpenAI-compatible chat-completions client for judge models (Gemini, DeepSeek, OpenAI, vLLM,
// llama.cpp, Ollama): bounded concurrency, timeouts, retries with full jitter, token and cost totals.

import {
  type ChatMessage,
  ConfigError,
  type Logger,
  RemoteError,
  Rng,
  silentLogger,
} from '@va/core';
import { ChatClientConfig } from './chat-client-config.js';
import { HttpTransport, TimeoutError } from './http-transport.js';
import { isLocalUrl } from './presets.js';
import { redact } from './redact.js';
import { backoffDelay, isRetryableStatus, parseRetryAfter, sleep } from './retry.js';
import { Semaphore } from './semaphore.js';

/** Token counts as the server reports them (`usage.prompt_tokens`, `usage.completion_tokens`). */
export interface TokenUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
}

/** One answered chat completion. */
export interface ChatCompletion {
  /** `choices[0].message.content` (text parts joined); '' when the server sent none. */
  readonly text: string;
  readonly finishReason: string | null;
  readonly usage: TokenUsage;
  /** USD for this request, `null` when prices are unknown. */
  readonly costUsd: number | null;
  /** HTTP attempts it took (1 when no retry was needed). */
  readonly attempts: number;
}

/** Running totals of a client. */
export interface ChatClientStats {
  /** HTTP requests sent, retries included. */
  requests: number;
  retries: number;
  completions: number;
  failures: number;
  promptTokens: number;
  completionTokens: number;
  /** USD so far, `null` when prices are unknown. */
  costUsd: number | null;
}

/** Options that are not settings: where the key comes from, where warnings go. */
export interface ChatClientOptions {
  /** Environment to read `apiKeyEnv` from (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Receives a warning per retry (keys redacted). */
  logger?: Logger;
}

type Attempt =
  | { ok: true; completion: Omit<ChatCompletion, 'attempts' | 'costUsd'> }
  | { ok: false; retryable: boolean; reason: string; status?: number; retryAfterMs?: number };

/** A chat-completions client with its own concurrency bound and totals. Holds the API key. */
export class ChatClient {
  readonly config: Readonly<ChatClientConfig>;
  /** `model@host`, for reports. */
  readonly name: string;
  /**
   * Everything that changes answers (endpoint without credentials, model, sampling), never a key:
   * for cache keys and the settings `judgeFile` checks on resume.
   */
  readonly settings: Readonly<Record<string, unknown>>;
  /** {@link settings} as JSON. */
  readonly identity: string;
  readonly url: string;
  /** The endpoint root with credentials removed, for logs. */
  readonly shownBaseUrl: string;
  #apiKey: string | undefined;
  /** The key and the credentials of `baseUrl` (`https://user:secret@host`): never written or shown. */
  #secrets: string[];
  private readonly slots: Semaphore;
  private readonly jitter: Rng;
  private readonly logger: Logger;
  private readonly transport: HttpTransport;
  private readonly totals: ChatClientStats;

  constructor(config: Partial<ChatClientConfig>, options: ChatClientOptions = {}) {
    this.config = ChatClientConfig.resolve(config);
    const c = this.config;
    // `process` is Node's; a page has no environment (give the key through options.env there).
    const env = options.env ?? (typeof process === 'undefined' ? {} : process.env);
    this.#apiKey = c.apiKeyEnv ? env[c.apiKeyEnv] || undefined : undefined;
    if (c.apiKeyEnv && !this.#apiKey && !isLocalUrl(c.baseUrl)) {
      throw new ConfigError(
        'ChatClientConfig',
        'apiKeyEnv',
        `the environment variable ${c.apiKeyEnv} is not set; export ${c.apiKeyEnv}=<your key> (the key is read from the environment only)`,
      );
    }
    const root = c.baseUrl.replace(/\/+$/, '');
    this.url = `${root}/chat/completions`;
    const parsed = new URL(root);
    // Credentials in the URL (a token as user name, or a password) are secrets too; shorter than
    // 8 characters they are masked in the URL only, so that answers are not mangled.
    const user = decodeURIComponent(parsed.username);
    const password = decodeURIComponent(parsed.password);
    const credentials = [parsed.username, parsed.password, user, password]
      .filter((x) => x.length >= 8)
      .concat(
        // As the server sees them: an HTTP Basic authorization header it may echo.
        parsed.username || parsed.password ? [base64Utf8(`${user}:${password}`)] : [],
      );
    this.#secrets = [...new Set([...(this.#apiKey ? [this.#apiKey] : []), ...credentials])];
    this.name = `${c.model}@${parsed.host}`;
    if (parsed.username || parsed.password) {
      parsed.username = parsed.username ? 'REDACTED' : '';
      parsed.password = parsed.password ? 'REDACTED' : '';
    }
    this.shownBaseUrl = parsed.href.replace(/\/+$/, '');
    this.settings = Object.freeze({
      baseUrl: this.shownBaseUrl,
      model: c.model,
      temperature: c.temperature,
      maxTokens: c.maxTokens,
      topP: c.topP,
      seed: c.seed,
      extraBody: c.extraBody,
    });
    this.identity = JSON.stringify(this.settings);
    this.slots = new Semaphore(c.concurrency);
    this.jitter = new Rng(c.jitterSeed);
    this.logger = options.logger ?? silentLogger;
    this.transport = new HttpTransport(new URL(this.url), c.concurrency);
    this.totals = {
      requests: 0,
      retries: 0,
      completions: 0,
      failures: 0,
      promptTokens: 0,
      completionTokens: 0,
      costUsd: c.prices ? 0 : null,
    };
  }

  /** Closes the pooled keep-alive connections (idle ones never keep the process alive). */
  close(): void {
    this.transport.close();
  }

  /**
   * `text` without this client's secrets (the API key, credentials in `baseUrl`, and any 8-character
   * piece of them). Everything the client returns or reports has passed through it.
   */
  redact(text: string): string {
    return this.#secrets.reduce((t, secret) => redact(t, secret), text);
  }

  /** A copy of the running totals. */
  stats(): ChatClientStats {
    return { ...this.totals };
  }

  /** Requests in flight right now (never more than `concurrency`). */
  get inFlight(): number {
    return this.slots.inFlight;
  }

  /** USD for `usage` at this client's prices, `null` when unknown. */
  cost(usage: TokenUsage): number | null {
    const p = this.config.prices;
    if (!p) return null;
    return (
      (usage.promptTokens * p.inputPerMillion + usage.completionTokens * p.outputPerMillion) / 1e6
    );
  }

  /**
   * Sends `messages` and returns the answer, retrying what is worth retrying. Throws a
   * `RemoteError` (key redacted) when the server refuses or retries run out; an abort of
   * `options.signal` stops at once with its reason.
   */
  async complete(
    messages: readonly ChatMessage[],
    options: { signal?: AbortSignal } = {},
  ): Promise<ChatCompletion> {
    return this.slots.use(() => this.withRetries(messages, options.signal));
  }

  private async withRetries(
    messages: readonly ChatMessage[],
    signal: AbortSignal | undefined,
  ): Promise<ChatCompletion> {
    const c = this.config;
    const body = JSON.stringify({
      model: c.model,
      messages,
      temperature: c.temperature,
      ...(c.maxTokens !== null && { max_tokens: c.maxTokens }),
      ...(c.topP !== null && { top_p: c.topP }),
      ...(c.seed !== null && { seed: c.seed }),
      ...c.extraBody,
    });
    let last: Extract<Attempt, { ok: false }> | undefined;
    for (let attempt = 1; attempt <= c.maxRetries + 1; attempt++) {
      signal?.throwIfAborted();
      const out = await this.attempt(body, signal);
      if (out.ok) {
        const costUsd = this.cost(out.completion.usage);
        this.totals.completions++;
        this.totals.promptTokens += out.completion.usage.promptTokens;
        this.totals.completionTokens += out.completion.usage.completionTokens;
        if (this.totals.costUsd !== null && costUsd !== null) this.totals.costUsd += costUsd;
        return { ...out.completion, costUsd, attempts: attempt };
      }
      last = out;
      if (!out.retryable || attempt > c.maxRetries) break;
      if (out.retryAfterMs !== undefined && out.retryAfterMs > c.maxRetryAfterMs) {
        throw this.fail(
          `the server asks to retry after ${(out.retryAfterMs / 1000).toFixed(1)} s, more than maxRetryAfterMs (${c.maxRetryAfterMs} ms): ${out.reason}`,
          out.status,
          'wait for the quota to reset, or raise maxRetryAfterMs',
        );
      }
      const jitter = backoffDelay(attempt - 1, c.backoffBaseMs, c.backoffMaxMs, this.jitter);
      const delay = Math.max(jitter, out.retryAfterMs ?? 0);
      this.totals.retries++;
      this.logger.warn(
        this.redact(
          `judge ${this.name}: ${out.reason} (attempt ${attempt}/${c.maxRetries + 1}); retrying in ${Math.round(delay)} ms`,
        ),
      );
      try {
        await sleep(delay, signal);
      } catch (e) {
        signal?.throwIfAborted();
        throw e;
      }
    }
    const l = last!;
    const tries = c.maxRetries + 1;
    const fix = !l.retryable
      ? fixFor(l.status, c.apiKeyEnv)
      : l.reason.includes('ECONNREFUSED')
        ? `start the server (e.g. \`ollama serve\`, \`vllm serve <model>\`) or check baseUrl (--base-url)`
        : 'raise maxRetries (--max-retries) or timeoutMs (--timeout), or lower concurrency';
    throw this.fail(
      l.retryable ? `failed after ${tries} attempts; last: ${l.reason}` : l.reason,
      l.status,
      fix,
    );
  }

  private fail(reason: string, status: number | undefined, fix: string): RemoteError {
    this.totals.failures++;
    const message = `ChatClient.complete: POST ${this.shownBaseUrl}/chat/completions (model ${this.config.model}): ${reason}. Fix: ${fix}`;
    return new RemoteError(this.redact(message), status);
  }

  private async attempt(body: string, signal: AbortSignal | undefined): Promise<Attempt> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
    };
    if (this.#apiKey) headers.authorization = `Bearer ${this.#apiKey}`;
    this.totals.requests++;
    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      ({ status, text, retryAfter } = await this.transport.post(
        body,
        headers,
        this.config.timeoutMs,
        signal,
      ));
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      if (e instanceof TimeoutError) return { ok: false, retryable: true, reason: e.message };
      return { ok: false, retryable: true, reason: `network error: ${describeNetworkError(e)}` };
    }
    const snippet = this.snippet(text);
    if (status < 200 || status >= 300) {
      return {
        ok: false,
        retryable: isRetryableStatus(status),
        status,
        reason: `HTTP ${status}: ${snippet}`,
        retryAfterMs: parseRetryAfter(retryAfter),
      };
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { ok: false, retryable: true, status, reason: `malformed JSON body: ${snippet}` };
    }
    const choice = (json as { choices?: unknown[] })?.choices?.[0] as
      | { message?: { content?: unknown }; finish_reason?: unknown }
      | undefined;
    if (!choice || typeof choice.message !== 'object' || choice.message === null) {
      return { ok: false, retryable: true, status, reason: `no choices[0].message in: ${snippet}` };
    }
    const usage = (json as { usage?: Record<string, unknown> }).usage ?? {};
    return {
      ok: true,
      completion: {
        // A server may echo the key even in a good answer: it must not reach rows or the cache.
        text: this.redact(contentText(choice.message.content)),
        finishReason: typeof choice.finish_reason === 'string' ? choice.finish_reason : null,
        usage: {
          promptTokens: count(usage.prompt_tokens),
          completionTokens: count(usage.completion_tokens),
        },
      },
    };
  }

  private snippet(text: string): string {
    const t = text.replace(/\s+/g, ' ').trim();
    return this.redact(JSON.stringify(t.length > 300 ? `${t.slice(0, 300)}...` : t));
  }
}

/** `text` as UTF-8, in base64 (what an HTTP Basic authorization header carries). */
function base64Utf8(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function count(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0;
}

/** `content` is a string, null, or (some servers) an array of `{ type: 'text', text }` parts. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((p) => (typeof p === 'string' ? p : ((p as { text?: unknown })?.text ?? '')))
      .filter((s): s is string => typeof s === 'string')
      .join('');
  }
  return '';
}

function describeNetworkError(e: unknown): string {
  const err = e as { message?: string; code?: string };
  return `${err?.message ?? String(e)}${err?.code ? ` (${err.code})` : ''}`;
}

function fixFor(status: number | undefined, apiKeyEnv: string | null): string {
  if (status === 401 || status === 403) {
    return apiKeyEnv
      ? `check the key in ${apiKeyEnv} and that it may use this model`
      : 'the server wants a key: set apiKeyEnv (--api-key-env) to the variable that holds it';
  }
  if (status === 404) return 'check baseUrl (--base-url) and model (--model)';
  if (status === 400 || status === 422) {
    return 'the server rejected the request; check model and extra parameters';
  }
  return 'see the server message above';
}
