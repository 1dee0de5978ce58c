"""PyTorch references for @va/lm's wasm SIMD kernels (csrc/), on slices of the shapes of the default
model, GPT-2-small, Llama-3.2-1B and Gemma-2B / Gemma-2-2B: the real hidden sizes, head sizes and
head counts, with short sequences. Each case's inputs come from a 32-bit xorshift generator that
test/simd-torch.test.ts reproduces bit for bit, so only the outputs are stored: the forward value
and the gradients of sum(output * r) (r also generated), in full when small, else every k-th value.

Run: /usr/bin/python3 packages/lm/scripts/kernel_fixtures.py
Writes test/fixtures/kernels/manifest.json and values.bin (little-endian float32).
"""

import json
import math
import os

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "fixtures", "kernels")
MAX_STORED = 768  # values kept per tensor (evenly strided beyond that)


def xorshift(seed, n, scale=1.0):
    """n floats in [-scale, scale): xorshift32 from seed, (x >> 8) / 2^24 * 2 - 1, as float32."""
    x = seed & 0xFFFFFFFF or 1
    out = [0.0] * n
    for i in range(n):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        out[i] = ((x >> 8) / 16777216.0 * 2 - 1) * scale
    return torch.tensor(out, dtype=torch.float64).to(torch.float32)


