"""Independent PyTorch reference for @va/lm's models, written from the architectures' definitions
(GPT-2: Radford et al. 2019 / HF modeling_gpt2; Llama family: RMSNorm, rotary with rotate_half, GQA,
SwiGLU as HF modeling_llama / modeling_qwen2 / modeling_mistral compute them; Gemma, Gemma 2 and
Gemma 3 text: (1 + w) RMSNorm, scaled embeddings, GeGLU, soft-capping, sliding layers, as HF
modeling_gemma / modeling_gemma2 / modeling_gemma3 compute them).

Writes tiny random checkpoints in exactly the Hugging Face layout (config.json + model.safetensors,
the safetensors bytes written by hand: torch 1.13 has no safetensors package) plus input ids,
expected logits, hidden states and gradients, to test/fixtures/<name>/.
Also writes HF's sampling warpers' outputs (temperature, top-k, top-p) to test/fixtures/sampling.json.

Run: /usr/bin/python3 packages/lm/scripts/torch_reference.py          (everything)
     /usr/bin/python3 packages/lm/scripts/torch_reference.py gemma    (the Gemma fixtures only)
"""

import json
import math
import os
import struct

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float32)
HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "test", "fixtures")
NEG = torch.finfo(torch.float32).min


def write_safetensors(path, tensors, metadata=None):
    """8-byte little-endian header length, JSON header, raw little-endian F32 data."""
    header = {}
    blobs = []
    offset = 0
    for name, t in tensors.items():
        data = t.detach().contiguous().to(torch.float32).numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = metadata or {"format": "pt"}
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def positions_from_mask(mask):
    pos = mask.long().cumsum(-1) - 1
    return pos.masked_fill(mask == 0, 1)


def attention_bias(mask, window=None):
    """[B, 1, T, T] additive: 0 where key <= query, key is real, and within the window."""
    b, t = mask.shape
    q = torch.arange(t)[:, None]
    k = torch.arange(t)[None, :]
    allowed = (k <= q)[None, :, :] & (mask[:, None, :] == 1)
    if window is not None:
        allowed = allowed & ((q - k) < window)[None]
    bias = torch.zeros(b, 1, t, t)
    return bias.masked_fill(~allowed[:, None], NEG)


def sdpa(q, k, v, bias, scale):
    scores = (q @ k.transpose(-1, -2)) * scale + bias
    return scores.softmax(-1) @ v


# ----------------------------------------------------------------------------------------------
# GPT-2
# ----------------------------------------------------------------------------------------------

def gpt2_weights(cfg, gen):
    d, f, v, p = cfg["n_embd"], 4 * cfg["n_embd"], cfg["vocab_size"], cfg["n_positions"]
    r = lambda *s, std=0.3: torch.randn(*s, generator=gen) * std
    w = {"wte.weight": r(v, d), "wpe.weight": r(p, d, std=0.1)}
    for i in range(cfg["n_layer"]):
        h = f"h.{i}."
        w[h + "ln_1.weight"] = 1 + r(d, std=0.1)
        w[h + "ln_1.bias"] = r(d, std=0.1)
        w[h + "attn.c_attn.weight"] = r(d, 3 * d)  # Conv1D: [in, out]
        w[h + "attn.c_attn.bias"] = r(3 * d, std=0.1)
        w[h + "attn.c_proj.weight"] = r(d, d)
        w[h + "attn.c_proj.bias"] = r(d, std=0.1)
        w[h + "ln_2.weight"] = 1 + r(d, std=0.1)
        w[h + "ln_2.bias"] = r(d, std=0.1)
        w[h + "mlp.c_fc.weight"] = r(d, f)
        w[h + "mlp.c_fc.bias"] = r(f, std=0.1)
        w[h + "mlp.c_proj.weight"] = r(f, d)
        w[h + "mlp.c_proj.bias"] = r(d, std=0.1)
    w["ln_f.weight"] = 1 + r(d, std=0.1)
    w["ln_f.bias"] = r(d, std=0.1)
    return w


