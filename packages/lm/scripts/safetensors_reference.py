#!/usr/bin/python3
"""Independent safetensors reader/writer (numpy + torch, not the `safetensors` package, which does
not install here), used to make and check the fixtures of packages/lm/test/safetensors.test.ts.

  /usr/bin/python3 scripts/safetensors_reference.py fixtures   # writes test/fixtures/safetensors/
  /usr/bin/python3 scripts/safetensors_reference.py verify     # checks the files our TS writer made
  PYTHONPATH=/tmp/va-pyref /usr/bin/python3 scripts/safetensors_reference.py official
      # with the real `safetensors` package (pip install --target /tmp/va-pyref --no-deps <its wheel>):
      # loads our files with it, and writes official-torch.safetensors with `save_file` for the tests

Format (https://github.com/huggingface/safetensors): u64 little-endian header length N, N bytes of
JSON ({name: {dtype, shape, data_offsets}, "__metadata__": {str: str}}), then the data buffer.
"""
import json
import os
import struct
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "..", "test", "fixtures", "safetensors")
NP = {"F32": np.float32, "F16": np.float16, "F64": np.float64, "I64": np.int64, "I32": np.int32,
      "U8": np.uint8, "I8": np.int8, "BOOL": np.bool_, "I16": np.int16}
SIZE = {"F32": 4, "F16": 2, "BF16": 2, "F64": 8, "I64": 8, "I32": 4, "U8": 1, "I8": 1, "BOOL": 1,
        "I16": 2}


def write(path, tensors, metadata):
    """tensors: list of (name, dtype, shape, raw little-endian bytes), written in the given order."""
    header, chunks, offset = {}, [], 0
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(chunks))


def read(path):
    """Returns ({name: (dtype, shape, float64 values or raw)}, metadata); strict like the reference."""
    data = open(path, "rb").read()
    (n,) = struct.unpack("<Q", data[:8])
    assert n % 8 == 0, f"{path}: header length {n} is not a multiple of 8"
    header = json.loads(data[8:8 + n].decode("utf-8"))
    buf = data[8 + n:]
    meta = header.pop("__metadata__", None)
    items = sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0])
    cursor, out = 0, {}
    for name, info in items:
        b, e = info["data_offsets"]
        assert b == cursor, f"{name}: gap or overlap"
        count = int(np.prod(info["shape"])) if info["shape"] else 1
        assert e - b == count * SIZE[info["dtype"]], f"{name}: size mismatch"
        raw = buf[b:e]
        if info["dtype"] == "BF16":
            bits = np.frombuffer(raw, dtype="<u2").astype(np.int32) << 16
            vals = bits.astype("<u4").view(np.float32).astype(np.float64)
        else:
            vals = np.frombuffer(raw, dtype=np.dtype(NP[info["dtype"]]).newbyteorder("<")).astype(np.float64)
        out[name] = (info["dtype"], info["shape"], vals)
        cursor = e
    assert cursor == len(buf), "data buffer not fully covered"
    return out, meta


def bf16_bits(values_f32):
    t = torch.from_numpy(np.asarray(values_f32, dtype=np.float32)).to(torch.bfloat16)
    return t.view(torch.int16).numpy().astype(np.uint16)


def f16_bits(values_f32):
    return np.asarray(values_f32, dtype=np.float32).astype(np.float16).view(np.uint16)


def conversion_cases():
    """float32 bit patterns that stress rounding: specials, halfway points, subnormals, random."""
    rng = np.random.default_rng(20240611)
    special = [0x00000000, 0x80000000, 0x7F800000, 0xFF800000, 0x7FC00000, 0xFFC00001, 0x7F800001,
               0x7F7FFFFF, 0x00000001, 0x00800000, 0x3F800000, 0xBF800000,
               0x477FE000, 0x477FEFFF, 0x477FF000, 0x477FF001, 0x47800000,  # f16 max, overflow edge
               0x33000000, 0x33000001, 0x32FFFFFF, 0x33800000, 0x387FC000, 0x387FE000, 0x38800000,
               0x3F801000, 0x3F803000, 0x3F801001, 0x3F808000, 0x3F818000, 0x3F808001,  # ties
               0x7F7F8000, 0x7F7F7FFF, 0x3F7FFFFF, 0x007FFFFF]
    rand = rng.integers(0, 2**32, size=3000, dtype=np.uint64).astype(np.uint32)
    # Bias a share of the cases into binary16's range, and onto exact ties of both formats.
    near = (rng.integers(0x33000000, 0x47800000, size=2000, dtype=np.uint64)).astype(np.uint32)
    ties16 = (near[:500] & np.uint32(0xFFFFE000)) | np.uint32(0x1000)
    ties_bf = (rand[:500] & np.uint32(0xFFFF0000)) | np.uint32(0x8000)
    bits = np.concatenate([np.array(special, dtype=np.uint32), rand, near, ties16, ties_bf])
    vals = bits.view(np.float32)
    return bits, f16_bits(vals), bf16_bits(vals)


