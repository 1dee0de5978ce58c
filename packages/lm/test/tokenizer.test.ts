import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ResourceError, ValidationError } from '@va/core';
import { tempDir } from '@va/test-utils';
import { describe, expect, it } from 'vitest';
import { encodeBatch, HfTokenizer, loadTokenizer } from '../src/tokenizer.js';

// Fixtures and expected values come from the Rust `tokenizers` and Python `jinja2` configured as
// transformers does: scripts/tokenizer_reference.py.
const fix = join(import.meta.dirname, 'fixtures', 'tokenizers');
interface Case {
  text: string;
  ids: number[];
  tokens: string[];
  decoded: string;
  decodedSkip: string;
}
interface Chat {
  messages: { role: string; content: string }[];
  addGenerationPrompt?: boolean;
  rendered: string;
}
const expected = JSON.parse(readFileSync(join(fix, 'expected.json'), 'utf8')) as {
  gpt2: { vocabSize: number; eos: number; bos: number; cases: Case[] };
  qwen2: {
    vocabSize: number;
    eos: number;
    eosAll: number[];
    pad: number;
    cases: Case[];
    chat: Chat[];
  };
  mistral: { template: string; chat: Chat[] };
  llama: { vocabSize: number; eos: number; bos: number; unk: number; cases: Case[]; chat: Chat[] };
};

describe.each(['gpt2', 'qwen2', 'llama'] as const)('%s-style tokenizer', (name) => {
  it('encodes and decodes exactly as the reference tokenizers library', async () => {
    const tok = await loadTokenizer(join(fix, name));
    expect(tok.vocabSize).toBe(expected[name].vocabSize);
    for (const c of expected[name].cases) {
      expect(tok.encode(c.text), c.text).toEqual(c.ids);
      expect(tok.tokenize(c.text)).toEqual(c.tokens);
      expect(tok.decode(c.ids)).toBe(c.decoded);
      expect(tok.decode(c.ids, { skipSpecialTokens: true })).toBe(c.decodedSkip);
    }
  });

  it('round trips unicode text', async () => {
    const tok = await loadTokenizer(join(fix, name));
    const texts = [
      'Ünïcödé ÀÉÎÕ — “curly” ‘quotes’ … ½ ¾ €100',
      '東京の ラーメン は 美味しい 。 한국어 문장 . Ελληνικά και русский текст',
      'emoji 🍜🤖👍🏽 and 👨‍👩‍👧 family, flags 🇫🇷',
      '  leading spaces\n\n\ttabs\r\nand trailing   ',
      'math: ∑ x² ≤ ∞; arrows → ⇒',
    ];
    for (const text of texts) {
      expect(tok.decode(tok.encode(text), { skipSpecialTokens: true })).toBe(text);
    }
  });
});

describe('special tokens', () => {
  it('falls back to config.json ids where tokenizer_config.json has none (GPT-2)', async () => {
    const tok = await loadTokenizer(join(fix, 'gpt2'));
    expect(tok.eosTokenId).toBe(expected.gpt2.eos);
    expect(tok.bosTokenId).toBe(expected.gpt2.bos);
    expect(tok.padTokenId).toBeUndefined();
    expect(tok.eosTokenIds).toEqual([expected.gpt2.eos]);
  });

  it('reads tokenizer_config.json first and every EOS of generation_config.json (Qwen2)', async () => {
    const tok = await loadTokenizer(join(fix, 'qwen2'));
    expect(tok.eosTokenId).toBe(expected.qwen2.eos);
    expect(tok.eosTokenIds).toEqual(expected.qwen2.eosAll);
    // "bos_token": null in tokenizer_config.json: no BOS, whatever config.json says.
    expect(tok.bosTokenId).toBeUndefined();
    expect(tok.padTokenId).toBe(expected.qwen2.pad);
    expect(tok.specialTokens.eos_token).toBe('<|im_end|>');
  });

  it('reads a Llama / Mistral tokenizer: <s> added by the post-processor, byte fallback', async () => {
    const tok = await loadTokenizer(join(fix, 'llama'));
    expect([tok.bosTokenId, tok.eosTokenId, tok.padTokenId, tok.unkTokenId]).toEqual([
      expected.llama.bos,
      expected.llama.eos,
      undefined,
      expected.llama.unk,
    ]);
    expect(tok.encode('Hello')[0]).toBe(expected.llama.bos);
    expect(tok.encode('Hello', { addSpecialTokens: false })[0]).not.toBe(expected.llama.bos);
    expect(tok.tokenize('é', { addSpecialTokens: false })).toEqual(['▁', '<0xC3>', '<0xA9>']);
    for (const c of expected.llama.chat) expect(tok.applyChatTemplate(c.messages)).toBe(c.rendered);
  });

  it('refuses a special token that is not in the vocabulary, naming it', () => {
    const tokenizerJson = JSON.parse(readFileSync(join(fix, 'gpt2', 'tokenizer.json'), 'utf8'));
    expect(
      () => new HfTokenizer({ tokenizerJson, tokenizerConfig: { eos_token: '</s>' }, source: 'x' }),
    ).toThrow(/eos_token "<\/s>", which is not in the vocabulary/);
  });
});

