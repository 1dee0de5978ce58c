#!/usr/bin/python3
"""Builds the tokenizer fixtures of packages/lm/test/tokenizer.test.ts with the reference (Rust)
Hugging Face `tokenizers` and renders chat templates with `jinja2` configured as `transformers`
does, so the tests compare our loader against independent outputs.

  pip install --target /tmp/va-pyref --no-deps <tokenizers wheel> <jinja2 wheel> <markupsafe wheel>
  PYTHONPATH=/tmp/va-pyref /usr/bin/python3 scripts/tokenizer_reference.py

Writes test/fixtures/tokenizers/{gpt2,qwen2}/ (tokenizer.json, tokenizer_config.json, config.json,
generation_config.json) and expected.json (ids, decodes, rendered chat templates).

  PYTHONPATH=<transformers and its dependencies> /usr/bin/python3 scripts/tokenizer_reference.py transformers
      # checks the fixtures and assets/default with transformers' own AutoTokenizer (5.17 agrees)
"""
import json
import os
import sys

import jinja2
import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment
from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "..", "test", "fixtures", "tokenizers")

CORPUS = [
    "The film was a delight from start to finish, and the acting was superb.",
    "I didn't like the ending; it felt rushed, but the first hour was great.",
    "This restaurant's pasta is the best I've had in years! Service was slow, though.",
    "Terrible battery life. The screen is bright and sharp, yet I'd return it.",
    "A quiet, thoughtful book about memory, loss and the sea.",
    "Prices went up 25% in 2023, and the portions shrank by half.",
    "Naïve café owners in Zürich serve crème brûlée; 東京 has great ramen 🍜.",
    "    indented code\n\tand tabs\n\nnew paragraphs\r\nwindows lines",
] * 20

TESTS = [
    "Hello world",
    " The film was great, but the ending wasn't.",
    "I've been to 12 restaurants in 2024!!",
    "Naïve café in Zürich: crème brûlée, 東京 ramen 🍜 and 🤖.",
    "  two spaces\n\nand\ttabs   then   gaps  ",
    "<|endoftext|>after the end",
    "<|im_start|>user\nIs it good?<|im_end|>\n<|im_start|>assistant\n",
    "",
    "ÀÉÎÕÜ ß ﬁ Ωmega — “quotes” …",
]

QWEN_REGEX = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
              r"|\s*[\r\n]+|\s+(?!\S)|\s+")

# Qwen2.5-Instruct's chat template (tools branch included), as shipped in its tokenizer_config.json.
QWEN_TEMPLATE = open(os.path.join(HERE, "qwen2.5-chat-template.jinja")).read()

# Mistral-7B-Instruct-v0.1's template: bos_token, eos_token and raise_exception.
MISTRAL_TEMPLATE = (
    "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
    "{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}"
    "{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token + ' ' }}"
    "{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}"
)

CHATS = [
    [{"role": "user", "content": "Write a short review of a café."}],
    [{"role": "system", "content": "You are a film critic."},
     {"role": "user", "content": "Was it good?"},
     {"role": "assistant", "content": "Mostly — the ending dragged."},
     {"role": "user", "content": "Ünïcödé? 東京 🍜"}],
]


def train(pre, normalizer, post, specials, vocab_size):
    tok = Tokenizer(models.BPE())
    if normalizer is not None:
        tok.normalizer = normalizer
    tok.pre_tokenizer = pre
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = post
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=specials, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(CORPUS, trainer=trainer)
    return tok


def render(template, chat, add_generation_prompt, **tokens):
    """transformers' `_compile_jinja_template` + `render`."""
    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    return env.from_string(template).render(messages=chat, add_generation_prompt=add_generation_prompt, **tokens)


def save(name, tok, tokenizer_config, config, generation_config):
    d = os.path.join(FIX, name)
    os.makedirs(d, exist_ok=True)
    tok.save(os.path.join(d, "tokenizer.json"))
    for fname, obj in [("tokenizer_config.json", tokenizer_config), ("config.json", config),
                       ("generation_config.json", generation_config)]:
        if obj is not None:
            json.dump(obj, open(os.path.join(d, fname), "w"), indent=2, ensure_ascii=False)


def expectations(tok):
    out = []
    for text in TESTS:
        enc = tok.encode(text, add_special_tokens=True)
        out.append({"text": text, "ids": enc.ids, "tokens": enc.tokens,
                    "decoded": tok.decode(enc.ids, skip_special_tokens=False),
                    "decodedSkip": tok.decode(enc.ids, skip_special_tokens=True)})
    return out


