"""Real plans of other issuers (shared/eval/real and tests/data/real): structure against the golds.

Each real plan must parse into its clauses and sections: ≥ 95 % of gold clauses found,
≥ 90 % in the right section, no clause over the limit (a run-together parse). The whole
parse of each is pinned in tests/golden/ (PLANBOT_UPDATE_GOLDEN=1 rewrites them).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from corpus.build_plan import build_plan
from corpus.load import load
from index.evaluate_extraction import CLAUSE_LIMIT, clause_dicts, eval_dir, evaluate_extraction
from nlp.agencies import canonical_agency

REPO = Path(__file__).resolve().parents[1]
EVAL = eval_dir(REPO)
REAL = EVAL / "real" if EVAL else None
GOLDEN = Path(__file__).resolve().parent / "golden"
DATA = Path(__file__).resolve().parent / "data" / "real"

# file → (gold plan key, number, title start, citation)
PLANS = {
    "hcm_3210_nhaonguoicocong.txt": (
        "3210/QĐ-UBND", "3210/QĐ-UBND", "Triển khai thực hiện Thông tư số 09/2013/TT-BXD",
        "Kế hoạch ban hành kèm theo Quyết định 3210/QĐ-UBND"),
    "laocai_duthao_khoangsan.docx": (
        "KH-UBND-LaoCai-duthao", None, "Triển khai thực hiện Chỉ thị số 11-CT/TU", None),
    "laocai_duthao_khoangsan.txt": (
        "KH-UBND-LaoCai-duthao", None, "Triển khai thực hiện Chỉ thị số 11-CT/TU", None),
    "botnmt_09_tinchicacbon.txt": (
        "09/KH-BTNMT", "09/KH-BTNMT", "Triển khai thực hiện Chỉ thị số 13/CT-TTg", "Kế hoạch 09/KH-BTNMT"),
    "botnmt_09_tinchicacbon.docx": (
        "09/KH-BTNMT", "09/KH-BTNMT", "Triển khai thực hiện Chỉ thị số 13/CT-TTg", "Kế hoạch 09/KH-BTNMT"),
}


def _real(name: str) -> Path:
    if REAL is None or not (REAL / "plans" / name).exists():
        pytest.skip("shared/eval/real is not beside this checkout")
    return REAL / "plans" / name


@pytest.fixture(scope="module")
def gold() -> dict[str, list[dict]]:
    if REAL is None:
        pytest.skip("shared/eval/real is not beside this checkout")
    by_plan: dict[str, list[dict]] = {}
    for line in (REAL / "extraction.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            by_plan.setdefault(entry["plan"], []).append(entry)
    return by_plan


_plans: dict[str, object] = {}


def _plan(name: str):
    if name not in _plans:
        _plans[name] = build_plan(load(_real(name)))
    return _plans[name]


@pytest.mark.parametrize("name", list(PLANS))
def test_structure_against_gold(name, gold):
    plan = _plan(name)
    scores = evaluate_extraction(gold[PLANS[name][0]], clause_dicts(plan), canonical_agency)
    print(name, {k: f"{v:.0%}" if isinstance(v, float) else v for k, v in scores.items()})
    assert scores["found"] >= 0.95, scores["missed"]
    assert scores["section"] >= 0.90
    assert scores["longest clause"] <= CLAUSE_LIMIT


@pytest.mark.parametrize("name", list(PLANS))
def test_extraction_against_gold(name, gold):
    """Agencies and deadlines of each real plan (issue 8): lead ≥ 90 %, partners ≥ 80 %, deadline ≥ 85 %."""
    plan = _plan(name)
    scores = evaluate_extraction(gold[PLANS[name][0]], clause_dicts(plan), canonical_agency)
    print(name, {k: f"{scores[k]:.0%}" for k in ("lead", "partners", "deadline")})
    assert scores["lead"] >= 0.90
    assert scores["partners"] >= 0.80
    assert scores["deadline"] >= 0.85


@pytest.mark.parametrize("name", list(PLANS))
def test_metadata(name):
    plan = _plan(name)
    _, number, title, citation = PLANS[name]
    assert plan.title.lower().startswith(title.lower())
    assert "CHỦ TỊCH" not in plan.title and "ỦY BAN" not in plan.title.upper()[-40:]
    if number:
        assert plan.number == number
        assert plan.citation == citation
    else:  # a draft without its number: cited by a short title, never by the file name
        assert Path(name).stem not in plan.number and plan.number.lower().startswith(title.lower())
        assert plan.citation.startswith("Kế hoạch") and title.lower() in plan.citation.lower()
    assert not [c for c in plan.clauses if c.kind == "signature" and len(c.text) > 1200]


def test_decision_articles_are_clauses():
    plan = _plan("hcm_3210_nhaonguoicocong.txt")
    articles = [c for c in plan.clauses if c.section.startswith("Điều")]
    assert [c.section for c in articles] == ["Điều 1", "Điều 2", "Điều 3"]
    assert plan.kind == "decision_plan" and plan.date == "2014-06-28"
    body = [c for c in plan.clauses if c.section.startswith(("I", "II", "III"))]
    assert len(body) > 60


def _golden_lines(plan) -> list[str]:
    return [json.dumps({"section": c.section, "kind": c.kind, "text": c.text[:80]}, ensure_ascii=False)
            for c in plan.clauses]


@pytest.mark.parametrize("name", list(PLANS))
def test_golden_parse(name):
    """The structure of each real plan, pinned; PLANBOT_UPDATE_GOLDEN=1 rewrites it."""
    path = GOLDEN / f"real-{Path(name).stem}-{Path(name).suffix[1:]}.structure.jsonl"
    current = _golden_lines(_plan(name))
    if os.environ.get("PLANBOT_UPDATE_GOLDEN") == "1":
        path.write_text("\n".join(current) + "\n", encoding="utf-8")
    assert path.exists(), f"no golden file: PLANBOT_UPDATE_GOLDEN=1 pytest {__file__}"
    assert current == path.read_text(encoding="utf-8").splitlines(), \
        "parse changed: inspect the diff, then PLANBOT_UPDATE_GOLDEN=1 pytest tests/test_real_plans.py"