describe('chat templates', () => {
  it("renders Qwen2.5's ChatML template exactly as transformers does", async () => {
    const tok = await loadTokenizer(join(fix, 'qwen2'));
    for (const c of expected.qwen2.chat) {
      const opts = { addGenerationPrompt: c.addGenerationPrompt ?? false };
      expect(tok.applyChatTemplate(c.messages, opts)).toBe(c.rendered);
    }
  });

  it('passes bos_token/eos_token and turns raise_exception into a clear error', async () => {
    const tok = await loadTokenizer(join(fix, 'gpt2'), { chatTemplate: expected.mistral.template });
    // GPT-2's files name no special tokens; give the template some through the config.
    const tokenizerJson = JSON.parse(readFileSync(join(fix, 'gpt2', 'tokenizer.json'), 'utf8'));
    const withTokens = new HfTokenizer({
      tokenizerJson,
      tokenizerConfig: {
        bos_token: '<|endoftext|>',
        eos_token: '<|endoftext|>',
        chat_template: expected.mistral.template,
      },
    });
    for (const c of expected.mistral.chat) {
      expect(withTokens.applyChatTemplate(c.messages)).toBe(c.rendered);
    }
    const bad = [
      { role: 'user', content: 'a' },
      { role: 'user', content: 'b' },
    ];
    expect(() => withTokens.applyChatTemplate(bad)).toThrow(ValidationError);
    expect(() => withTokens.applyChatTemplate(bad)).toThrow(/Conversation roles must alternate/);
    expect(tok.chatTemplate).toBe(expected.mistral.template);
  });

  it('reads chat_template.jinja, and says what to do when there is no template', async () => {
    const dir = tempDir('va-lm-tok-');
    for (const f of ['tokenizer.json', 'config.json']) {
      writeFileSync(join(dir, f), readFileSync(join(fix, 'gpt2', f)));
    }
    const none = await loadTokenizer(dir);
    expect(() => none.applyChatTemplate([{ role: 'user', content: 'x' }])).toThrow(ResourceError);
    expect(() => none.applyChatTemplate([{ role: 'user', content: 'x' }])).toThrow(
      /no chat template.*chatTemplate/,
    );
    writeFileSync(
      join(dir, 'chat_template.jinja'),
      '{% for m in messages %}[{{ m.role }}]{{ m.content }}{% endfor %}',
    );
    const tok = await loadTokenizer(dir);
    expect(tok.applyChatTemplate([{ role: 'user', content: 'hi' }])).toBe('[user]hi');
    // chat_template.jinja wins over tokenizer_config.json's, as in transformers.
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ chat_template: 'config' }));
    expect((await loadTokenizer(dir)).applyChatTemplate([])).toBe('');
  });
});

describe('encodeBatch', () => {
  it('pads on the left or right with the pad token (EOS when there is none) and masks it', async () => {
    const tok = await loadTokenizer(join(fix, 'gpt2'));
    const texts = ['Hello world', 'The film was a delight from start to finish', 'I'];
    const ids = texts.map((t) => tok.encode(t));
    const width = Math.max(...ids.map((r) => r.length));
    const pad = expected.gpt2.eos;
    const left = encodeBatch(tok, texts, { paddingSide: 'left' });
    const right = tok.encodeBatch(texts);
    for (const [i, row] of ids.entries()) {
      const n = width - row.length;
      expect(left.inputIds[i]).toEqual([...new Array(n).fill(pad), ...row]);
      expect(left.attentionMask[i]).toEqual([
        ...new Array(n).fill(0),
        ...new Array(row.length).fill(1),
      ]);
      expect(right.inputIds[i]).toEqual([...row, ...new Array(n).fill(pad)]);
      expect(right.attentionMask[i]).toEqual([
        ...new Array(row.length).fill(1),
        ...new Array(n).fill(0),
      ]);
    }
    const qwen = await loadTokenizer(join(fix, 'qwen2'));
    expect(qwen.encodeBatch(['a b c', 'a'], { paddingSide: 'left' }).inputIds[1]![0]).toBe(
      expected.qwen2.pad,
    );
  });

  it('truncates from either side', async () => {
    const tok = await loadTokenizer(join(fix, 'gpt2'));
    const full = tok.encode('The film was a delight from start to finish');
    expect(
      tok.encodeBatch(['The film was a delight from start to finish'], { maxLength: 3 }).inputIds,
    ).toEqual([full.slice(0, 3)]);
    expect(
      tok.encodeBatch(['The film was a delight from start to finish'], {
        maxLength: 3,
        truncationSide: 'left',
      }).inputIds,
    ).toEqual([full.slice(-3)]);
    expect(() => tok.encodeBatch(['x'], { maxLength: 0 })).toThrow(/options.maxLength/);
    expect(() => tok.encodeBatch(['x'], { paddingSide: 'middle' as 'left' })).toThrow(
      /paddingSide/,
    );
  });
});

describe('files', () => {
  it("loads GPT-2's legacy vocab.json + merges.txt the same as tokenizer.json", async () => {
    const dir = tempDir('va-lm-tok-');
    const json = JSON.parse(readFileSync(join(fix, 'gpt2', 'tokenizer.json'), 'utf8'));
    writeFileSync(join(dir, 'vocab.json'), JSON.stringify(json.model.vocab));
    const merges = (json.model.merges as [string, string][]).map((m) => m.join(' '));
    writeFileSync(join(dir, 'merges.txt'), `#version: 0.2\n${merges.join('\n')}\n`);
    writeFileSync(join(dir, 'config.json'), readFileSync(join(fix, 'gpt2', 'config.json')));
    const tok = await loadTokenizer(dir);
    for (const c of expected.gpt2.cases) expect(tok.encode(c.text)).toEqual(c.ids);
    expect(tok.eosTokenId).toBe(expected.gpt2.eos);
  });

  it('names what is missing, and rejects ids outside the vocabulary', async () => {
    await expect(loadTokenizer(tempDir('va-lm-tok-'))).rejects.toThrow(
      /no tokenizer.json.*save_pretrained/,
    );
    const tok = await loadTokenizer(join(fix, 'gpt2'));
    expect(() => tok.decode([1, tok.vocabSize])).toThrow(/ids\[1\]/);
    expect(() => tok.decode([0.5])).toThrow(ValidationError);
  });
});
