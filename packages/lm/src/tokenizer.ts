// Tokenizers of Hugging Face checkpoints: `tokenizer.json` run by @huggingface/tokenizers, chat
// templates (`chat_template`, transformers' `apply_chat_template`) rendered by @huggingface/jinja.

import { Template } from '@huggingface/jinja';
import { Tokenizer as HfJsTokenizer } from '@huggingface/tokenizers';
import { type ChatMessage, ResourceError, ValidationError } from '@va/core';
import { join, readText } from './files.js';
import { tokenizerJsonFromVocabMerges } from './tokenizer-files.js';

/** What the models and trainers need of a tokenizer. */
export interface Tokenizer {
  encode(text: string, options?: { addSpecialTokens?: boolean }): number[];
  decode(ids: readonly number[], options?: { skipSpecialTokens?: boolean }): string;
  /** Number of token ids (the model's `vocab_size` may be larger: embeddings are often padded). */
  readonly vocabSize: number;
  readonly eosTokenId: number | undefined;
  readonly bosTokenId: number | undefined;
  readonly padTokenId: number | undefined;
  /** Every id that ends generation (several for some instruct models); absent: `eosTokenId`. */
  readonly eosTokenIds?: readonly number[];
  /** The Jinja chat template, when the tokenizer has one (`applyChatTemplate` needs it). */
  readonly chatTemplate?: string;
  applyChatTemplate(
    messages: { role: string; content: string }[],
    options?: { addGenerationPrompt?: boolean },
  ): string;
}

/** A padded batch: rows of equal length, `attentionMask` 1 on real tokens and 0 on padding. */
export interface BatchEncoding {
  inputIds: number[][];
  attentionMask: number[][];
}

export interface EncodeBatchOptions {
  /** Where padding goes; `left` for generation (PPO rollouts, reward backbones). Default `right`. */
  paddingSide?: 'left' | 'right';
  /** Default true, as in `transformers`. */
  addSpecialTokens?: boolean;
  /** Truncate every row to at most this many tokens. */
  maxLength?: number;
  /** Which end truncation removes; `left` keeps the end of a prompt. Default `right`. */
  truncationSide?: 'left' | 'right';
}

/**
 * Encodes texts into one padded batch. The pad id is the tokenizer's pad token, else its EOS token
 * (the usual choice for GPT-2 and Llama, which have no pad token); padding is masked out.
 */
export function encodeBatch(
  tokenizer: Tokenizer,
  texts: readonly string[],
  options: EncodeBatchOptions = {},
): BatchEncoding {
  const where = 'encodeBatch';
  const { paddingSide = 'right', truncationSide = 'right', maxLength } = options;
  if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string')) {
    throw new ValidationError(where, 'texts', 'an array of strings', texts);
  }
  if (paddingSide !== 'left' && paddingSide !== 'right') {
    throw new ValidationError(where, 'options.paddingSide', "'left' or 'right'", paddingSide);
  }
  if (truncationSide !== 'left' && truncationSide !== 'right') {
    throw new ValidationError(where, 'options.truncationSide', "'left' or 'right'", truncationSide);
  }
  if (maxLength !== undefined && !(Number.isInteger(maxLength) && maxLength > 0)) {
    throw new ValidationError(where, 'options.maxLength', 'a positive integer', maxLength);
  }
  const pad = tokenizer.padTokenId ?? tokenizer.eosTokenId;
  if (pad === undefined) {
    throw new ValidationError(
      where,
      'tokenizer',
      'a tokenizer with a pad or EOS token',
      'neither',
      'set pad_token in tokenizer_config.json',
    );
  }
  const rows = texts.map((text) => {
    const ids = tokenizer.encode(text, { addSpecialTokens: options.addSpecialTokens ?? true });
    if (maxLength === undefined || ids.length <= maxLength) return ids;
    return truncationSide === 'left' ? ids.slice(ids.length - maxLength) : ids.slice(0, maxLength);
  });
  const width = Math.max(0, ...rows.map((r) => r.length));
  const inputIds: number[][] = [];
  const attentionMask: number[][] = [];
  for (const ids of rows) {
    const pads = new Array<number>(width - ids.length).fill(pad);
    const zeros = new Array<number>(width - ids.length).fill(0);
    const ones = new Array<number>(ids.length).fill(1);
    inputIds.push(paddingSide === 'left' ? [...pads, ...ids] : [...ids, ...pads]);
    attentionMask.push(paddingSide === 'left' ? [...zeros, ...ones] : [...ones, ...zeros]);
  }
  return { inputIds, attentionMask };
}