def gpt2_forward(w, cfg, ids, mask):
    b, t = ids.shape
    d, nh = cfg["n_embd"], cfg["n_head"]
    hd = d // nh
    eps = cfg["layer_norm_epsilon"]
    x = w["wte.weight"][ids] + w["wpe.weight"][positions_from_mask(mask)]
    bias = attention_bias(mask)
    heads = lambda z: z.view(b, t, nh, hd).transpose(1, 2)
    for i in range(cfg["n_layer"]):
        h = f"h.{i}."
        a = F.layer_norm(x, (d,), w[h + "ln_1.weight"], w[h + "ln_1.bias"], eps)
        q, k, v = (a @ w[h + "attn.c_attn.weight"] + w[h + "attn.c_attn.bias"]).split(d, -1)
        o = sdpa(heads(q), heads(k), heads(v), bias, 1 / math.sqrt(hd))
        o = o.transpose(1, 2).reshape(b, t, d)
        x = x + o @ w[h + "attn.c_proj.weight"] + w[h + "attn.c_proj.bias"]
        m = F.layer_norm(x, (d,), w[h + "ln_2.weight"], w[h + "ln_2.bias"], eps)
        u = F.gelu(m @ w[h + "mlp.c_fc.weight"] + w[h + "mlp.c_fc.bias"], approximate="tanh")
        x = x + u @ w[h + "mlp.c_proj.weight"] + w[h + "mlp.c_proj.bias"]
    hidden = F.layer_norm(x, (d,), w["ln_f.weight"], w["ln_f.bias"], eps)
    return hidden @ w["wte.weight"].T, hidden


# ----------------------------------------------------------------------------------------------
# Llama family (Llama, Qwen2, Mistral)
# ----------------------------------------------------------------------------------------------

def llama_dims(cfg):
    nh = cfg["num_attention_heads"]
    nkv = cfg.get("num_key_value_heads") or nh
    hd = cfg.get("head_dim") or cfg["hidden_size"] // nh
    return nh, nkv, hd


def llama_biases(cfg):
    qkv = cfg["model_type"] == "qwen2" or cfg.get("attention_bias", False)
    o = cfg["model_type"] != "qwen2" and cfg.get("attention_bias", False)
    return qkv, o


def llama_weights(cfg, gen):
    d, f, v = cfg["hidden_size"], cfg["intermediate_size"], cfg["vocab_size"]
    nh, nkv, hd = llama_dims(cfg)
    qkv_bias, o_bias = llama_biases(cfg)
    r = lambda *s, std=0.3: torch.randn(*s, generator=gen) * std
    w = {"model.embed_tokens.weight": r(v, d, std=0.5)}
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        w[p + "input_layernorm.weight"] = 1 + r(d, std=0.1)
        for name, width in (("q_proj", nh * hd), ("k_proj", nkv * hd), ("v_proj", nkv * hd)):
            w[p + f"self_attn.{name}.weight"] = r(width, d)  # nn.Linear: [out, in]
            if qkv_bias:
                w[p + f"self_attn.{name}.bias"] = r(width, std=0.1)
        w[p + "self_attn.o_proj.weight"] = r(d, nh * hd)
        if o_bias:
            w[p + "self_attn.o_proj.bias"] = r(d, std=0.1)
        w[p + "post_attention_layernorm.weight"] = 1 + r(d, std=0.1)
        w[p + "mlp.gate_proj.weight"] = r(f, d)
        w[p + "mlp.up_proj.weight"] = r(f, d)
        w[p + "mlp.down_proj.weight"] = r(d, f)
    w["model.norm.weight"] = 1 + r(d, std=0.1)
    if not cfg.get("tie_word_embeddings", False):
        w["lm_head.weight"] = r(v, d)
    return w


def inv_freq(cfg):
    _, _, hd = llama_dims(cfg)
    base = cfg.get("rope_theta", 10000.0)
    inv = 1.0 / (base ** (torch.arange(0, hd, 2, dtype=torch.int64).float() / hd))
    rs = cfg.get("rope_scaling")
    if not rs:
        return inv
    kind = rs.get("rope_type", rs.get("type"))
    if kind == "linear":
        return inv / rs["factor"]
    assert kind == "llama3"
    factor, low, high = rs["factor"], rs["low_freq_factor"], rs["high_freq_factor"]
    old = rs["original_max_position_embeddings"]
    low_wavelen, high_wavelen = old / low, old / high
    wavelen = 2 * math.pi / inv
    out = torch.where(wavelen > low_wavelen, inv / factor, inv)
    smooth = (old / wavelen - low) / (high - low)
    smoothed = (1 - smooth) * out / factor + smooth * out
    medium = ~(wavelen < high_wavelen) * ~(wavelen > low_wavelen)
    return torch.where(medium, smoothed, out)


