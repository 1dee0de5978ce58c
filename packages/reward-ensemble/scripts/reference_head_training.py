"""Reference for the head trainer: K linear heads trained with the additive Bradley-Terry loss
L = sum_k mean_i -logsigmoid(w_k^T (h_c,i - h_r,i)) by torch.optim.AdamW under the Hugging Face
cosine-with-warmup schedule, full batch, in float64. Writes test/fixtures/head-training-reference.json.

Run: /usr/bin/python3 scripts/reference_head_training.py   (torch 1.13, numpy)
"""

import json
import math
import os

import numpy as np
import torch

rng = np.random.default_rng(7)
n, d, k, steps, warmup = 12, 5, 3, 20, 2
lr, wd = 0.05, 0.01
chosen = rng.normal(size=(n, d)).astype(np.float32)
rejected = rng.normal(size=(n, d)).astype(np.float32)
w0 = rng.normal(scale=0.3, size=(d, k))

diff = torch.tensor((chosen - rejected).astype(np.float32), dtype=torch.float64)  # float32 difference, as the trainer stores it
w = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
opt = torch.optim.AdamW([w], lr=lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=wd)


def cosine(step):  # transformers.get_cosine_schedule_with_warmup
    if step < warmup:
        return step / max(1, warmup)
    progress = (step - warmup) / max(1, steps - warmup)
    return max(0.0, 0.5 * (1.0 + math.cos(math.pi * progress)))


sched = torch.optim.lr_scheduler.LambdaLR(opt, cosine)
losses = []
for _ in range(steps):
    margins = diff @ w  # [n, k]
    per_member = -torch.nn.functional.logsigmoid(margins).mean(0)
    loss = per_member.sum()
    opt.zero_grad()
    loss.backward()
    opt.step()
    sched.step()
    losses.append(per_member.tolist())

out = {
    "chosen": chosen.tolist(), "rejected": rejected.tolist(), "w0": w0.tolist(),
    "config": {"learningRate": lr, "weightDecay": wd, "epochs": steps, "batchSize": n,
               "warmupRatio": warmup / steps, "schedule": "cosine", "validationFraction": 0},
    "finalWeight": w.detach().numpy().tolist(), "memberLosses": losses,
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "head-training-reference.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print("wrote", path)