/** The JSON files a tokenizer is built from (any but `tokenizerJson` may be absent). */
export interface TokenizerFiles {
  /** `tokenizer.json`. */
  tokenizerJson: Record<string, unknown>;
  /** `tokenizer_config.json`. */
  tokenizerConfig?: Record<string, unknown>;
  /** `special_tokens_map.json` (older checkpoints keep their special tokens there). */
  specialTokensMap?: Record<string, unknown>;
  /** `config.json` and `generation_config.json`: fallbacks for the special token ids. */
  config?: Record<string, unknown>;
  generationConfig?: Record<string, unknown>;
  /** Overrides `tokenizer_config.json`'s `chat_template` (e.g. from `chat_template.jinja`). */
  chatTemplate?: string;
  /** Names the source in errors (a folder). */
  source?: string;
}

type SpecialName = 'bos' | 'eos' | 'pad' | 'unk';

function tokenContent(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (
    value &&
    typeof value === 'object' &&
    typeof (value as { content?: unknown }).content === 'string'
  ) {
    return (value as { content: string }).content;
  }
  return undefined;
}

function idList(value: unknown): number[] {
  if (Number.isInteger(value)) return [value as number];
  if (Array.isArray(value)) return value.filter((v) => Number.isInteger(v));
  return [];
}

/** A Hugging Face tokenizer with its special tokens and chat template. */
export class HfTokenizer implements Tokenizer {
  readonly vocabSize: number;
  readonly eosTokenId: number | undefined;
  readonly bosTokenId: number | undefined;
  readonly padTokenId: number | undefined;
  readonly unkTokenId: number | undefined;
  /** Every id that ends generation: the EOS token, then those of `generation_config.json`. */
  readonly eosTokenIds: readonly number[];
  /** Special tokens by role (`bos_token`, `eos_token`, ...), as the chat template sees them. */
  readonly specialTokens: Readonly<Record<string, string>>;
  readonly chatTemplate: string | undefined;
  readonly source: string;
  readonly #tok: HfJsTokenizer;
  readonly #cleanUpSpaces: boolean;
  #template: Template | undefined;

  constructor(files: TokenizerFiles) {
    const source = files.source ?? 'tokenizer';
    this.source = source;
    const config = files.tokenizerConfig ?? {};
    try {
      this.#tok = new HfJsTokenizer(files.tokenizerJson, config);
    } catch (cause) {
      throw new ResourceError(`loadTokenizer: ${source}/tokenizer.json is not usable (${cause})`, {
        cause,
      });
    }
    this.#cleanUpSpaces = config.clean_up_tokenization_spaces === true;
    let maxId = -1;
    for (const id of this.#tok.get_vocab(true).values()) maxId = Math.max(maxId, id);
    this.vocabSize = maxId + 1;

    const special: Record<string, string> = {};
    for (const table of [files.specialTokensMap ?? {}, config]) {
      for (const [key, value] of Object.entries(table)) {
        const content = tokenContent(value);
        if (key.endsWith('_token') && content !== undefined) special[key] = content;
      }
    }
    this.specialTokens = Object.freeze(special);
    const resolve = (name: SpecialName): number[] => {
      const text = special[`${name}_token`];
      if (text !== undefined) {
        const id = this.#tok.token_to_id(text);
        if (id === undefined) {
          throw new ResourceError(
            `loadTokenizer: ${source} names ${name}_token ${JSON.stringify(text)}, which is not in the vocabulary`,
          );
        }
        return [id];
      }
      // `"bos_token": null` in tokenizer_config.json means none (Qwen2), whatever config.json says.
      if (config[`${name}_token`] === null) return [];
      return [
        ...idList(files.generationConfig?.[`${name}_token_id`]),
        ...idList(files.config?.[`${name}_token_id`]),
      ];
    };
    const eos = resolve('eos');
    this.eosTokenId = eos[0];
    this.eosTokenIds = Object.freeze([
      ...new Set([
        ...eos,
        ...idList(files.generationConfig?.eos_token_id),
        ...idList(files.config?.eos_token_id),
      ]),
    ]);
    this.bosTokenId = resolve('bos')[0];
    this.padTokenId = resolve('pad')[0];
    this.unkTokenId = resolve('unk')[0];
    const template = files.chatTemplate ?? config.chat_template;
    this.chatTemplate = pickTemplate(template);
  }

  encode(text: string, options: { addSpecialTokens?: boolean } = {}): number[] {
    if (typeof text !== 'string') {
      throw new ValidationError('Tokenizer.encode', 'text', 'a string', text);
    }
    return this.#tok.encode(text, { add_special_tokens: options.addSpecialTokens ?? true }).ids;
  }

  /** The tokens (vocabulary strings) of a text, e.g. `['Hello', 'Ġworld']`. */
  tokenize(text: string, options: { addSpecialTokens?: boolean } = {}): string[] {
    return this.#tok.encode(text, { add_special_tokens: options.addSpecialTokens ?? true }).tokens;
  }

  decode(ids: readonly number[], options: { skipSpecialTokens?: boolean } = {}): string {
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
        throw new ValidationError(
          'Tokenizer.decode',
          `ids[${i}]`,
          `an integer token id in [0, ${this.vocabSize})`,
          id,
        );
      }
    }
    if (ids.length === 0) return '';
    return this.#tok.decode([...ids], {
      skip_special_tokens: options.skipSpecialTokens ?? false,
      clean_up_tokenization_spaces: this.#cleanUpSpaces,
    });
  }

  tokenToId(token: string): number | undefined {
    return this.#tok.token_to_id(token);
  }

  idToToken(id: number): string | undefined {
    return this.#tok.id_to_token(id);
  }

  /** {@link encodeBatch} with this tokenizer. */
  encodeBatch(texts: readonly string[], options?: EncodeBatchOptions): BatchEncoding {
    return encodeBatch(this, texts, options);
  }

  /**
   * Renders messages with the checkpoint's chat template, as transformers' `apply_chat_template`
   * (`tokenize=False`): the template sees `messages`, `add_generation_prompt`, the special tokens
   * (`bos_token`, `eos_token`, ...) and anything in `options.context` (e.g. `tools`).
   */
  applyChatTemplate(
    messages: readonly ChatMessage[],
    options: { addGenerationPrompt?: boolean; context?: Record<string, unknown> } = {},
  ): string {
    const where = 'applyChatTemplate';
    if (this.chatTemplate === undefined) {
      throw new ResourceError(
        `${where}: ${this.source} has no chat template (no "chat_template" in tokenizer_config.json, ` +
          'no chat_template.jinja); pass { chatTemplate } to loadTokenizer, or use an instruct checkpoint',
      );
    }
    if (!Array.isArray(messages) || messages.some((m) => typeof m?.role !== 'string')) {
      throw new ValidationError(where, 'messages', 'an array of { role, content }', messages);
    }
    this.#template ??= new Template(this.chatTemplate);
    try {
      return this.#template.render({
        ...this.specialTokens,
        ...options.context,
        messages,
        add_generation_prompt: options.addGenerationPrompt ?? false,
      });
    } catch (cause) {
      throw new ValidationError(
        where,
        'messages',
        'messages the chat template accepts',
        messages,
        `The template of ${this.source} says: ${cause instanceof Error ? cause.message : cause}`,
      );
    }
  }
}

