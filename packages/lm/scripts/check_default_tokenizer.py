#!/usr/bin/python3
"""Encodes held-out corpus documents with the reference (Rust) `tokenizers` and the default
tokenizer in assets/default, and writes the ids as a fixture that test/default-assets.test.ts
compares @huggingface/tokenizers (through loadTokenizer) against.

  PYTHONPATH=/tmp/va-pyref /usr/bin/python3 scripts/check_default_tokenizer.py
"""
import json
import os

from tokenizers import Tokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
PKG = os.path.join(HERE, "..")
tok = Tokenizer.from_file(os.path.join(PKG, "assets", "default", "tokenizer.json"))
docs = open(os.path.join(PKG, ".cache", "corpus", "valid.txt"), encoding="utf-8").read().split("\n\n")[:60]
extra = ["Unseen words: zeitgeist, quokka, naïve café 東京 🍜, 3.14159 and tabs\there.",
         "<|endoftext|>The food was", "  double  spaces\n\nand new lines  "]
cases = [{"text": t, "ids": tok.encode(t).ids} for t in docs + extra]
for c in cases:
    assert tok.decode(c["ids"], skip_special_tokens=False) == c["text"], c["text"]
tokens = sum(len(c["ids"]) for c in cases)
chars = sum(len(c["text"]) for c in cases)
out = {"source": "tokenizers (Rust) %s" % __import__("tokenizers").__version__, "vocabSize": tok.get_vocab_size(),
       "charsPerToken": round(chars / tokens, 3), "cases": cases}
json.dump(out, open(os.path.join(PKG, "test", "fixtures", "default-tokenizer.json"), "w"), ensure_ascii=False)
print("vocab", tok.get_vocab_size(), "chars/token", out["charsPerToken"], "cases", len(cases))
