"""PyTorch CPU side of `npm run bench:peer`: the costsim zoo models rebuilt layer for layer
(src/bench/zoo/models.ts), trained with the same batch and optimizer (Adam), timed the same way
(warm-up steps, then steps to fill a time budget), and the KV-cached decoder of
src/serve/measure/decoder.ts with its own cache (Decoder below). Also times numpy's 1024^2 float32 GEMM.

Usage: python3 peer_torch.py '<json config>'  ->  prints one JSON object on stdout.
Config: {"threads": [1, 2], "seconds": 4, "models": [{"name": "mlp", "batch": 256, ...}, ...]}
A model named "decode" is the KV-cached decoder twin ({"layers", "hidden", "heads", "ffn", "vocab", "batch",
"context", "steps"}): its run reports tokensPerSecond. An optional "label" names the run.
"""
import json
import math
import sys
import time

import numpy as np
import torch
from torch import nn

torch.manual_seed(0)


def mlp(spec):
    layers, width = [], spec["inputSize"]
    for _ in range(spec["depth"]):
        layers += [nn.Linear(width, spec["width"]), nn.ReLU()]
        width = spec["width"]
    layers.append(nn.Linear(width, spec["classes"]))
    return nn.Sequential(*layers)


def cnn(spec):
    f1, f2, side = spec["filters1"], spec["filters2"], spec["side"]
    return nn.Sequential(
        nn.Conv2d(1, f1, 3, padding=1, bias=False), nn.BatchNorm2d(f1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(f1, f2, 3, padding=1, bias=False), nn.BatchNorm2d(f2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(f2 * (side // 4) ** 2, spec["dense"]), nn.ReLU(), nn.Linear(spec["dense"], spec["classes"]))


class Attention(nn.Module):
    """Causal self-attention with separate q/k/v/o projections, as CausalSelfAttention in layers.ts."""

    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))

    def forward(self, x):
        b, t, d = x.shape
        split = lambda y: y.view(b, t, self.heads, d // self.heads).transpose(1, 2)
        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(d // self.heads)
        mask = torch.triu(torch.ones(t, t, dtype=torch.bool), 1)
        attention = torch.softmax(scores.masked_fill(mask, -1e9), -1)
        return self.o((attention @ v).transpose(1, 2).reshape(b, t, d))


class Block(nn.Module):
    def __init__(self, d, heads, ratio):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.attention = Attention(d, heads)
        self.mlp = nn.Sequential(nn.Linear(d, ratio * d), nn.ReLU(), nn.Linear(ratio * d, d))

    def forward(self, x):
        x = x + self.attention(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class Transformer(nn.Module):
    def __init__(self, spec):
        super().__init__()
        d = spec["dModel"]
        self.embedding = nn.Embedding(spec["vocab"], d)
        self.positions = nn.Parameter(torch.randn(spec["length"], d) * 0.02)
        self.blocks = nn.Sequential(*(Block(d, spec["heads"], spec["mlpRatio"]) for _ in range(spec["layers"])))
        self.ln = nn.LayerNorm(d)
        self.logits = nn.Linear(d, spec["vocab"])

    def forward(self, tokens):
        return self.logits(self.ln(self.blocks(self.embedding(tokens) + self.positions)))


def task(spec):
    """Model, one random batch, and the loss (mean cross-entropy over scored positions)."""
    b = spec["batch"]
    if spec["name"] == "transformer":
        model, length = Transformer(spec), spec["length"]
        x = torch.randint(0, spec["vocab"], (b, length))
        y = torch.randint(0, spec["vocab"], (b, length))
        scored = torch.zeros(b, length)
        scored[:, length - spec["answerLength"]:] = 1
        def loss(logits):
            per_token = nn.functional.cross_entropy(logits.reshape(b * length, -1), y.reshape(-1), reduction="none")
            return (per_token * scored.reshape(-1)).sum() / (b * spec["answerLength"])
        return model, x, loss
    if spec["name"] == "cnn":
        model, x = cnn(spec), torch.rand(b, 1, spec["side"], spec["side"])
    else:
        model, x = mlp(spec), torch.rand(b, spec["inputSize"])
    y = torch.randint(0, spec["classes"], (b,))
    return model, x, lambda logits: nn.functional.cross_entropy(logits, y)


def time_training(spec, seconds):
    model, x, loss_of = task(spec)
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = loss_of(model(x))
        loss.backward()
        optimizer.step()
        return loss

    for _ in range(3):
        step()
    steps, start = 0, time.perf_counter()
    while steps < 3 or time.perf_counter() - start < seconds:
        loss = step()
        steps += 1
    loss.item()
    wall = time.perf_counter() - start
    return {"steps": steps, "wallSeconds": wall, "samplesPerSecond": steps * spec["batch"] / wall}


class Decoder:
    """KV-cached decoder twin of src/serve/measure/decoder.ts: pre-norm blocks (RMSNorm without a
    scale, eps 1e-5), bias-free q/k/v/o projections, ReLU MLP, tied embeddings, weights normal(0, 0.02);
    the cache is each layer's K and V [batch, heads, tokens, headDim], grown by concatenation."""

    def __init__(self, spec):
        g = torch.Generator().manual_seed(1)
        w = lambda rows, cols: torch.randn(rows, cols, generator=g) * 0.02
        h, f = spec["hidden"], spec["ffn"]
        self.heads, self.hidden = spec["heads"], h
        self.blocks = [dict(wq=w(h, h), wk=w(h, h), wv=w(h, h), wo=w(h, h), w1=w(h, f), w2=w(f, h)) for _ in range(spec["layers"])]
        self.embed = w(spec["vocab"], h)

    @staticmethod
    def rms_norm(x):
        return x / torch.sqrt((x * x).mean(-1, keepdim=True) + 1e-5)

    def forward(self, tokens, cache):
        b, t = tokens.shape
        hd = self.hidden // self.heads
        split = lambda y: y.view(b, t, self.heads, hd).transpose(1, 2)
        x = self.embed[tokens.reshape(-1)].view(b * t, self.hidden)
        past = cache[0][0].shape[2] if cache else 0
        mask = torch.triu(torch.ones(t, past + t, dtype=torch.bool), past + 1) if t > 1 else None
        new_cache = []
        for i, blk in enumerate(self.blocks):
            n = self.rms_norm(x)
            q, k, v = split(n @ blk["wq"]), split(n @ blk["wk"]), split(n @ blk["wv"])
            if cache:
                k, v = torch.cat([cache[i][0], k], 2), torch.cat([cache[i][1], v], 2)
            new_cache.append((k, v))
            scores = q @ k.transpose(-1, -2) / math.sqrt(hd)
            if mask is not None:
                scores = scores.masked_fill(mask, -1e9)
            attn = (torch.softmax(scores, -1) @ v).transpose(1, 2).reshape(b * t, self.hidden)
            x = x + attn @ blk["wo"]
            x = x + torch.relu(self.rms_norm(x) @ blk["w1"]) @ blk["w2"]
        last = self.rms_norm(x).view(b, t, self.hidden)[:, -1, :]
        return last @ self.embed.T, new_cache


def time_decode(spec):
    """Decode tokens/s: prefill `context` tokens per sequence, one warm-up step, then `steps` timed steps (greedy)."""
    model, b = Decoder(spec), spec["batch"]
    prompt = torch.tensor([[(i * 31 + t * 7) % spec["vocab"] for t in range(spec["context"])] for i in range(b)])
    with torch.no_grad():
        logits, cache = model.forward(prompt, None)
        logits, cache = model.forward(logits.argmax(-1, keepdim=True), cache)
        start = time.perf_counter()
        for _ in range(spec["steps"]):
            logits, cache = model.forward(logits.argmax(-1, keepdim=True), cache)
        logits.sum().item()
        wall = time.perf_counter() - start
    return {"steps": spec["steps"], "wallSeconds": wall, "tokensPerSecond": b * spec["steps"] / wall}


def time_gemm(n, seconds):
    a = np.random.default_rng(1).uniform(-1, 1, (n, n)).astype(np.float32)
    b = np.random.default_rng(2).uniform(-1, 1, (n, n)).astype(np.float32)
    a @ b
    repeats, start = 0, time.perf_counter()
    while repeats < 3 or time.perf_counter() - start < seconds:
        a @ b
        repeats += 1
    return 2 * n**3 * repeats / (time.perf_counter() - start) / 1e9


def main():
    config = json.loads(sys.argv[1])
    out = {"torch": torch.__version__, "numpy": np.__version__, "defaultThreads": torch.get_num_threads(), "runs": []}
    for threads in config["threads"]:
        torch.set_num_threads(threads)
        if config.get("gemm"):
            out["runs"].append({"what": "gemm", "threads": threads, "n": 1024, "gflops": time_gemm(1024, config["seconds"] / 2)})
        for spec in config["models"]:
            timed = time_decode(spec) if spec["name"] == "decode" else time_training(spec, config["seconds"])
            out["runs"].append({"what": spec.get("label", spec["name"]), "threads": threads, **timed})
    print(json.dumps(out))


main()