def make_llama():
    """Llama-2 / Mistral-7B-v0.1 style: SentencePiece BPE with byte fallback, "▁" for spaces
    (normalizer Prepend + Replace), <s> added by a TemplateProcessing post-processor."""
    bytes_ = [f"<0x{b:02X}>" for b in range(256)]
    tok = Tokenizer(models.BPE(unk_token="<unk>", byte_fallback=True, fuse_unk=True))
    tok.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
    # Merges stay within words, as SentencePiece's do; the saved tokenizer has no pre-tokenizer.
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="never", split=True)
    trainer = trainers.BpeTrainer(vocab_size=700, special_tokens=["<unk>", "<s>", "</s>", *bytes_],
                                  show_progress=False)
    tok.train_from_iterator([t.replace(" ", "▁") for t in CORPUS if "東京" not in t], trainer=trainer)
    data = json.loads(tok.to_str())
    data["pre_tokenizer"] = None
    # Byte tokens are ordinary vocabulary entries in Llama's tokenizer.json, not added tokens.
    data["added_tokens"] = [t for t in data["added_tokens"] if t["content"] in ("<unk>", "<s>", "</s>")]
    data["decoder"] = {"type": "Sequence", "decoders": [
        {"type": "Replace", "pattern": {"String": "▁"}, "content": " "}, {"type": "ByteFallback"},
        {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]}
    data["post_processor"] = {"type": "TemplateProcessing",
                              "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
                              "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                                       {"SpecialToken": {"id": "<s>", "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
                              "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}}
    tok = Tokenizer.from_str(json.dumps(data))
    added = {str(i): {"content": t, "lstrip": False, "normalized": False, "rstrip": False, "single_word": False,
                      "special": True} for i, t in enumerate(["<unk>", "<s>", "</s>"])}
    cfg = {"add_bos_token": True, "add_eos_token": False, "added_tokens_decoder": added, "bos_token": "<s>",
           "chat_template": MISTRAL_TEMPLATE, "clean_up_tokenization_spaces": False, "eos_token": "</s>",
           "legacy": True, "model_max_length": 32768, "pad_token": None, "sp_model_kwargs": {},
           "spaces_between_special_tokens": False, "tokenizer_class": "LlamaTokenizer", "unk_token": "<unk>",
           "use_default_system_prompt": False}
    save("llama", tok, cfg, {"model_type": "mistral", "vocab_size": tok.get_vocab_size(), "bos_token_id": 1,
                             "eos_token_id": 2}, {"bos_token_id": 1, "eos_token_id": 2})
    cases = [c for c in expectations(tok) if "<|" not in c["text"]]
    chat = [{"messages": c, "rendered": render(MISTRAL_TEMPLATE, c, False, bos_token="<s>", eos_token="</s>")}
            for c in [CHATS[0], [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"},
                                 {"role": "user", "content": "Bye"}]]]
    return {"vocabSize": tok.get_vocab_size(), "eos": 2, "bos": 1, "unk": 0, "cases": cases, "chat": chat}


def main():
    expected = {}
    # GPT-2: ByteLevel everything; like openai-community/gpt2, the tokenizer_config has no special
    # tokens, which come from config.json.
    gpt2 = train(pre_tokenizers.ByteLevel(add_prefix_space=False), None,
                 processors.ByteLevel(trim_offsets=False), ["<|endoftext|>"], 420)
    eot = gpt2.token_to_id("<|endoftext|>")
    save("gpt2", gpt2, {"model_max_length": 1024, "clean_up_tokenization_spaces": False},
         {"model_type": "gpt2", "vocab_size": gpt2.get_vocab_size(), "bos_token_id": eot, "eos_token_id": eot},
         {"bos_token_id": eot, "eos_token_id": eot})
    expected["gpt2"] = {"vocabSize": gpt2.get_vocab_size(), "eos": eot, "bos": eot, "pad": None,
                        "cases": expectations(gpt2)}

    # Qwen2: NFC, the Qwen split regex then ByteLevel without its own regex; ChatML specials.
    qwen = train(pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(QWEN_REGEX), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)]),
        normalizers.NFC(), processors.ByteLevel(trim_offsets=False),
        ["<|endoftext|>", "<|im_start|>", "<|im_end|>"], 500)
    ids = {t: qwen.token_to_id(t) for t in ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]}
    added = {str(i): {"content": t, "lstrip": False, "normalized": False, "rstrip": False,
                      "single_word": False, "special": True} for t, i in ids.items()}
    qcfg = {"add_bos_token": False, "add_prefix_space": False, "added_tokens_decoder": added,
            "additional_special_tokens": ["<|im_start|>", "<|im_end|>"], "bos_token": None,
            "chat_template": QWEN_TEMPLATE, "clean_up_tokenization_spaces": False,
            "eos_token": "<|im_end|>", "errors": "replace", "model_max_length": 131072,
            "pad_token": "<|endoftext|>", "split_special_tokens": False,
            "tokenizer_class": "Qwen2Tokenizer", "unk_token": None}
    save("qwen2", qwen, qcfg,
         {"model_type": "qwen2", "vocab_size": 512, "bos_token_id": ids["<|endoftext|>"],
          "eos_token_id": ids["<|im_end|>"]},
         {"bos_token_id": ids["<|endoftext|>"], "eos_token_id": [ids["<|im_end|>"], ids["<|endoftext|>"]],
          "pad_token_id": ids["<|endoftext|>"], "do_sample": True, "temperature": 0.7, "top_p": 0.8})
    expected["qwen2"] = {
        "vocabSize": qwen.get_vocab_size(), "eos": ids["<|im_end|>"], "eosAll": [ids["<|im_end|>"], ids["<|endoftext|>"]],
        "bos": None, "pad": ids["<|endoftext|>"], "cases": expectations(qwen),
        "chat": [{"messages": c, "addGenerationPrompt": g,
                  "rendered": render(QWEN_TEMPLATE, c, g, eos_token="<|im_end|>", pad_token="<|endoftext|>")}
                 for c in CHATS for g in [False, True]],
    }
    expected["mistral"] = {"template": MISTRAL_TEMPLATE, "chat": [
        {"messages": c, "rendered": render(MISTRAL_TEMPLATE, c, False, bos_token="<|endoftext|>", eos_token="<|endoftext|>")}
        for c in [CHATS[0], [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"},
                             {"role": "user", "content": "Bye"}]]]}
    expected["llama"] = make_llama()
    json.dump(expected, open(os.path.join(FIX, "expected.json"), "w"), indent=1, ensure_ascii=False)
    print("wrote", FIX)


