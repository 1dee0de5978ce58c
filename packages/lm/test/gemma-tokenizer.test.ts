// Gemma's tokenizer layout and chat template through loadTokenizer, on a tiny vocabulary in the
// format of Gemma's hub files (scripts/gemma_tokenizer_fixture.py). The expected ids are derived by
// hand below from the vocabulary's layout and the merge ranks, and the rendered chats from Gemma's
// template (which the script also renders with jinja2 configured as transformers does).

import { join } from 'node:path';
import { ValidationError } from '@va/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type HfTokenizer, loadTokenizer } from '../src/tokenizer.js';
import { FIXTURES } from './helpers.js';

// The layout, as GemmaConverter writes it: <pad> <eos> <bos> <unk> <mask> first (then, in this tiny
// vocabulary, <start_of_turn> <end_of_turn>), the 256 byte tokens (tab as "\t"), the characters,
// then one entry per merge in rank order.
const SPECIAL = ['<pad>', '<eos>', '<bos>', '<unk>', '<mask>', '<start_of_turn>', '<end_of_turn>'];
const CHARS = ['\n', '▁', ...'abcdefghijklmnopqrstuvwxyz', 'H', 'I', 'T', 'W', '.', ','];
const MERGED = [
  '▁t',
  'he',
  '▁the',
  '▁w',
  'or',
  'ld',
  '▁wor',
  '▁world',
  'el',
  'ell',
  'ello',
  'Hello',
  'us',
  'er',
  'user',
  'od',
  'mod',
  'model',
  '\n\n',
  '▁i',
  '▁is',
  '▁▁',
];
const byte = (b: number) => 7 + b;
function id(token: string): number {
  if (SPECIAL.includes(token)) return SPECIAL.indexOf(token);
  if (token === '\t') return byte(9);
  const m = /^<0x([0-9A-F]{2})>$/.exec(token);
  if (m) return byte(Number.parseInt(m[1]!, 16));
  if (CHARS.includes(token)) return 263 + CHARS.indexOf(token);
  if (MERGED.includes(token)) return 263 + CHARS.length + MERGED.indexOf(token);
  throw new Error(`not in the fixture's vocabulary: ${JSON.stringify(token)}`);
}

let tok: HfTokenizer;
beforeAll(async () => {
  tok = await loadTokenizer(join(FIXTURES, 'tokenizers', 'gemma'));
});