class Writer:
    def __init__(self):
        self.blob = bytearray()
        self.cases = []

    def tensor(self, t):
        flat = t.detach().reshape(-1).to(torch.float32)
        stride = max(1, math.ceil(flat.numel() / MAX_STORED))
        kept = flat[::stride]
        entry = {"offset": len(self.blob) // 4, "count": kept.numel(), "stride": stride, "size": flat.numel()}
        self.blob += kept.numpy().tobytes()
        return entry

    def case(self, name, kernel, params, inputs, f, seed):
        """inputs: {name: (shape, scale)}, generated from seed + 7919 * index; f(*inputs) -> output."""
        tensors = {}
        for i, (key, (shape, scale)) in enumerate(inputs.items()):
            n = math.prod(shape)
            tensors[key] = xorshift(seed + 7919 * i, n, scale).reshape(shape).requires_grad_(True)
        y = f(*tensors.values())
        r = xorshift(seed + 104729, y.numel()).reshape(y.shape)
        (y * r).sum().backward()
        self.cases.append({
            "name": name,
            "kernel": kernel,
            "params": params,
            "seed": seed,
            "inputs": {k: {"shape": list(s), "scale": sc} for k, (s, sc) in inputs.items()},
            "value": self.tensor(y),
            "grads": {k: self.tensor(t.grad) for k, t in tensors.items()},
        })


def bias_of(mask, t, window=None):
    """[b, 1, t, t] additive bias: 0 where a query sees a key (causal, not padding), else -1e9."""
    b = len(mask)
    out = torch.full((b, 1, t, t), -1e9)
    for i in range(b):
        for q in range(t):
            lo = max(0, q - window + 1) if window else 0
            for k in range(lo, q + 1):
                if mask[i][k]:
                    out[i, 0, q, k] = 0.0
    return out


def attention(q, k, v, bias, scale, cap):
    """HF eager attention on [b, h, t, hd] with repeat_kv for grouped heads."""
    rep = q.shape[1] // k.shape[1]
    k = k.repeat_interleave(rep, dim=1)
    v = v.repeat_interleave(rep, dim=1)
    s = (q @ k.transpose(-1, -2)) * scale
    if cap:
        s = torch.tanh(s / cap) * cap
    return torch.softmax(s + bias, -1) @ v


def heads(x, b, t, h, hd):
    return x.reshape(b, t, h, hd).transpose(1, 2)


def merge(o):
    b, h, t, hd = o.shape
    return o.transpose(1, 2).reshape(b * t, h * hd)


def main():
    w = Writer()
    models = {
        # name: hidden, heads, kv heads, head dim, MLP width slice, vocabulary, norm
        "default": dict(d=128, h=4, kv=4, hd=32, ff=512, vocab=2048, norm="layer"),
        "gpt2-small": dict(d=768, h=12, kv=12, hd=64, ff=3072, vocab=50257, norm="layer"),
        "llama-3.2-1b": dict(d=2048, h=32, kv=8, hd=64, ff=1024, vocab=128256, norm="rms"),
        "gemma-2b": dict(d=2048, h=8, kv=1, hd=256, ff=1024, vocab=256000, norm="gemma"),
    }
    seed = 1
    for name, m in models.items():
        d, h, kv, hd, ff = m["d"], m["h"], m["kv"], m["hd"], m["ff"]
        rows, t, b = 5, 4, 2
        seed += 100
        w.case(f"{name} linear", "linear", {}, {"x": ([rows, d], 1.0), "w": ([d, 40], 0.05), "b": ([40], 0.1)},
               lambda x, w_, b_: F.linear(x, w_.t(), b_), seed)
        seed += 100
        w.case(f"{name} head", "head", {}, {"x": ([3, d], 1.0), "table": ([97, d], 0.05)},
               lambda x, table: x @ table.t(), seed)
        seed += 100
        eps = 1e-5 if m["norm"] == "layer" else 1e-6
        if m["norm"] == "layer":
            w.case(f"{name} layernorm", "layerNorm", {"eps": eps},
                   {"x": ([rows, d], 2.0), "w": ([d], 1.0), "b": ([d], 0.5)},
                   lambda x, w_, b_: F.layer_norm(x, (d,), w_, b_, eps), seed)
            seed += 100
            w.case(f"{name} residual + layernorm", "addLayerNorm", {"eps": eps},
                   {"x": ([rows, d], 2.0), "delta": ([rows, d], 1.0), "w": ([d], 1.0), "b": ([d], 0.5)},
                   lambda x, delta, w_, b_: torch.cat([F.layer_norm(x + delta, (d,), w_, b_, eps), 0.5 * (x + delta)], 1), seed)
        else:
            off = 1.0 if m["norm"] == "gemma" else 0.0
            rms = lambda x, w_: x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * (w_ + off)
            w.case(f"{name} rmsnorm", "rmsNorm", {"eps": eps, "offset": off},
                   {"x": ([rows, d], 2.0), "w": ([d], 1.0)}, rms, seed)
            seed += 100
            w.case(f"{name} residual + rmsnorm", "addRmsNorm", {"eps": eps, "offset": off},
                   {"x": ([rows, d], 2.0), "delta": ([rows, d], 1.0), "w": ([d], 1.0)},
                   lambda x, delta, w_: torch.cat([rms(x + delta, w_), 0.5 * (x + delta)], 1), seed)
        seed += 100
        if name in ("default", "gpt2-small"):
            w.case(f"{name} gelu", "gelu", {}, {"x": ([rows, ff], 4.0)},
                   lambda x: F.gelu(x, approximate="tanh"), seed)
        else:
            kind = "silu" if name.startswith("llama") else "geluTanh"
            act = F.silu if kind == "silu" else (lambda z: F.gelu(z, approximate="tanh"))
            w.case(f"{name} gated ({kind})", "gated", {"kind": kind},
                   {"gate": ([rows, ff], 4.0), "up": ([rows, ff], 1.0)}, lambda gate, up: act(gate) * up, seed)
        seed += 100
        mask = [[0, 1, 1, 1], [1, 1, 1, 1]]
        bias = bias_of(mask, t)
        scale = 1 / math.sqrt(hd)
        cap = 50.0 if name.startswith("gemma") else 0.0
        params = {"batch": b, "time": t, "heads": h, "kvHeads": kv, "headDim": hd, "scale": scale,
                  "cap": cap, "mask": mask}
        if kv == h:
            # GPT-2: one packed [b * t, 3d] projection.
            def att(qkv):
                q, k, v = qkv.split(d, 1)
                return merge(attention(heads(q, b, t, h, hd), heads(k, b, t, h, hd), heads(v, b, t, h, hd),
                                       bias, scale, cap))
            w.case(f"{name} attention (packed q, k, v)", "attentionPacked", params,
                   {"qkv": ([b * t, 3 * d], 1.0)}, att, seed)
        else:
            def att(q, k, v):
                return merge(attention(heads(q, b, t, h, hd), heads(k, b, t, kv, hd), heads(v, b, t, kv, hd),
                                       bias, scale, cap))
            w.case(f"{name} attention ({kv} key heads)", "attention", params,
                   {"q": ([b * t, h * hd], 1.0), "k": ([b * t, kv * hd], 1.0), "v": ([b * t, kv * hd], 1.0)},
                   att, seed)
        seed += 100
        targets = [(7 + 1009 * i) % m["vocab"] for i in range(3)]
        w.case(f"{name} log-softmax pick", "pick", {"targets": targets}, {"logits": ([3, m["vocab"]], 8.0)},
               lambda logits: torch.log_softmax(logits, -1).gather(1, torch.tensor(targets)[:, None]).squeeze(1),
               seed)
        seed += 100
        # TRL's entropy_from_logits, logsumexp - sum(softmax * logits), in float64: in float32 its
        # two terms of about 20 cancel to a few units, and the sum over the vocabulary strays.
        def entropy(logits):
            x = logits.double()
            return (torch.logsumexp(x, -1) - (torch.softmax(x, -1) * x).sum(-1)).float()
        w.case(f"{name} entropy", "entropy", {}, {"logits": ([3, m["vocab"]], 8.0)}, entropy, seed)
    # AdamW: three steps of torch.optim.AdamW on a matrix (decayed) and a vector (not decayed).
    p = xorshift(9001, 6 * 50, 0.5).reshape(6, 50).requires_grad_(True)
    q = xorshift(9002, 70, 0.5).requires_grad_(True)
    opt = torch.optim.AdamW([{"params": [p], "weight_decay": 0.1}, {"params": [q], "weight_decay": 0.0}],
                            lr=1e-2, betas=(0.9, 0.95), eps=1e-8)
    steps = []
    for s in range(3):
        p.grad = xorshift(9100 + s, 300, 1.0).reshape(6, 50)
        q.grad = xorshift(9200 + s, 70, 1.0)
        opt.step()
        steps.append({"p": w.tensor(p), "q": w.tensor(q)})
    w.cases.append({"name": "AdamW, three steps", "kernel": "adamw",
                    "params": {"lr": 1e-2, "beta1": 0.9, "beta2": 0.95, "eps": 1e-8, "weightDecay": 0.1},
                    "seed": 9001, "steps": steps})
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "values.bin"), "wb") as f:
        f.write(bytes(w.blob))
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump({"torch": torch.__version__, "maxStored": MAX_STORED, "cases": w.cases}, f, indent=1)
        f.write("\n")
    print(f"{len(w.cases)} cases, {len(w.blob)} bytes")


if __name__ == "__main__":
    main()