def check_transformers():
    """The fixtures and the default tokenizer, through transformers' AutoTokenizer itself."""
    import transformers
    from transformers import AutoTokenizer

    exp = json.load(open(os.path.join(FIX, "expected.json")))
    q = AutoTokenizer.from_pretrained(os.path.join(FIX, "qwen2"))
    for c in exp["qwen2"]["chat"]:
        got = q.apply_chat_template(c["messages"], tokenize=False, add_generation_prompt=c["addGenerationPrompt"])
        assert got == c["rendered"], (got, c["rendered"])
    assert (q.eos_token_id, q.bos_token_id, q.pad_token_id) == (exp["qwen2"]["eos"], None, exp["qwen2"]["pad"])
    g = AutoTokenizer.from_pretrained(os.path.join(FIX, "gpt2"))
    assert (g.eos_token_id, g.bos_token_id, g.pad_token_id) == (exp["gpt2"]["eos"], exp["gpt2"]["bos"], None)
    for tok, name in [(q, "qwen2"), (g, "gpt2")]:
        for c in exp[name]["cases"]:
            assert tok.encode(c["text"]) == c["ids"] and tok.decode(c["ids"]) == c["decoded"], (name, c["text"])
    ll = AutoTokenizer.from_pretrained(os.path.join(FIX, "llama"))
    assert (ll.eos_token_id, ll.bos_token_id, ll.pad_token_id, ll.unk_token_id) == (2, 1, None, 0)
    for c in exp["llama"]["cases"]:
        assert ll.encode(c["text"]) == c["ids"], ("llama", c["text"], ll.encode(c["text"]), c["ids"])
        assert ll.decode(c["ids"], skip_special_tokens=True) == c["decodedSkip"], ("llama", c["text"])
    for c in exp["llama"]["chat"]:
        assert ll.apply_chat_template(c["messages"], tokenize=False) == c["rendered"]
    d = AutoTokenizer.from_pretrained(os.path.join(HERE, "..", "assets", "default"))
    ref = json.load(open(os.path.join(HERE, "..", "test", "fixtures", "default-tokenizer.json")))
    for c in ref["cases"]:
        assert d.encode(c["text"]) == c["ids"] and d.decode(c["ids"]) == c["text"], c["text"]
    assert (d.eos_token_id, d.bos_token_id, d.pad_token_id, len(d)) == (2047, 2047, 2047, 2048)
    print("transformers", transformers.__version__, "agrees with every fixture and with assets/default")


if __name__ == "__main__":
    check_transformers() if sys.argv[1:] == ["transformers"] else main()
