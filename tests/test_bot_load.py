"""The bot under load while an admin's upload is ingested: no answer may fail or get lost.

Scaled-down runs of bench/load.py (which the full 50 users × 20 questions benchmark is):
the real Application long-polls the fake Bot API, on a clone of the session's real
library, while an admin uploads a DOCX plan whose text was never embedded before.
"""

from __future__ import annotations

import pytest

from bench.load import NEW_PLAN_QUESTIONS, latency, plan_docx, problems, run_phase
from tests.fake_bot_api import async_test


@pytest.fixture(scope="module")
def questions(eval_dir):
    from tests.conftest import read_jsonl

    return [row["q"] for row in read_jsonl(eval_dir / "dev_questions.jsonl")]


def _check(phase, users: int, per_user: int) -> None:
    assert problems(phase) == []
    assert len(phase.ok) == len(phase.asked) == users * per_user
    assert phase.ingest is not None and phase.ingest_clauses
    start, end = phase.ingest
    # the ingest really overlapped the questions: some were waiting for their answer meanwhile
    assert latency(phase, (start, end))["n"] > 0
    assert phase.new_plan_answers and all(ok for _, ok in phase.new_plan_answers)
    assert phase.concurrent_updates > 1 and phase.max_asks_in_flight > 1


@async_test
async def test_questions_during_an_ingest_all_answered(library, questions, tmp_path):
    """Smoke (≈10 s): 5 users × 2 questions while a small plan (12 clauses) is ingested."""
    phase = await run_phase(
        "smoke",
        library,
        tmp_path / "data",
        users=5,
        per_user=2,
        questions=questions,
        upload=plan_docx(topics=2),
        think=(0.0, 0.3),
        timeout=30,
        new_plan_questions=NEW_PLAN_QUESTIONS[2:],  # topic 2 (coffee irrigation) is in the small plan
    )
    _check(phase, 5, 2)


@pytest.mark.slow
@async_test
async def test_ten_users_five_questions_during_an_ingest(library, questions, tmp_path):
    """10 users × 5 questions, think time 0.2–1 s, while the full plan (44 clauses) is ingested."""
    phase = await run_phase(
        "slow",
        library,
        tmp_path / "data",
        users=10,
        per_user=5,
        questions=questions,
        upload=plan_docx(),
        think=(0.2, 1.0),
        timeout=60,
        new_plan_questions=NEW_PLAN_QUESTIONS,
    )
    _check(phase, 10, 5)
