// An LLM judge over an OpenAI-compatible endpoint (SPEC 3, paper Appendix C): builds the versioned
// prompt, serves repeats from the disk cache, parses the interval, re-asks when the answer is unusable.

import {
  type ChatMessage,
  defineConfig,
  is,
  type Logger,
  type RewardQuery,
  silentLogger,
} from '@va/core';
import type { ChatClient, TokenUsage } from './chat-client.js';
import { type Judge, type Judgment, NO_USAGE, orderedScale, readJudgment } from './judge.js';
import { CACHE_FORMAT, cacheKey, JudgeCache } from './judge-cache.js';
import {
  buildJudgeMessages,
  type JudgePromptConfig,
  judgePromptFields,
  PROMPT_VERSION,
  reaskPrompt,
} from './judge-prompt.js';
import { IntervalParseError } from './parse-interval.js';

/** Settings of a {@link ChatJudge}: the prompt's, plus the re-ask budget. */
export interface ChatJudgeConfig extends JudgePromptConfig {
  /** Further questions after an answer that does not parse, the parser's reason fed back. */
  maxReasks: number;
}

export const ChatJudgeConfig = defineConfig<ChatJudgeConfig>(
  'ChatJudgeConfig',
  {
    ...judgePromptFields,
    maxReasks: {
      default: 2,
      doc: 're-asks after an unusable answer',
      check: is.nonNegativeInteger,
    },
  },
  { rules: [orderedScale] },
);

interface Answer {
  readonly text: string;
  readonly finishReason: string | null;
  readonly usage: TokenUsage;
  readonly costUsd: number | null;
  readonly cached: boolean;
}

/** A judge that asks a chat model for an interval. Holds a client, a cache and the prompt. */
export class ChatJudge implements Judge {
  readonly config: Readonly<ChatJudgeConfig>;
  readonly name: string;
  readonly promptVersion = PROMPT_VERSION;
  readonly scale: readonly [number, number];
  /** The endpoint's settings, the prompt version, scale, rubric and re-ask budget. */
  readonly settings: Readonly<Record<string, unknown>>;
  readonly cache: JudgeCache | undefined;
  private readonly logger: Logger;
  private readonly inFlight = new Map<string, Promise<Answer>>();

  constructor(
    readonly client: ChatClient,
    config: Partial<ChatJudgeConfig> = {},
    options: { cache?: JudgeCache | string; logger?: Logger } = {},
  ) {
    this.config = ChatJudgeConfig.resolve(config);
    this.name = client.name;
    this.scale = [this.config.scaleLow, this.config.scaleHigh];
    this.settings = Object.freeze({
      client: client.settings,
      promptVersion: this.promptVersion,
      ...this.config,
    });
    this.logger = options.logger ?? silentLogger;
    this.cache =
      typeof options.cache === 'string'
        ? new JudgeCache(options.cache, { logger: this.logger })
        : options.cache;
  }

  /**
   * Judges one pair. Throws `IntervalParseError` when no answer parses within `maxReasks` re-asks,
   * `RemoteError` when the endpoint fails.
   */
  async judge(query: RewardQuery, options: { signal?: AbortSignal } = {}): Promise<Judgment> {
    let messages: ChatMessage[] = buildJudgeMessages(query, this.config);
    let promptTokens = 0;
    let completionTokens = 0;
    let costUsd: number | null = this.client.config.prices ? 0 : null;
    let cached = true;
    for (let attempt = 1; ; attempt++) {
      const answer = await this.ask(messages, options.signal);
      promptTokens += answer.usage.promptTokens;
      completionTokens += answer.usage.completionTokens;
      if (costUsd !== null && answer.costUsd !== null) costUsd += answer.costUsd;
      cached &&= answer.cached;
      try {
        return readJudgment(this, answer.text, {
          attempts: attempt,
          usage: { promptTokens, completionTokens },
          costUsd,
          cached,
        });
      } catch (e) {
        if (!(e instanceof IntervalParseError)) throw e;
        const cut =
          answer.finishReason === 'length'
            ? ' (the answer was cut at max_tokens: raise maxTokens / --max-tokens)'
            : '';
        if (attempt > this.config.maxReasks) {
          throw new IntervalParseError(
            `no valid interval from ${this.name} after ${attempt} answers (maxReasks ${this.config.maxReasks}); last: ${e.reason}${cut}`,
            answer.text,
          );
        }
        this.logger.warn(`judge ${this.name}: ${e.reason}; asking again (${attempt})`);
        const shown = answer.text.replace(/<(think|thinking)>[\s\S]*?<\/\1>/gi, '').trim();
        messages = [
          ...messages,
          { role: 'assistant', content: shown },
          { role: 'user', content: reaskPrompt(e.reason, this.config) },
        ];
      }
    }
  }

  /** One answer for `messages`: from the cache, from an identical request in flight, or the API. */
  private async ask(messages: readonly ChatMessage[], signal?: AbortSignal): Promise<Answer> {
    const key = cacheKey(this.client.identity, this.promptVersion, messages);
    const pending = this.inFlight.get(key);
    if (pending) {
      const a = await pending;
      return { ...a, usage: NO_USAGE, costUsd: a.costUsd === null ? null : 0, cached: true };
    }
    const work = this.fetchAnswer(key, messages, signal);
    this.inFlight.set(key, work);
    try {
      return await work;
    } finally {
      this.inFlight.delete(key);
    }
  }

  private async fetchAnswer(
    key: string,
    messages: readonly ChatMessage[],
    signal?: AbortSignal,
  ): Promise<Answer> {
    const hit = await this.cache?.get(key);
    if (hit) {
      const costUsd = this.client.config.prices ? 0 : null;
      return {
        // An entry written before answers were redacted may still hold the key.
        text: this.client.redact(hit.text),
        finishReason: hit.finishReason,
        usage: NO_USAGE,
        costUsd,
        cached: true,
      };
    }
    const c = await this.client.complete(messages, { signal });
    if (this.cache) {
      try {
        await this.cache.set({
          format: CACHE_FORMAT,
          key,
          judge: this.client.identity,
          promptVersion: this.promptVersion,
          text: c.text,
          finishReason: c.finishReason,
          usage: c.usage,
          createdAt: new Date().toISOString(),
        });
      } catch (e) {
        this.logger.warn(`judge cache: could not write ${this.cache.dir}: ${(e as Error).message}`);
      }
    }
    return {
      text: c.text,
      finishReason: c.finishReason,
      usage: c.usage,
      costUsd: c.costUsd,
      cached: false,
    };
  }
}