/** `chat_template` is a string, or a list of `{ name, template }` of which `default` is used. */
function pickTemplate(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const named = value as { name?: string; template?: string }[];
    return (named.find((t) => t.name === 'default') ?? named[0])?.template;
  }
  return undefined;
}

async function readJson(path: string): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await readText(path);
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (cause) {
    throw new ResourceError(`loadTokenizer: ${path} is not valid JSON (${cause})`);
  }
}

/**
 * Loads the tokenizer of a folder in Hugging Face layout: `tokenizer.json` (or GPT-2's legacy
 * `vocab.json` + `merges.txt`), `tokenizer_config.json`, `special_tokens_map.json`, the chat
 * template (`tokenizer_config.json`, `chat_template.jinja` or `chat_template.json`), and the special
 * token ids of `generation_config.json` / `config.json` where the tokenizer files have none.
 */
export async function loadTokenizer(
  dir: string,
  options: { chatTemplate?: string } = {},
): Promise<HfTokenizer> {
  const [tokenizerJson, tokenizerConfig, specialTokensMap, config, generationConfig, templateJson] =
    await Promise.all(
      [
        'tokenizer.json',
        'tokenizer_config.json',
        'special_tokens_map.json',
        'config.json',
        'generation_config.json',
        'chat_template.json',
      ].map((f) => readJson(join(dir, f))),
    );
  const templateFile = await readText(join(dir, 'chat_template.jinja')).catch(() => undefined);
  const json =
    tokenizerJson ??
    (await tokenizerJsonFromVocabMerges(dir, tokenizerConfig, specialTokensMap, config));
  // transformers' precedence: chat_template.jinja over tokenizer_config.json's, then chat_template.json.
  const chatTemplate =
    options.chatTemplate ??
    templateFile ??
    (tokenizerConfig?.chat_template === undefined
      ? pickTemplate(templateJson?.chat_template)
      : undefined);
  return new HfTokenizer({
    tokenizerJson: json,
    source: dir,
    ...(tokenizerConfig ? { tokenizerConfig } : {}),
    ...(specialTokensMap ? { specialTokensMap } : {}),
    ...(config ? { config } : {}),
    ...(generationConfig ? { generationConfig } : {}),
    ...(chatTemplate !== undefined ? { chatTemplate } : {}),
  });
}
