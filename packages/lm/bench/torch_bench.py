"""PyTorch side of @va/lm's benchmark: a GPT-2 training step (forward, backward, AdamW) and KV-cached
sampling, with the architecture of scripts/torch_reference.py, on the CPU (torch 1.13).

bench/lm.bench.ts runs it as a server, so that its timings interleave with the tfjs ones (a load
that comes and goes then hits both sides alike). One JSON request per line on stdin, one JSON
answer per line on stdout:
  {"op": "setup", "case": {...}}  builds the case's model (and optimizer) and runs it once
  {"op": "time", "threads": n}    times one step (train) or one generation on n threads: {"seconds"}
  {"op": "free"}                  drops the case
"""

import json
import math
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
from torch_reference import gpt2_forward  # noqa: E402


def init_weights(cfg, gen):
    d, v, p, L = cfg["n_embd"], cfg["vocab_size"], cfg["n_positions"], cfg["n_layer"]
    f = 4 * d
    r = lambda *s, std=0.02: torch.randn(*s, generator=gen) * std
    w = {"wte.weight": r(v, d), "wpe.weight": r(p, d)}
    for i in range(L):
        h = f"h.{i}."
        w[h + "ln_1.weight"], w[h + "ln_1.bias"] = torch.ones(d), torch.zeros(d)
        w[h + "attn.c_attn.weight"], w[h + "attn.c_attn.bias"] = r(d, 3 * d), torch.zeros(3 * d)
        w[h + "attn.c_proj.weight"], w[h + "attn.c_proj.bias"] = r(d, d), torch.zeros(d)
        w[h + "ln_2.weight"], w[h + "ln_2.bias"] = torch.ones(d), torch.zeros(d)
        w[h + "mlp.c_fc.weight"], w[h + "mlp.c_fc.bias"] = r(d, f), torch.zeros(f)
        w[h + "mlp.c_proj.weight"], w[h + "mlp.c_proj.bias"] = r(f, d), torch.zeros(d)
    w["ln_f.weight"], w["ln_f.bias"] = torch.ones(d), torch.zeros(d)
    return w


def train_case(cfg, batch, seq, gen):
    """A function that runs one training step of a fresh model."""
    w = {k: t.requires_grad_(True) for k, t in init_weights(cfg, gen).items()}
    opt = torch.optim.AdamW(w.values(), lr=1e-4, betas=(0.9, 0.95), weight_decay=0.1)
    ids = torch.randint(0, cfg["vocab_size"], (batch, seq + 1), generator=gen)
    mask = torch.ones(batch, seq, dtype=torch.long)

    def step():
        logits, _ = gpt2_forward(w, cfg, ids[:, :-1], mask)
        loss = F.cross_entropy(logits.reshape(-1, cfg["vocab_size"]), ids[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(w.values(), 1.0)
        opt.step()

    return step


def ln(x, w, b, eps):
    return F.layer_norm(x, (x.shape[-1],), w, b, eps)


def cached_forward(w, cfg, ids, pos, cache):
    """GPT-2 on new tokens `ids` [B, T] at positions `pos` with a key/value cache (no padding)."""
    b, t = ids.shape
    d, nh = cfg["n_embd"], cfg["n_head"]
    hd = d // nh
    eps = cfg.get("layer_norm_epsilon", 1e-5)
    x = w["wte.weight"][ids] + w["wpe.weight"][pos]
    heads = lambda z: z.view(b, t, nh, hd).transpose(1, 2)
    for i in range(cfg["n_layer"]):
        h = f"h.{i}."
        a = ln(x, w[h + "ln_1.weight"], w[h + "ln_1.bias"], eps)
        q, k, v = (a @ w[h + "attn.c_attn.weight"] + w[h + "attn.c_attn.bias"]).split(d, -1)
        q, k, v = heads(q), heads(k), heads(v)
        if i in cache:
            k = torch.cat([cache[i][0], k], 2)
            v = torch.cat([cache[i][1], v], 2)
        cache[i] = (k, v)
        s = k.shape[2]
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(hd)
        causal = torch.ones(t, s, dtype=torch.bool).tril(s - t)
        scores = scores.masked_fill(~causal, float("-inf"))
        o = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, t, d)
        x = x + o @ w[h + "attn.c_proj.weight"] + w[h + "attn.c_proj.bias"]
        m = ln(x, w[h + "ln_2.weight"], w[h + "ln_2.bias"], eps)
        u = F.gelu(m @ w[h + "mlp.c_fc.weight"] + w[h + "mlp.c_fc.bias"], approximate="tanh")
        x = x + u @ w[h + "mlp.c_proj.weight"] + w[h + "mlp.c_proj.bias"]
    return ln(x, w["ln_f.weight"], w["ln_f.bias"], eps)[:, -1] @ w["wte.weight"].T


def sample(logits, gen, temperature=1.5, top_k=50, top_p=0.9):
    scores = logits / temperature
    kth = torch.topk(scores, min(top_k, scores.shape[-1]))[0][..., -1, None]
    scores = scores.masked_fill(scores < kth, -float("inf"))
    sorted_logits, idx = torch.sort(scores, descending=False)
    remove = sorted_logits.softmax(-1).cumsum(-1) <= (1 - top_p)
    remove[..., -1:] = False
    scores = scores.masked_fill(remove.scatter(1, idx, remove), -float("inf"))
    return torch.multinomial(scores.softmax(-1), 1, generator=gen)


def generate_case(cfg, batch, prompt, new, gen):
    """A function that samples `new` tokens after random prompts."""
    w = init_weights(cfg, gen)
    ids = torch.randint(0, cfg["vocab_size"], (batch, prompt), generator=gen)

    @torch.no_grad()
    def run():
        cache = {}
        logits = cached_forward(w, cfg, ids, torch.arange(prompt).expand(batch, prompt), cache)
        for n in range(new):
            tok = sample(logits, gen)
            if n == new - 1:
                break
            logits = cached_forward(w, cfg, tok, torch.full((batch, 1), prompt + n), cache)

    return run


def main():
    gen = torch.Generator().manual_seed(0)
    run = None
    for line in sys.stdin:
        req = json.loads(line)
        if req["op"] == "setup":
            case = req["case"]
            cfg = case["config"]
            if case["kind"] == "train":
                run = train_case(cfg, case["batch"], case["seq"], gen)
            else:
                run = generate_case(cfg, case["batch"], case["prompt"], case["new"], gen)
            run()  # warm-up (and the optimizer's state)
            answer = {"torch": torch.__version__, "cores": os.cpu_count()}
        elif req["op"] == "time":
            torch.set_num_threads(req["threads"])
            t = time.perf_counter()
            run()
            answer = {"seconds": time.perf_counter() - t}
        else:
            run = None
            answer = {}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
