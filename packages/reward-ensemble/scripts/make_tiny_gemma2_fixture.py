"""Writes the tiny Gemma 2 fixture that checks the ONNX path for Gemma (transformers.js) against the
@va/lm path on the same weights, and both against PyTorch.

A 3-layer, 16-wide Gemma 2 (multi-query, head_dim 8, query_pre_attn_scalar 8, soft-caps, a window
of 4 on layers 0 and 2) over @va/lm's tiny Gemma-format tokenizer, computed by @va/lm's independent
PyTorch reference (packages/lm/scripts/torch_reference.py, gemma_forward), in two forms:
  - the transformers.js ONNX layout: config.json, the tokenizer files, onnx/model.onnx (inputs
    input_ids, attention_mask, position_ids; output last_hidden_state), as an optimum
    `feature-extraction` export of google/gemma-2-2b-it has them;
  - model.safetensors with Hugging Face's Gemma 2 names, for the @va/lm backbone.
Then, for a few token-id rows, each alone, the final hidden state of the last token and the mean,
into tiny-gemma2-expected.json.

Run: /usr/bin/python3 scripts/make_tiny_gemma2_fixture.py   (torch 1.13; no other package)
"""

import json
import os
import shutil
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
LM_SCRIPTS = os.path.join(HERE, "..", "..", "lm", "scripts")
sys.path.insert(0, LM_SCRIPTS)
from torch_reference import gemma_forward, gemma_weights, write_safetensors  # noqa: E402

OUT = os.path.join(HERE, "..", "test", "fixtures", "tiny-gemma2")
TOKENIZER = os.path.join(HERE, "..", "..", "lm", "test", "fixtures", "tokenizers", "gemma")
os.makedirs(os.path.join(OUT, "onnx"), exist_ok=True)

vocab = json.load(open(os.path.join(TOKENIZER, "tokenizer.json"), encoding="utf-8"))["model"]["vocab"]
CONFIG = {
    "architectures": ["Gemma2ForCausalLM"], "model_type": "gemma2", "vocab_size": len(vocab),
    "hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 3, "num_attention_heads": 2,
    "num_key_value_heads": 1, "head_dim": 8, "hidden_activation": "gelu_pytorch_tanh",
    "max_position_embeddings": 256, "rms_norm_eps": 1e-6, "rope_theta": 10000.0, "query_pre_attn_scalar": 8,
    "sliding_window": 4, "attn_logit_softcapping": 2.0, "final_logit_softcapping": 3.0,
    "tie_word_embeddings": True, "bos_token_id": 2, "eos_token_id": [1, 6], "pad_token_id": 0,
}
weights = gemma_weights(CONFIG, torch.Generator().manual_seed(8))


class TinyGemma2(torch.nn.Module):
    def forward(self, input_ids, attention_mask, position_ids):
        # gemma_forward computes positions from the mask, as transformers.js does for the export.
        del position_ids
        return gemma_forward(weights, CONFIG, input_ids, attention_mask)[1]


ids = torch.tensor([[2, 5, 311, 263, 308], [2, 5, 311, 263, 0]])
mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 1, 0]])
torch.onnx.export(
    TinyGemma2(), (ids, mask, (mask.cumsum(-1) - 1).clamp(min=0)), os.path.join(OUT, "onnx", "model.onnx"),
    input_names=["input_ids", "attention_mask", "position_ids"], output_names=["last_hidden_state"],
    dynamic_axes={n: {0: "batch_size", 1: "sequence_length"}
                  for n in ["input_ids", "attention_mask", "position_ids", "last_hidden_state"]},
    opset_version=14,
)
write_safetensors(os.path.join(OUT, "model.safetensors"), weights)
with open(os.path.join(OUT, "config.json"), "w") as f:
    json.dump(CONFIG, f, indent=1)
    f.write("\n")
for name in ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "generation_config.json"]:
    shutil.copyfile(os.path.join(TOKENIZER, name), os.path.join(OUT, name))

# Rows of ids (what both backbones produce for the test's dialogues), each run alone.
rows = [
    [2, 5, 311, 263, 308, 304, 6, 263, 5, 314, 263, 284, 298, 304, 317, 6, 263],
    [2, 5, 311, 263, 308, 6, 263, 5, 314, 263, 291, 202, 176, 6, 263],
    [2, 308, 304],
]
expected = []
with torch.no_grad():
    for row in rows:
        x = torch.tensor([row])
        hs = gemma_forward(weights, CONFIG, x, torch.ones_like(x))[1][0]
        expected.append({"ids": row, "last": hs[-1].tolist(), "mean": hs.mean(0).tolist()})
with open(os.path.join(HERE, "..", "test", "fixtures", "tiny-gemma2-expected.json"), "w") as f:
    json.dump({"model": "tiny-gemma2", "dim": CONFIG["hidden_size"], "rows": expected}, f, indent=1)
    f.write("\n")
print("wrote", OUT)
