"""Writes the tiny GPT-2 fixture the backbone tests run on, and its reference features.

A 2-layer, 16-wide GPT-2 (Radford et al. 2019; Hugging Face `GPT2Model` layout) with random
weights, written from the architecture's definition in plain torch, in two forms:
  - the transformers.js ONNX layout: config.json, tokenizer.json, tokenizer_config.json,
    onnx/model.onnx (inputs input_ids, attention_mask, position_ids; output last_hidden_state);
  - Hugging Face safetensors weights (model.safetensors, GPT-2 names) for the @va/lm backbone.
Then, for a few texts, the final-layer hidden state of the last token and the mean over tokens,
each text run alone (no padding), into tiny-gpt2-expected.json: the tests run them batched with
left padding and must match.

Run: /usr/bin/python3 scripts/make_tiny_gpt2_fixture.py   (torch 1.13, numpy; no other package)
"""

import json
import math
import os
import re
import struct

import numpy as np
import torch

torch.manual_seed(20240531)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "fixtures", "tiny-gpt2")
os.makedirs(os.path.join(OUT, "onnx"), exist_ok=True)

SPECIAL = ["[PAD]", "[UNK]", "<|endoftext|>"]
WORDS = (
    "Human Assistant user assistant the a is it this that good bad great movie film was "
    "I you we not very really love hate plot acting boring fun story it's what do think of "
    "about how are ok thanks no yes sure help me can please"
).split()
PUNCT = [":", ".", ",", "!", "?", "'", "<|", "|>", "<", ">", "|"]
VOCAB = {tok: i for i, tok in enumerate(SPECIAL + PUNCT + WORDS)}
V, D, H, L, P = len(VOCAB), 16, 2, 2, 64


def tokenize(text):
    """Whitespace pre-tokenizer (\\w+|[^\\w\\s]+) then whole-word WordPiece lookup."""
    return [VOCAB.get(w, VOCAB["[UNK]"]) for w in re.findall(r"\w+|[^\w\s]+", text)]


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x.pow(3))))


class TinyGPT2(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.p = torch.nn.ParameterDict()
        def param(name, *shape, scale=0.3):
            self.p[name.replace(".", "__")] = torch.nn.Parameter(torch.randn(*shape) * scale)
        param("wte.weight", V, D)
        param("wpe.weight", P, D)
        for l in range(L):
            for ln in ("ln_1", "ln_2"):
                param(f"h.{l}.{ln}.weight", D, scale=0.1)
                self.p[f"h__{l}__{ln}__weight"].data += 1.0
                param(f"h.{l}.{ln}.bias", D, scale=0.1)
            param(f"h.{l}.attn.c_attn.weight", D, 3 * D)
            param(f"h.{l}.attn.c_attn.bias", 3 * D, scale=0.1)
            param(f"h.{l}.attn.c_proj.weight", D, D)
            param(f"h.{l}.attn.c_proj.bias", D, scale=0.1)
            param(f"h.{l}.mlp.c_fc.weight", D, 4 * D)
            param(f"h.{l}.mlp.c_fc.bias", 4 * D, scale=0.1)
            param(f"h.{l}.mlp.c_proj.weight", 4 * D, D)
            param(f"h.{l}.mlp.c_proj.bias", D, scale=0.1)
        param("ln_f.weight", D, scale=0.1)
        self.p["ln_f__weight"].data += 1.0
        param("ln_f.bias", D, scale=0.1)

    def w(self, name):
        return self.p[name.replace(".", "__")]

    def forward(self, input_ids, attention_mask, position_ids):
        b, t = input_ids.shape
        h = self.w("wte.weight")[input_ids] + self.w("wpe.weight")[position_ids]
        causal = torch.tril(torch.ones(t, t, dtype=torch.bool))
        allowed = causal[None, None, :, :] & (attention_mask[:, None, None, :] > 0)
        hd = D // H
        for l in range(L):
            ln = lambda x, n: torch.nn.functional.layer_norm(
                x, (D,), self.w(f"h.{l}.{n}.weight"), self.w(f"h.{l}.{n}.bias"), 1e-5)
            a = ln(h, "ln_1")
            qkv = a @ self.w(f"h.{l}.attn.c_attn.weight") + self.w(f"h.{l}.attn.c_attn.bias")
            q, k, v = qkv.split(D, dim=-1)
            q, k, v = (x.view(b, t, H, hd).transpose(1, 2) for x in (q, k, v))
            scores = (q @ k.transpose(-1, -2)) / math.sqrt(hd)
            scores = scores.masked_fill(~allowed, -1e9)
            o = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, t, D)
            h = h + o @ self.w(f"h.{l}.attn.c_proj.weight") + self.w(f"h.{l}.attn.c_proj.bias")
            m = ln(h, "ln_2")
            m = gelu_new(m @ self.w(f"h.{l}.mlp.c_fc.weight") + self.w(f"h.{l}.mlp.c_fc.bias"))
            h = h + m @ self.w(f"h.{l}.mlp.c_proj.weight") + self.w(f"h.{l}.mlp.c_proj.bias")
        return torch.nn.functional.layer_norm(h, (D,), self.w("ln_f.weight"), self.w("ln_f.bias"), 1e-5)