def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2 :]
    return torch.cat((-x2, x1), dim=-1)


def rms_norm(x, weight, eps):
    return weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))


def llama_forward(w, cfg, ids, mask):
    b, t = ids.shape
    d = cfg["hidden_size"]
    nh, nkv, hd = llama_dims(cfg)
    eps = cfg["rms_norm_eps"]
    pos = positions_from_mask(mask)
    freqs = pos[:, :, None].float() * inv_freq(cfg)[None, None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos()[:, None], emb.sin()[:, None]  # [B, 1, T, hd]
    bias = attention_bias(mask, cfg.get("sliding_window"))
    lin = lambda x, name: x @ w[name + ".weight"].T + (w[name + ".bias"] if name + ".bias" in w else 0)
    heads = lambda z, n: z.view(b, t, n, hd).transpose(1, 2)
    x = w["model.embed_tokens.weight"][ids]
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        a = rms_norm(x, w[p + "input_layernorm.weight"], eps)
        q = heads(lin(a, p + "self_attn.q_proj"), nh)
        k = heads(lin(a, p + "self_attn.k_proj"), nkv)
        v = heads(lin(a, p + "self_attn.v_proj"), nkv)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = torch.repeat_interleave(k, nh // nkv, dim=1)
        v = torch.repeat_interleave(v, nh // nkv, dim=1)
        o = sdpa(q, k, v, bias, hd ** -0.5).transpose(1, 2).reshape(b, t, nh * hd)
        x = x + lin(o, p + "self_attn.o_proj")
        m = rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        x = x + lin(F.silu(lin(m, p + "mlp.gate_proj")) * lin(m, p + "mlp.up_proj"), p + "mlp.down_proj")
    hidden = rms_norm(x, w["model.norm.weight"], eps)
    head = w["model.embed_tokens.weight"] if cfg.get("tie_word_embeddings", False) else w["lm_head.weight"]
    return hidden @ head.T, hidden


# ----------------------------------------------------------------------------------------------
# Gemma family (Gemma, Gemma 2, Gemma 3 text), as HF modeling_gemma / gemma2 / gemma3 compute them
# ----------------------------------------------------------------------------------------------

def gemma_rms_norm(x, weight, eps):
    """GemmaRMSNorm: normalised in float32, then scaled by (1 + weight) (weights are centred on 0)."""
    x32 = x.float()
    out = x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + eps)
    return (out * (1.0 + weight.float())).type_as(x)


def gemma_sliding(cfg):
    """Which layers attend through the sliding window: Gemma none, Gemma 2 the even layers,
    Gemma 3 every layer but each `sliding_window_pattern`-th (or `layer_types` where given)."""
    n, kind = cfg["num_hidden_layers"], cfg["model_type"]
    if kind == "gemma" or cfg.get("sliding_window") is None:
        return [False] * n
    if cfg.get("layer_types"):
        return [t == "sliding_attention" for t in cfg["layer_types"]]
    if kind == "gemma2":
        return [not bool(i % 2) for i in range(n)]
    return [bool((i + 1) % cfg.get("sliding_window_pattern", 6)) for i in range(n)]


def gemma_weights(cfg, gen):
    d, f, v = cfg["hidden_size"], cfg["intermediate_size"], cfg["vocab_size"]
    nh, nkv, hd = llama_dims(cfg)
    r = lambda *s, std=0.3: torch.randn(*s, generator=gen) * std
    later = cfg["model_type"] != "gemma"
    w = {"model.embed_tokens.weight": r(v, d, std=0.5)}
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        w[p + "input_layernorm.weight"] = r(d, std=0.2)  # (1 + w): around 0
        w[p + "self_attn.q_proj.weight"] = r(nh * hd, d)
        w[p + "self_attn.k_proj.weight"] = r(nkv * hd, d)
        w[p + "self_attn.v_proj.weight"] = r(nkv * hd, d)
        w[p + "self_attn.o_proj.weight"] = r(d, nh * hd)
        if cfg["model_type"] == "gemma3_text":
            w[p + "self_attn.q_norm.weight"] = r(hd, std=0.2)
            w[p + "self_attn.k_norm.weight"] = r(hd, std=0.2)
        w[p + "post_attention_layernorm.weight"] = r(d, std=0.2)
        if later:
            w[p + "pre_feedforward_layernorm.weight"] = r(d, std=0.2)
            w[p + "post_feedforward_layernorm.weight"] = r(d, std=0.2)
        w[p + "mlp.gate_proj.weight"] = r(f, d)
        w[p + "mlp.up_proj.weight"] = r(f, d)
        w[p + "mlp.down_proj.weight"] = r(d, f)
    w["model.norm.weight"] = r(d, std=0.2)
    return w  # tied: no lm_head.weight


def softcap(x, cap):
    return torch.tanh(x / cap) * cap if cap is not None else x


def gemma_forward(w, cfg, ids, mask):
    b, t = ids.shape
    d = cfg["hidden_size"]
    nh, nkv, hd = llama_dims(cfg)
    eps = cfg["rms_norm_eps"]
    kind = cfg["model_type"]
    later = kind != "gemma"
    # hidden_activation null means gelu_pytorch_tanh; hidden_act is ignored (HF's GemmaMLP).
    act = cfg.get("hidden_activation") or "gelu_pytorch_tanh"
    gelu = (lambda z: F.gelu(z)) if act == "gelu" else (lambda z: F.gelu(z, approximate="tanh"))
    scaling = (cfg.get("query_pre_attn_scalar") or hd) ** -0.5 if later else hd ** -0.5
    attn_cap = cfg.get("attn_logit_softcapping") if later else None
    final_cap = cfg.get("final_logit_softcapping") if later else None
    pos = positions_from_mask(mask)

    def rope(c):
        freqs = pos[:, :, None].float() * inv_freq(c)[None, None, :]
        emb = torch.cat((freqs, freqs), dim=-1)
        return emb.cos()[:, None], emb.sin()[:, None]  # [B, 1, T, hd]

    global_rope = rope(cfg)
    local_rope = global_rope
    if kind == "gemma3_text":  # sliding layers: their own base, no scaling
        local_rope = rope({**cfg, "rope_theta": cfg.get("rope_local_base_freq", 10000.0), "rope_scaling": None})
    sliding = gemma_sliding(cfg)
    full_bias = attention_bias(mask)
    window_bias = attention_bias(mask, cfg.get("sliding_window"))
    lin = lambda x, name: x @ w[name + ".weight"].T
    heads = lambda z, n: z.view(b, t, n, hd).transpose(1, 2)
    # The normalizer is a tensor of the hidden states' dtype: sqrt(hidden) rounded to float32.
    x = w["model.embed_tokens.weight"][ids] * torch.tensor(d ** 0.5, dtype=torch.float32)
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        a = gemma_rms_norm(x, w[p + "input_layernorm.weight"], eps)
        q = heads(lin(a, p + "self_attn.q_proj"), nh)
        k = heads(lin(a, p + "self_attn.k_proj"), nkv)
        v = heads(lin(a, p + "self_attn.v_proj"), nkv)
        if kind == "gemma3_text":
            q = gemma_rms_norm(q, w[p + "self_attn.q_norm.weight"], eps)
            k = gemma_rms_norm(k, w[p + "self_attn.k_norm.weight"], eps)
        cos, sin = local_rope if sliding[i] else global_rope
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        # HF's repeat_kv (expand + reshape; it also exports to ONNX with dynamic shapes).
        k = k[:, :, None].expand(b, nkv, nh // nkv, t, hd).reshape(b, nh, t, hd)
        v = v[:, :, None].expand(b, nkv, nh // nkv, t, hd).reshape(b, nh, t, hd)
        # HF's eager attention: scale, soft-cap, then the (sliding or full) causal mask.
        scores = softcap((q @ k.transpose(-1, -2)) * scaling, attn_cap)
        scores = scores + (window_bias if sliding[i] else full_bias)
        o = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, t, nh * hd)
        o = lin(o, p + "self_attn.o_proj")
        if later:
            x = x + gemma_rms_norm(o, w[p + "post_attention_layernorm.weight"], eps)
            m = gemma_rms_norm(x, w[p + "pre_feedforward_layernorm.weight"], eps)
        else:
            x = x + o
            m = gemma_rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        h = lin(gelu(lin(m, p + "mlp.gate_proj")) * lin(m, p + "mlp.up_proj"), p + "mlp.down_proj")
        if later:
            h = gemma_rms_norm(h, w[p + "post_feedforward_layernorm.weight"], eps)
        x = x + h
    hidden = gemma_rms_norm(x, w["model.norm.weight"], eps)
    return softcap(hidden @ w["model.embed_tokens.weight"].T, final_cap), hidden


# ----------------------------------------------------------------------------------------------
# Fixtures
# ----------------------------------------------------------------------------------------------

def rounded(t):
    return [round(float(x), 7) for x in t.detach().reshape(-1).tolist()]


def write_case(name, cfg, weights_fn, forward, saved_names, grad_names, seed, extra=None):
    out = os.path.join(FIXTURES, name)
    os.makedirs(out, exist_ok=True)
    gen = torch.Generator().manual_seed(seed)
    w = weights_fn(cfg, gen)
    v, t = cfg["vocab_size"], 7
    ids = torch.randint(0, v, (2, t), generator=gen)
    full = torch.ones(2, t, dtype=torch.long)
    # Row 1 left-padded by 3: its last 4 tokens are ids[1, 3:], pad id 0 in front.
    pad_ids = ids.clone()
    pad_ids[1, :3] = 0
    pad_mask = full.clone()
    pad_mask[1, :3] = 0
    logits, hidden = forward(w, cfg, ids, full)
    plogits, phidden = forward(w, cfg, pad_ids, pad_mask)
    # Gradient of the mean next-token cross-entropy of `ids`.
    params = {k: x.clone().requires_grad_(True) for k, x in w.items()}
    lg, _ = forward(params, cfg, ids, full)
    loss = F.cross_entropy(lg[:, :-1].reshape(-1, v), ids[:, 1:].reshape(-1))
    loss.backward()
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    tensors = {saved_names(k): x for k, x in w.items()}
    tensors.update(extra or {})
    write_safetensors(os.path.join(out, "model.safetensors"), tensors)
    expected = {
        "inputIds": ids.tolist(),
        "logits": rounded(logits),
        "hiddenStates": rounded(hidden),
        "paddedInputIds": pad_ids.tolist(),
        "paddedMask": pad_mask.tolist(),
        "paddedLogits": rounded(plogits),
        "loss": float(loss),
        "grads": {k: rounded(params[k].grad) for k in grad_names},
    }
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(expected, f, separators=(",", ":"))
    print(name, "loss", float(loss), "files", sorted(os.listdir(out)))


def hf_warp(scores, temperature, top_k, top_p, keep=1):
    """HF's TemperatureLogitsWarper, TopKLogitsWarper, TopPLogitsWarper, transcribed."""
    scores = scores / temperature
    if top_k > 0:
        k = min(max(top_k, keep), scores.size(-1))
        remove = scores < torch.topk(scores, k)[0][..., -1, None]
        scores = scores.masked_fill(remove, -float("inf"))
    if top_p < 1.0:
        sorted_logits, sorted_idx = torch.sort(scores, descending=False)
        cum = sorted_logits.softmax(dim=-1).cumsum(dim=-1)
        sorted_remove = cum <= (1 - top_p)
        sorted_remove[..., -keep:] = 0
        remove = sorted_remove.scatter(1, sorted_idx, sorted_remove)
        scores = scores.masked_fill(remove, -float("inf"))
    return scores


def write_sampling():
    gen = torch.Generator().manual_seed(7)
    logits = (torch.randn(3, 40, generator=gen) * 2).double()
    cases = []
    for temperature, top_k, top_p in ((1.5, 5, 0.9), (1.0, 0, 0.5), (0.7, 10, 1.0), (1.5, 50, 0.9)):
        lp = hf_warp(logits, temperature, top_k, top_p).log_softmax(-1)
        cases.append({
            "temperature": temperature,
            "topK": top_k,
            "topP": top_p,
            "logprobs": [[None if math.isinf(x) else round(x, 10) for x in row] for row in lp.tolist()],
        })
    with open(os.path.join(FIXTURES, "sampling.json"), "w") as f:
        json.dump({"logits": logits.tolist(), "cases": cases}, f, separators=(",", ":"))
    print("sampling.json", len(cases), "cases")


def write_adamw():
    """torch.optim.AdamW on fixed gradients, and clip_grad_norm_, as references for adamw.ts."""
    gen = torch.Generator().manual_seed(11)
    params = [torch.randn(3, 4, generator=gen), torch.randn(5, generator=gen)]
    start = [p.tolist() for p in params]
    grads = [[torch.randn(p.shape, generator=gen) for p in params] for _ in range(3)]
    ps = [p.clone().requires_grad_(True) for p in params]
    opt = torch.optim.AdamW(ps, lr=0.01, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.1)
    after = []
    for step_grads in grads:
        for p, g in zip(ps, step_grads):
            p.grad = g.clone()
        opt.step()
        after.append([p.detach().tolist() for p in ps])
    clip = [g.clone() for g in grads[0]]
    for p, g in zip(ps, clip):
        p.grad = g
    norm = torch.nn.utils.clip_grad_norm_(ps, 0.5)
    out = {
        "start": start,
        "grads": [[g.tolist() for g in gs] for gs in grads],
        "after": after,
        "clipNorm": float(norm),
        "clipped": [p.grad.tolist() for p in ps],
    }
    with open(os.path.join(FIXTURES, "adamw.json"), "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print("adamw.json")


def main():
    torch.manual_seed(0)
    gpt2 = {
        "model_type": "gpt2", "architectures": ["GPT2LMHeadModel"], "vocab_size": 40, "n_positions": 16,
        "n_embd": 16, "n_layer": 2, "n_head": 4, "n_inner": None, "activation_function": "gelu_new",
        "layer_norm_epsilon": 1e-5, "bos_token_id": 39, "eos_token_id": 39,
    }
    # As the hub's gpt2 file: unprefixed names plus the causal-mask buffers, which loaders skip.
    p = gpt2["n_positions"]
    buffers = {f"h.{i}.attn.bias": torch.tril(torch.ones(p, p)).view(1, 1, p, p) for i in range(2)}
    write_case("gpt2-tiny", gpt2, gpt2_weights, gpt2_forward, lambda k: k,
               ["h.0.attn.c_attn.weight", "wte.weight", "h.1.mlp.c_fc.bias"], seed=1, extra=buffers)
    qwen2 = {
        "model_type": "qwen2", "architectures": ["Qwen2ForCausalLM"], "vocab_size": 48, "hidden_size": 24,
        "intermediate_size": 40, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
        "max_position_embeddings": 64, "rms_norm_eps": 1e-6, "rope_theta": 1000000.0, "tie_word_embeddings": True,
        "use_sliding_window": False, "hidden_act": "silu", "bos_token_id": 46, "eos_token_id": 47,
    }
    write_case("qwen2-tiny", qwen2, llama_weights, llama_forward, lambda k: k,
               ["model.layers.0.self_attn.q_proj.weight", "model.layers.0.self_attn.k_proj.bias",
                "model.embed_tokens.weight"], seed=2)
    llama = {
        "model_type": "llama", "architectures": ["LlamaForCausalLM"], "vocab_size": 48, "hidden_size": 24,
        "intermediate_size": 40, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 1,
        "head_dim": 8, "max_position_embeddings": 64, "rms_norm_eps": 1e-5, "rope_theta": 500000.0,
        "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                         "original_max_position_embeddings": 8},
        "attention_bias": True, "tie_word_embeddings": False, "hidden_act": "silu",
        "bos_token_id": 1, "eos_token_id": [2, 3],
    }
    write_case("llama-tiny", llama, llama_weights, llama_forward, lambda k: k,
               ["model.layers.1.self_attn.o_proj.weight", "lm_head.weight"], seed=3)
    mistral = {
        "model_type": "mistral", "architectures": ["MistralForCausalLM"], "vocab_size": 48, "hidden_size": 24,
        "intermediate_size": 40, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
        "max_position_embeddings": 64, "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "sliding_window": 3,
        "tie_word_embeddings": False, "hidden_act": "silu", "bos_token_id": 1, "eos_token_id": 2,
    }
    write_case("mistral-tiny", mistral, llama_weights, llama_forward, lambda k: k,
               ["model.layers.0.mlp.down_proj.weight"], seed=4)
    write_gemma_cases()
    write_sampling()
    write_adamw()


def write_gemma_cases():
    # Gemma-2B-shaped: multi-query, head_dim 8 != 24 / 4, config.json's "hidden_act": "gelu" ignored.
    gemma = {
        "model_type": "gemma", "architectures": ["GemmaForCausalLM"], "vocab_size": 48, "hidden_size": 24,
        "intermediate_size": 40, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 1,
        "head_dim": 8, "hidden_act": "gelu", "hidden_activation": None, "max_position_embeddings": 64,
        "rms_norm_eps": 1e-6, "rope_theta": 10000.0, "attention_bias": False, "tie_word_embeddings": True,
        "bos_token_id": 2, "eos_token_id": 1, "pad_token_id": 0,
    }
    write_case("gemma-tiny", gemma, gemma_weights, gemma_forward, lambda k: k,
               ["model.layers.0.self_attn.q_proj.weight", "model.layers.1.input_layernorm.weight",
                "model.embed_tokens.weight"], seed=5)
    # Gemma 2: GQA 4/2, head_dim 12, query_pre_attn_scalar 10 != head_dim, both soft-caps low enough
    # to bend, a window of 3 on layers 0 and 2 (7 tokens: it cuts), layer 1 global.
    gemma2 = {
        "model_type": "gemma2", "architectures": ["Gemma2ForCausalLM"], "vocab_size": 48, "hidden_size": 24,
        "intermediate_size": 40, "num_hidden_layers": 3, "num_attention_heads": 4, "num_key_value_heads": 2,
        "head_dim": 12, "hidden_activation": "gelu_pytorch_tanh", "max_position_embeddings": 64,
        "rms_norm_eps": 1e-6, "rope_theta": 10000.0, "query_pre_attn_scalar": 10, "sliding_window": 3,
        "attn_logit_softcapping": 2.0, "final_logit_softcapping": 3.0, "tie_word_embeddings": True,
        "cache_implementation": "hybrid", "bos_token_id": 2, "eos_token_id": [1, 45], "pad_token_id": 0,
    }
    write_case("gemma2-tiny", gemma2, gemma_weights, gemma_forward, lambda k: k,
               ["model.layers.0.self_attn.k_proj.weight", "model.layers.2.post_feedforward_layernorm.weight",
                "model.layers.1.pre_feedforward_layernorm.weight", "model.norm.weight",
                "model.embed_tokens.weight"], seed=6)
    # Gemma 3 text: q/k head norms, layers 0 and 1 slide (pattern 3) with their own rotary base,
    # layer 2 global with linear rope scaling.
    gemma3 = {
        "model_type": "gemma3_text", "architectures": ["Gemma3ForCausalLM"], "vocab_size": 48,
        "hidden_size": 24, "intermediate_size": 40, "num_hidden_layers": 3, "num_attention_heads": 4,
        "num_key_value_heads": 2, "head_dim": 8, "hidden_activation": "gelu_pytorch_tanh",
        "max_position_embeddings": 64, "rms_norm_eps": 1e-6, "rope_theta": 1000000.0,
        "rope_scaling": {"rope_type": "linear", "factor": 8.0}, "rope_local_base_freq": 100.0,
        "query_pre_attn_scalar": 8, "sliding_window": 3, "sliding_window_pattern": 3,
        "attn_logit_softcapping": None, "final_logit_softcapping": None, "tie_word_embeddings": True,
        "bos_token_id": 2, "eos_token_id": [1, 46], "pad_token_id": 0,
    }
    write_case("gemma3-tiny", gemma3, gemma_weights, gemma_forward, lambda k: k,
               ["model.layers.0.self_attn.q_norm.weight", "model.layers.2.self_attn.o_proj.weight",
                "model.layers.1.mlp.gate_proj.weight"], seed=7)


if __name__ == "__main__":
    import sys

    write_gemma_cases() if sys.argv[1:] == ["gemma"] else main()