describe("Gemma's tokenizer", () => {
  it('reads its special tokens: <bos> 2, <eos> 1, <pad> 0, and <end_of_turn> ends generation', () => {
    expect(tok.vocabSize).toBe(263 + CHARS.length + MERGED.length);
    expect([tok.bosTokenId, tok.eosTokenId, tok.padTokenId, tok.unkTokenId]).toEqual([2, 1, 0, 3]);
    expect(tok.eosTokenIds).toEqual([1, id('<end_of_turn>')]);
    expect(tok.tokenToId('\t')).toBe(byte(9)); // the tab token where <0x09> was
  });

  it('encodes as derived by hand: no dummy prefix, merges by rank, <bos> in front', () => {
    // "Hello world" -> "Hello▁world" (spaces become ▁; nothing is prepended, unlike Llama's).
    // Ranks: ▁w (4), or (5), ld (6), ▁wor (7), ▁world (8), el (9), ell (10), ello (11), Hello (12).
    const cases: [string, string[]][] = [
      ['Hello world', ['Hello', '▁world']],
      // "the▁world▁is": he (2) first, so no ▁the at the start; ▁i (20) then ▁is (21).
      ['the world is', ['t', 'he', '▁world', '▁is']],
      // A leading space is a token of its own, or part of the word after it.
      [' the', ['▁the']],
      [' Hello', ['▁', 'Hello']],
      // Characters outside the vocabulary fall back to their UTF-8 bytes.
      ['Héllo?', ['H', '<0xC3>', '<0xA9>', 'l', 'l', 'o', '<0x3F>']],
      // \n\n (19) and ▁▁ (22) are pieces; the tab is a token.
      ['a  b\n\nc\td', ['a', '▁▁', 'b', '\n\n', 'c', '\t', 'd']],
    ];
    for (const [text, tokens] of cases) {
      expect(tok.tokenize(text, { addSpecialTokens: false }), text).toEqual(tokens);
      expect(tok.encode(text), text).toEqual([id('<bos>'), ...tokens.map(id)]);
      expect(tok.decode(tok.encode(text), { skipSpecialTokens: true })).toBe(text);
    }
    expect(tok.decode(tok.encode('Hello world'))).toBe('<bos>Hello world');
  });

  it('keeps special tokens whole inside text, and decodes them back or skips them', () => {
    const text = '<start_of_turn>user\nHello world<end_of_turn>\n';
    // Between the specials, "user\nHello▁world": ▁world, Hello as above; us (13), er (14), user (15).
    const want = ['<start_of_turn>', 'user', '\n', 'Hello', '▁world', '<end_of_turn>', '\n'];
    expect(tok.encode(text, { addSpecialTokens: false })).toEqual(want.map(id));
    expect(tok.decode(want.map(id))).toBe(text);
    expect(tok.decode(want.map(id), { skipSpecialTokens: true })).toBe('user\nHello world\n');
  });

  it('pads batches with <pad> (id 0)', () => {
    const batch = tok.encodeBatch(['Hello world is', 'the'], { paddingSide: 'left' });
    expect(batch.inputIds[1]).toEqual([0, 2, id('t'), id('he')]);
    expect(batch.attentionMask[1]).toEqual([0, 1, 1, 1]);
  });
});

describe("Gemma's chat template", () => {
  it('writes <bos>, turns with <start_of_turn>role ... <end_of_turn>, assistant as "model", trimmed', () => {
    expect(
      tok.applyChatTemplate([{ role: 'user', content: 'Hello world' }], {
        addGenerationPrompt: true,
      }),
    ).toBe('<bos><start_of_turn>user\nHello world<end_of_turn>\n<start_of_turn>model\n');
    expect(
      tok.applyChatTemplate([
        { role: 'user', content: '  Is it good? \n' },
        { role: 'assistant', content: 'Yes.' },
        { role: 'user', content: 'Why' },
      ]),
    ).toBe(
      '<bos><start_of_turn>user\nIs it good?<end_of_turn>\n<start_of_turn>model\nYes.<end_of_turn>\n' +
        '<start_of_turn>user\nWhy<end_of_turn>\n',
    );
  });

  it('tokenizes a rendered chat without a second <bos> (addSpecialTokens: false, as transformers)', () => {
    const text = tok.applyChatTemplate([{ role: 'user', content: 'Hello world' }], {
      addGenerationPrompt: true,
    });
    const tokens = ['<bos>', '<start_of_turn>', 'user', '\n', 'Hello', '▁world', '<end_of_turn>'];
    // "model\n": el (9) merges before od (16), then mod (17), model (18).
    const prompt = [...tokens, '\n', '<start_of_turn>', 'model', '\n'];
    expect(tok.encode(text, { addSpecialTokens: false })).toEqual(prompt.map(id));
    expect(tok.encode(text).slice(0, 2)).toEqual([2, 2]); // what the default would do
  });

  it("refuses what Gemma's template refuses: a system turn, turns that do not alternate", () => {
    const system = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
    ];
    expect(() => tok.applyChatTemplate(system)).toThrow(ValidationError);
    expect(() => tok.applyChatTemplate(system)).toThrow(/System role not supported/);
    const twice = [
      { role: 'user', content: 'a' },
      { role: 'user', content: 'b' },
    ];
    expect(() => tok.applyChatTemplate(twice)).toThrow(/Conversation roles must alternate/);
  });
});