def make_fixtures():
    os.makedirs(FIX, exist_ok=True)
    a = np.arange(6, dtype=np.float32).reshape(2, 3) / 7 - 0.3
    h = np.array([1.0, -2.5, 65504.0, 6.0e-8], dtype=np.float16)
    bsrc = np.array([[3.14159, -1e-3], [1e30, -7.0]], dtype=np.float32)
    bbits = bf16_bits(bsrc.ravel())
    ids = np.array([5, -1, 2**40], dtype=np.int64)
    scalar = np.array(2.5, dtype=np.float32)
    empty = np.zeros((0, 4), dtype=np.float32)
    tensors = [
        ("model.embed.weight", "F32", a.shape, a.astype("<f4").tobytes()),
        ("half", "F16", h.shape, h.astype("<f2").tobytes()),
        ("brain", "BF16", bsrc.shape, bbits.astype("<u2").tobytes()),
        ("position_ids", "I64", ids.shape, ids.astype("<i8").tobytes()),
        ("scalar", "F32", (), scalar.astype("<f4").tobytes()),
        ("empty", "F32", empty.shape, b""),
    ]
    write(os.path.join(FIX, "reference.safetensors"), tensors,
          {"format": "pt", "note": "written by scripts/safetensors_reference.py"})
    bvals = (bbits.astype(np.uint32) << 16).view(np.float32)
    expected = {
        "metadata": {"format": "pt", "note": "written by scripts/safetensors_reference.py"},
        "tensors": {
            "model.embed.weight": {"dtype": "F32", "shape": [2, 3], "values": a.ravel().tolist()},
            "half": {"dtype": "F16", "shape": [4], "values": h.astype(np.float32).tolist()},
            "brain": {"dtype": "BF16", "shape": [2, 2], "values": bvals.tolist()},
            "scalar": {"dtype": "F32", "shape": [], "values": [2.5]},
            "empty": {"dtype": "F32", "shape": [0, 4], "values": []},
        },
        "others": {"position_ids": {"dtype": "I64", "shape": [3], "values": ["5", "-1", str(2**40)]}},
    }
    json.dump(expected, open(os.path.join(FIX, "reference.json"), "w"), indent=1)
    bits, h16, b16 = conversion_cases()
    conv = {"source": "numpy %s astype(float16); torch %s .to(torch.bfloat16)" % (np.__version__, torch.__version__),
            "f32": bits.tolist(), "f16": h16.tolist(), "bf16": b16.tolist()}
    json.dump(conv, open(os.path.join(FIX, "conversions.json"), "w"))
    print("wrote", FIX)


def verify():
    """Checks the files scripts/write-safetensors-sample.ts wrote against their source values."""
    src = json.load(open(os.path.join(FIX, "ours-source.json")))
    checked = []
    for dtype in ["F32", "F16", "BF16"]:
        path = os.path.join(FIX, f"ours-{dtype.lower()}.safetensors")
        got, meta = read(path)
        assert meta == {"format": "pt", "writer": "@va/lm"}, meta
        for name, t in src.items():
            d, shape, vals = got[name]
            assert d == dtype and list(shape) == t["shape"], (name, d, shape)
            want = np.array(t["bits"], dtype=np.uint32).view(np.float32)
            if dtype == "F32":
                ok = np.array_equal(vals.astype(np.float32).view(np.uint32), want.view(np.uint32))
            elif dtype == "F16":
                ok = np.array_equal(vals.astype(np.float16), want.astype(np.float16), equal_nan=True)
            else:
                ref = (bf16_bits(want).astype(np.uint32) << 16).view(np.float32)
                ok = np.array_equal(vals.astype(np.float32), ref, equal_nan=True)
            assert ok, f"{path}: tensor {name} differs from the reference conversion"
        checked.append(path)
    folder = os.path.join(FIX, "ours-sharded")
    index = json.load(open(os.path.join(folder, "model.safetensors.index.json")))
    total = 0
    for shard in sorted(set(index["weight_map"].values())):
        got, _ = read(os.path.join(folder, shard))
        for name, (d, shape, vals) in got.items():
            assert index["weight_map"][name] == shard
            want = np.array(src[name]["bits"], dtype=np.uint32).view(np.float32)
            assert np.array_equal(vals.astype(np.float32).view(np.uint32), want.view(np.uint32)), name
            total += vals.size * 4
    assert total == index["metadata"]["total_size"], (total, index["metadata"])
    assert set(index["weight_map"]) == set(src), "index does not list every tensor"
    checked.append(folder)
    print("verified:", *checked, sep="\n  ")


def official():
    """Cross-checks with the reference implementation itself, where its wheel can be installed."""
    from safetensors.torch import load_file, save_file
    src = json.load(open(os.path.join(FIX, "ours-source.json")))
    for dtype, tdt in [("F32", torch.float32), ("F16", torch.float16), ("BF16", torch.bfloat16)]:
        got = load_file(os.path.join(FIX, f"ours-{dtype.lower()}.safetensors"))
        for name, t in src.items():
            want = torch.from_numpy(np.array(t["bits"], dtype=np.uint32).view(np.float32))
            want = want.reshape(t["shape"]).to(tdt)
            assert got[name].dtype == tdt and torch.equal(got[name].isnan(), want.isnan()), name
            assert torch.equal(got[name].nan_to_num(0), want.nan_to_num(0)), (dtype, name)
    g = torch.Generator().manual_seed(7)
    tensors = {"lm_head.weight": torch.randn(3, 5, generator=g),
               "model.norm.weight": torch.randn(5, generator=g).to(torch.float16),
               "model.layers.0.mlp.up_proj.weight": torch.randn(2, 5, generator=g).to(torch.bfloat16)}
    save_file(tensors, os.path.join(FIX, "official-torch.safetensors"), metadata={"format": "pt"})
    expected = {k: {"dtype": {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16"}[v.dtype],
                    "shape": list(v.shape), "values": v.float().ravel().tolist()} for k, v in tensors.items()}
    json.dump(expected, open(os.path.join(FIX, "official-torch.json"), "w"), indent=1)
    print("the safetensors package loads ours-*; wrote official-torch.safetensors")


if __name__ == "__main__":
    {"fixtures": make_fixtures, "verify": verify, "official": official}[sys.argv[1]]()
