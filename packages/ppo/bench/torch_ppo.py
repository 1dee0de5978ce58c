"""PyTorch side of @va/ppo's benchmark: one PPO step of the same algorithm as PPOTrainer (TRL's
arithmetic), on a GPT-2 of the same shape: KV-cached sampling (temperature, top-k, top-p), the
reward, policy and reference log-probabilities and values, per-token rewards, GAE, whitening, PPO
epochs over shuffled minibatches with the clipped losses, Adam. CPU, torch 1.13.

bench/ppo.bench.ts runs it as a server, so that its steps interleave with the tfjs ones (a load that
comes and goes then hits both sides alike). One JSON request per line on stdin, one answer per line:
  {"op": "setup", "case": {...}}  builds the case's models and optimizer and runs a warm-up step
  {"op": "step", "threads": n}    one timed step on n threads: {"seconds": {phase: s}, "peakRssBytes"}
  {"op": "free"}                  drops the case
"""

import json
import math
import os
import resource
import sys
import time

import torch
import torch.nn.functional as F

LM = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lm")
sys.path.insert(0, os.path.join(LM, "scripts"))
sys.path.insert(0, os.path.join(LM, "bench"))
from torch_bench import cached_forward, init_weights, sample  # noqa: E402
from torch_reference import gpt2_forward  # noqa: E402


def masked_mean(x, m):
    return (x * m).sum() / m.sum()


def whiten(x, m, shift_mean=True):
    mean = masked_mean(x, m)
    var = masked_mean((x - mean) ** 2, m) * m.sum() / (m.sum() - 1)
    out = (x - mean) * torch.rsqrt(var + 1e-8)
    return out if shift_mean else out + mean


@torch.no_grad()
def generate(w, cfg, prompts, new, gen):
    b, p = prompts.shape
    cache = {}
    logits = cached_forward(w, cfg, prompts, torch.arange(p).expand(b, p), cache)
    out = []
    for n in range(new):
        tok = sample(logits, gen, temperature=1.0)
        out.append(tok)
        if n < new - 1:
            logits = cached_forward(w, cfg, tok, torch.full((b, 1), p + n), cache)
    return torch.cat(out, 1)


def logprobs_values(w, cfg, v_head, ids, p):
    """Log-probabilities of ids[:, p:] and the values of the positions that predict them."""
    mask = torch.ones_like(ids)
    logits, hidden = gpt2_forward(w, cfg, ids[:, :-1], mask[:, :-1])
    logits, hidden = logits[:, p - 1 :], hidden[:, p - 1 :]
    lp = torch.gather(logits.log_softmax(-1), 2, ids[:, p:, None]).squeeze(-1)
    return lp, (hidden @ v_head[0] + v_head[1]).squeeze(-1), logits


def ppo_step(w, ref, v_head, opt, cfg, case, gen, target):
    c = case
    b, p, new = c["batch"], c["prompt"], c["new"]
    t0 = time.perf_counter()
    prompts = torch.randint(0, cfg["vocab_size"], (b, p), generator=gen)
    resp = generate(w, cfg, prompts, new, gen)
    t1 = time.perf_counter()
    scores = (resp == target).float().sum(1)
    ids = torch.cat([prompts, resp], 1)
    with torch.no_grad():
        old, values, _ = logprobs_values(w, cfg, v_head, ids, p)
        ref_lp, _, _ = logprobs_values(ref, cfg, v_head, ids, p)
    t2 = time.perf_counter()
    m = torch.ones_like(old)
    rewards = -c["beta"] * c["variance"] * (old - ref_lp)
    rewards[:, -1] += scores
    adv_rev, last = [], 0
    for t in reversed(range(new)):
        nxt = values[:, t + 1] if t < new - 1 else 0.0
        delta = rewards[:, t] + nxt - values[:, t]
        last = delta + 0.95 * last
        adv_rev.append(last)
    adv = torch.stack(adv_rev[::-1], 1)
    returns = adv + values
    adv = whiten(adv, m)
    t3 = time.perf_counter()
    mb = c["miniBatch"]
    for _ in range(c["epochs"]):
        order = torch.randperm(b, generator=gen)
        for s in range(0, b, mb):
            i = order[s : s + mb]
            lp, vpred, logits = logprobs_values(w, cfg, v_head, ids[i], p)
            vclip = torch.max(torch.min(vpred, values[i] + 0.2), values[i] - 0.2)
            vf = 0.5 * masked_mean(torch.max((vpred - returns[i]) ** 2, (vclip - returns[i]) ** 2), m[i])
            ratio = torch.exp(lp - old[i])
            pg = masked_mean(torch.max(-adv[i] * ratio, -adv[i] * torch.clamp(ratio, 0.8, 1.2)), m[i])
            loss = pg + 0.1 * vf
            with torch.no_grad():  # the entropy stat, as TRL computes it
                lsm = logits.log_softmax(-1)
                masked_mean(-(lsm.exp() * lsm).sum(-1), m[i])
            opt.zero_grad()
            loss.backward()
            opt.step()
    t4 = time.perf_counter()
    return {"generate": t1 - t0, "forward": t2 - t1, "advantages": t3 - t2, "optimize": t4 - t3, "total": t4 - t0}


def main():
    state = None
    for line in sys.stdin:
        req = json.loads(line)
        if req["op"] == "setup":
            case = req["case"]
            gen = torch.Generator().manual_seed(0)
            cfg = case["config"]
            cfg.setdefault("layer_norm_epsilon", 1e-5)
            w = {k: t.requires_grad_(True) for k, t in init_weights(cfg, gen).items()}
            ref = {k: t.detach().clone() for k, t in w.items()}
            d = cfg["n_embd"]
            bound = 1 / math.sqrt(d)
            v_head = [(torch.rand(d, 1, generator=gen) * 2 - 1) * bound, (torch.rand(1, generator=gen) * 2 - 1) * bound]
            v_head = [t.requires_grad_(True) for t in v_head]
            opt = torch.optim.Adam(list(w.values()) + v_head, lr=case["lr"])
            state = (w, ref, v_head, opt, cfg, case, gen)
            torch.set_num_threads(1)
            ppo_step(w, ref, v_head, opt, cfg, case, gen, 5)  # warm-up
            answer = {"torch": torch.__version__}
        elif req["op"] == "step":
            torch.set_num_threads(req["threads"])
            w, ref, v_head, opt, cfg, case, gen = state
            seconds = ppo_step(w, ref, v_head, opt, cfg, case, gen, 5)
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
            answer = {"seconds": seconds, "peakRssBytes": peak}
        else:
            state = None
            answer = {}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
