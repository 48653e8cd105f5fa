#!/usr/bin/env python3
"""PyTorch peer for bench/embeddings.sh (not a test): all-MiniLM-L6-v2 with the weights read from the
same ONNX file the .NET package ships (extracted by `classifier-embeddings-bench minilm-files`),
a BERT uncased word-piece tokenizer on the package's vocabulary, batches of 64 sorted by length and
padded to the longest text of each batch, mean pooling and L2 normalization; CSV in -> CSV out.

The output row is the id and three scores (dot products with fixed unit vectors, standing in for the
linear layer our scorer applies), so the peer is timed on the encoding, not on printing 384 floats.
Needs Debian's python3-torch, python3-onnx and libopenblas0-openmp (without it torch falls back to
a reference BLAS about 25x slower).
"""
import argparse, csv, math, sys, time, unicodedata

import numpy as np
import onnx
from onnx import numpy_helper
import torch


def load_weights(path):
    model = onnx.load(path)
    graph = model.graph
    inits = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    # The MatMul weights carry numeric names; in node order they are, per layer: query, key, value,
    # attention output, intermediate, output ([in, out] each).
    matmuls = [inits[n.input[1]] for n in graph.node if n.op_type == "MatMul" and n.input[1] in inits]
    assert len(matmuls) == 36, len(matmuls)
    t = lambda a: torch.from_numpy(np.ascontiguousarray(a))
    layers = []
    for l in range(6):
        p = f"encoder.layer.{l}."
        w = matmuls[6 * l: 6 * l + 6]
        layers.append({
            "q": (t(w[0]), t(inits[p + "attention.self.query.bias"])),
            "k": (t(w[1]), t(inits[p + "attention.self.key.bias"])),
            "v": (t(w[2]), t(inits[p + "attention.self.value.bias"])),
            "o": (t(w[3]), t(inits[p + "attention.output.dense.bias"])),
            "ln1": (t(inits[p + "attention.output.LayerNorm.weight"]), t(inits[p + "attention.output.LayerNorm.bias"])),
            "i": (t(w[4]), t(inits[p + "intermediate.dense.bias"])),
            "out": (t(w[5]), t(inits[p + "output.dense.bias"])),
            "ln2": (t(inits[p + "output.LayerNorm.weight"]), t(inits[p + "output.LayerNorm.bias"])),
        })
    embeddings = {
        "word": t(inits["embeddings.word_embeddings.weight"]),
        "position": t(inits["embeddings.position_embeddings.weight"]),
        "type": t(inits["embeddings.token_type_embeddings.weight"]),
        "ln": (t(inits["embeddings.LayerNorm.weight"]), t(inits["embeddings.LayerNorm.bias"])),
    }
    return embeddings, layers


class Tokenizer:
    """BERT uncased: lower-case, strip accents, split on whitespace and punctuation, greedy word pieces."""

    def __init__(self, vocab_path):
        with open(vocab_path, encoding="utf-8") as f:
            self.vocab = {line.rstrip("\n"): i for i, line in enumerate(f)}
        self.cls, self.sep, self.unk = self.vocab["[CLS]"], self.vocab["[SEP]"], self.vocab["[UNK]"]

    @staticmethod
    def _is_punct(ch):
        cp = ord(ch)
        if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
            return True
        return unicodedata.category(ch).startswith("P")

    def words(self, text):
        text = unicodedata.normalize("NFD", text.lower())
        text = "".join(c for c in text if unicodedata.category(c) != "Mn")
        for token in text.split():
            current = []
            for ch in token:
                if self._is_punct(ch):
                    if current:
                        yield "".join(current)
                        current = []
                    yield ch
                else:
                    current.append(ch)
            if current:
                yield "".join(current)

    def encode(self, text, max_len):
        ids = [self.cls]
        for word in self.words(text):
            if len(word) > 100:
                ids.append(self.unk)
                continue
            start, pieces = 0, []
            while start < len(word):
                end, found = len(word), None
                while start < end:
                    piece = word[start:end] if start == 0 else "##" + word[start:end]
                    if piece in self.vocab:
                        found = self.vocab[piece]
                        break
                    end -= 1
                if found is None:
                    pieces = [self.unk]
                    break
                pieces.append(found)
                start = end
            ids.extend(pieces)
            if len(ids) >= max_len - 1:
                break
        return ids[: max_len - 1] + [self.sep]