model = TinyGPT2().eval()

# --- ONNX (transformers.js layout) -----------------------------------------------------------
ids = torch.tensor([[5, 6, 7], [8, 9, 10]])
mask = torch.ones_like(ids)
torch.onnx.export(
    model, (ids, mask, torch.arange(3)[None].repeat(2, 1)), os.path.join(OUT, "onnx", "model.onnx"),
    input_names=["input_ids", "attention_mask", "position_ids"], output_names=["last_hidden_state"],
    dynamic_axes={n: {0: "batch_size", 1: "sequence_length"}
                  for n in ["input_ids", "attention_mask", "position_ids", "last_hidden_state"]},
    opset_version=14,
)

# --- safetensors (GPT-2 names; Conv1D weights are [in, out]) ---------------------------------
def write_safetensors(path, tensors):
    header, offset, blobs = {"__metadata__": {"format": "pt"}}, 0, []
    for name in sorted(tensors):
        arr = np.ascontiguousarray(tensors[name], dtype="<f4")
        header[name] = {"dtype": "F32", "shape": list(arr.shape), "data_offsets": [offset, offset + arr.nbytes]}
        offset += arr.nbytes
        blobs.append(arr.tobytes())
    js = json.dumps(header, separators=(",", ":")).encode()
    js += b" " * ((8 - len(js) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(js)) + js + b"".join(blobs))

write_safetensors(os.path.join(OUT, "model.safetensors"),
                  {k.replace("__", "."): v.detach().numpy() for k, v in model.p.items()})

# --- config and tokenizer --------------------------------------------------------------------
config = {
    "architectures": ["GPT2Model"], "model_type": "gpt2", "vocab_size": V, "n_embd": D, "n_head": H,
    "n_layer": L, "n_positions": P, "n_inner": None, "activation_function": "gelu_new",
    "layer_norm_epsilon": 1e-5, "bos_token_id": VOCAB["<|endoftext|>"],
    "eos_token_id": VOCAB["<|endoftext|>"], "pad_token_id": VOCAB["[PAD]"], "tie_word_embeddings": True,
}
tokenizer = {
    "version": "1.0", "truncation": None, "padding": None,
    "added_tokens": [{"id": VOCAB[t], "content": t, "single_word": False, "lstrip": False,
                      "rstrip": False, "normalized": False, "special": True} for t in SPECIAL],
    "normalizer": None, "pre_tokenizer": {"type": "Whitespace"}, "post_processor": None,
    "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
    "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
              "max_input_chars_per_word": 100, "vocab": VOCAB},
}
tokenizer_config = {
    "tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": P, "padding_side": "left",
    "pad_token": "[PAD]", "unk_token": "[UNK]", "bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>",
    "chat_template": "{% for m in messages %}<|{{ m['role'] }}|> {{ m['content'] }} {% endfor %}",
}
for name, obj in [("config.json", config), ("tokenizer.json", tokenizer), ("tokenizer_config.json", tokenizer_config)]:
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")

# --- reference features: each text alone, positions 0..n-1, no padding ------------------------
texts = [
    "I love this movie .",
    "the plot was boring and the acting was bad",
    "<|user|> what do you think of the film ? <|assistant|> it was great fun !",
    "\n\nHuman: can you help me ?\n\nAssistant: sure",
    "ok",
]
rows = []
with torch.no_grad():
    for text in texts:
        tid = tokenize(text)
        x = torch.tensor([tid])
        hs = model(x, torch.ones_like(x), torch.arange(len(tid))[None])[0]
        rows.append({"text": text, "ids": tid, "last": hs[-1].tolist(), "mean": hs.mean(0).tolist()})
with open(os.path.join(HERE, "..", "test", "fixtures", "tiny-gpt2-expected.json"), "w") as f:
    json.dump({"model": "tiny-gpt2", "dim": D, "texts": rows}, f, indent=1)
    f.write("\n")
print("wrote", OUT, "vocab", V)
