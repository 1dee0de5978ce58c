#!/usr/bin/python3
"""Writes test/fixtures/tokenizers/gemma/: a tiny tokenizer in the layout of Gemma's hub files
(transformers' GemmaConverter: normalizer Replace(" ", "▁") with no dummy prefix, a Split(" ")
pre-tokenizer, BPE with byte fallback and "\\t" in place of <0x09>, "<bos> $A" post-processing,
Replace + ByteFallback + Fuse decoding; <pad> <eos> <bos> <unk> <mask> first, <start_of_turn> and
<end_of_turn> special), with Gemma's own chat template (gemma-2b-it / gemma-7b-it / gemma-2-*-it).

The vocabulary and merges are chosen by hand so that the expected encodings in
test/tokenizer.test.ts can be derived by hand (the derivations are written there). This script also
renders the chat cases with jinja2 configured as transformers does and checks them against the
strings written by hand in CHATS below, so the template's expectations have two sources.

Run: /usr/bin/python3 packages/lm/scripts/gemma_tokenizer_fixture.py
"""
import json
import os

import jinja2
import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "fixtures", "tokenizers", "gemma")

GEMMA_TEMPLATE = (
    "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}"
    "{% endif %}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
    "{% if (message['role'] == 'assistant') %}{% set role = 'model' %}{% else %}{% set role = message['role'] %}"
    "{% endif %}{{ '<start_of_turn>' + role + '\\n' + message['content'] | trim + '<end_of_turn>\\n' }}"
    "{% endfor %}{% if add_generation_prompt %}{{'<start_of_turn>model\\n'}}{% endif %}"
)

SPECIALS = ["<pad>", "<eos>", "<bos>", "<unk>", "<mask>", "<start_of_turn>", "<end_of_turn>"]
CHARS = ["\n", "▁"] + [chr(c) for c in range(ord("a"), ord("z") + 1)] + ["H", "I", "T", "W", ".", ","]
# (left, right) in rank order; every result is a vocabulary entry.
MERGES = [
    ("▁", "t"), ("h", "e"), ("▁t", "he"), ("▁", "w"), ("o", "r"), ("l", "d"), ("▁w", "or"),
    ("▁wor", "ld"), ("e", "l"), ("el", "l"), ("ell", "o"), ("H", "ello"), ("u", "s"), ("e", "r"),
    ("us", "er"), ("o", "d"), ("m", "od"), ("mod", "el"), ("\n", "\n"), ("▁", "i"), ("▁i", "s"),
    ("▁", "▁"),
]

# Hand-written renderings of Gemma's template (checked against jinja2 below).
CHATS = [
    {
        "messages": [{"role": "user", "content": "Hello world"}],
        "addGenerationPrompt": True,
        "rendered": "<bos><start_of_turn>user\nHello world<end_of_turn>\n<start_of_turn>model\n",
    },
    {
        "messages": [
            {"role": "user", "content": "  Is it good? \n"},
            {"role": "assistant", "content": "Yes."},
            {"role": "user", "content": "Why"},
        ],
        "addGenerationPrompt": False,
        "rendered": "<bos><start_of_turn>user\nIs it good?<end_of_turn>\n<start_of_turn>model\nYes.<end_of_turn>\n"
        "<start_of_turn>user\nWhy<end_of_turn>\n",
    },
]


def vocabulary():
    tokens = list(SPECIALS)
    tokens += ["\t" if b == 9 else f"<0x{b:02X}>" for b in range(256)]
    tokens += CHARS
    for left, right in MERGES:
        merged = left + right
        assert left in tokens and right in tokens and merged not in tokens, (left, right)
        tokens.append(merged)
    return {t: i for i, t in enumerate(tokens)}


def render(template, messages, add_generation_prompt, **tokens):
    """transformers' `_compile_jinja_template` + `render`."""
    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
    env.globals["raise_exception"] = raise_exception
    return env.from_string(template).render(messages=messages, add_generation_prompt=add_generation_prompt, **tokens)


def added(token_id, content):
    return {"id": token_id, "content": content, "single_word": False, "lstrip": False, "rstrip": False,
            "normalized": False, "special": True}


def main():
    vocab = vocabulary()
    tokenizer = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [added(vocab[t], t) for t in SPECIALS],
        "normalizer": {"type": "Replace", "pattern": {"String": " "}, "content": "▁"},
        "pre_tokenizer": {"type": "Split", "pattern": {"String": " "}, "behavior": "MergedWithPrevious",
                          "invert": False},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "<bos>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "<bos>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "<bos>", "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {"<bos>": {"id": "<bos>", "ids": [vocab["<bos>"]], "tokens": ["<bos>"]}},
        },
        "decoder": {"type": "Sequence", "decoders": [
            {"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
            {"type": "ByteFallback"},
            {"type": "Fuse"},
        ]},
        "model": {"type": "BPE", "dropout": None, "unk_token": "<unk>", "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": True, "byte_fallback": True, "ignore_merges": False,
                  "vocab": vocab, "merges": [[a, b] for a, b in MERGES]},
    }
    tokenizer_config = {
        "add_bos_token": True,
        "add_eos_token": False,
        "added_tokens_decoder": {str(vocab[t]): {k: v for k, v in added(vocab[t], t).items() if k != "id"}
                                 for t in SPECIALS},
        "additional_special_tokens": ["<start_of_turn>", "<end_of_turn>"],
        "bos_token": "<bos>",
        "chat_template": GEMMA_TEMPLATE,
        "clean_up_tokenization_spaces": False,
        "eos_token": "<eos>",
        "model_max_length": 1000000000000000019884624838656,
        "pad_token": "<pad>",
        "sp_model_kwargs": {},
        "spaces_between_special_tokens": False,
        "tokenizer_class": "GemmaTokenizer",
        "unk_token": "<unk>",
        "use_default_system_prompt": False,
    }
    special_tokens_map = {
        "additional_special_tokens": ["<start_of_turn>", "<end_of_turn>"],
        "bos_token": "<bos>", "eos_token": "<eos>", "pad_token": "<pad>", "unk_token": "<unk>",
    }
    # As gemma-2-2b-it's generation_config.json: <end_of_turn> ends a reply too.
    generation_config = {"bos_token_id": 2, "eos_token_id": [1, vocab["<end_of_turn>"]], "pad_token_id": 0}
    for chat in CHATS:
        got = render(GEMMA_TEMPLATE, chat["messages"], chat["addGenerationPrompt"], bos_token="<bos>",
                     eos_token="<eos>")
        assert got == chat["rendered"], (got, chat["rendered"])
    os.makedirs(OUT, exist_ok=True)
    files = [("tokenizer.json", tokenizer), ("tokenizer_config.json", tokenizer_config),
             ("special_tokens_map.json", special_tokens_map), ("generation_config.json", generation_config)]
    for name, obj in files:
        with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
            json.dump(obj, f, indent=2, ensure_ascii=False)
            f.write("\n")
    print("wrote", OUT, "vocabulary", len(vocab), "; jinja2 renders the", len(CHATS), "chats as written")


if __name__ == "__main__":
    main()