def layer_norm(x, ln):
    return torch.nn.functional.layer_norm(x, (x.shape[-1],), ln[0], ln[1], eps=1e-12)


def encode_batch(ids, emb, layers):
    n, length = len(ids), max(len(r) for r in ids)
    input_ids = torch.zeros((n, length), dtype=torch.long)
    mask = torch.zeros((n, length), dtype=torch.float32)
    for r, row in enumerate(ids):
        input_ids[r, : len(row)] = torch.tensor(row)
        mask[r, : len(row)] = 1
    x = emb["word"][input_ids] + emb["position"][:length].unsqueeze(0) + emb["type"][0]
    x = layer_norm(x, emb["ln"])
    bias = (1.0 - mask)[:, None, None, :] * torch.finfo(torch.float32).min
    heads, size = 12, 32
    for l in layers:
        q = torch.addmm(l["q"][1], x.reshape(-1, 384), l["q"][0]).view(n, length, heads, size).transpose(1, 2)
        k = torch.addmm(l["k"][1], x.reshape(-1, 384), l["k"][0]).view(n, length, heads, size).transpose(1, 2)
        v = torch.addmm(l["v"][1], x.reshape(-1, 384), l["v"][0]).view(n, length, heads, size).transpose(1, 2)
        attention = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(size) + bias, dim=-1)
        context = (attention @ v).transpose(1, 2).reshape(-1, 384)
        x = layer_norm(torch.addmm(l["o"][1], context, l["o"][0]).view(n, length, 384) + x, l["ln1"])
        hidden = torch.nn.functional.gelu(torch.addmm(l["i"][1], x.reshape(-1, 384), l["i"][0]))
        x = layer_norm(torch.addmm(l["out"][1], hidden, l["out"][0]).view(n, length, 384) + x, l["ln2"])
    pooled = (x * mask.unsqueeze(-1)).sum(1) / mask.sum(1, keepdim=True).clamp(min=1e-9)
    return torch.nn.functional.normalize(pooled, p=2, dim=1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--onnx", required=True)
    parser.add_argument("--vocab", required=True)
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--max-len", type=int, default=256)
    parser.add_argument("--vectors", help="also write the first 200 vectors here (agreement check)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_grad_enabled(False)
    started = time.time()
    emb, layers = load_weights(args.onnx)
    tokenizer = Tokenizer(args.vocab)

    with open(args.input, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    ids = [tokenizer.encode(r["text"], args.max_len) for r in rows]
    order = sorted(range(len(rows)), key=lambda i: len(ids[i]))
    vectors = torch.empty((len(rows), 384))
    for start in range(0, len(order), args.batch):
        chunk = order[start: start + args.batch]
        vectors[chunk] = encode_batch([ids[i] for i in chunk], emb, layers)
    directions = torch.nn.functional.normalize(torch.randn(384, 3, generator=torch.Generator().manual_seed(7)), dim=0)
    scores = (vectors @ directions).numpy()
    with open(args.output, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "s0", "s1", "s2"])
        for r, s in zip(rows, scores):
            writer.writerow([r.get("id", ""), f"{s[0]:.6f}", f"{s[1]:.6f}", f"{s[2]:.6f}"])
    if args.vectors:
        np.savetxt(args.vectors, vectors[:200].numpy(), delimiter=",", fmt="%.7g")
    print(f"torch peer: {len(rows)} rows in {time.time() - started:.1f} s, {torch.get_num_threads()} threads, "
          f"BLAS: {'openblas' if 'openblas' in torch.__config__.show().lower() else 'other'}", file=sys.stderr)


if __name__ == "__main__":
    main()
