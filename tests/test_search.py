"""Unit tests of ranking (index/search.py) and of the statistics it reads (index/statistics.py)."""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest

from index import search, statistics
from index.restore import Vocabulary, restore
from index.search import CorpusStats, Question, Weights, coverage, fts_query, question_stats, rank
from tests.test_library import OTHER_PLAN


def _question(terms, accented=(), agencies=(), asks_time=False) -> Question:
    return Question(
        text=" ".join(terms),
        dense_text=" ".join(terms),
        terms=list(terms),
        accented_terms=list(accented),
        agencies=list(agencies),
        asks_time=asks_time,
        foreign=False,
    )


def _tables(db) -> dict:
    return {
        "terms": dict(db.execute("select term, df from term_stats").fetchall()),
        "syllables": dict(db.execute("select syllable, n from syllable_stats").fetchall()),
        "pairs": Counter(
            {(a, b): n for a, b, n in db.execute("select first, second, n from pair_stats").fetchall()}
        ),
        "clauses": statistics.clause_count(db),
        "agencies": dict(statistics.agency_counts(db)),
        "plan_sizes": dict(db.execute("select id, clauses from plans").fetchall()),
    }


def _recounted(db) -> dict:
    rows = list(db.query("select c.text, c.search_text, c.accented_text, c.heading_text from clauses c"))
    df, unigrams, bigrams, clauses = statistics._counts(rows)
    agencies = db.execute("select agency, count(distinct clause_id) from agencies group by agency").fetchall()
    sizes = db.execute(
        "select p.id, count(c.id) from plans p left join clauses c on c.plan_id = p.id group by p.id"
    )
    return {
        "terms": dict(df),
        "syllables": dict(unigrams),
        "pairs": bigrams,
        "clauses": clauses,
        "agencies": dict(agencies),
        "plan_sizes": dict(sizes.fetchall()),
    }


def test_stored_statistics_follow_ingest_replace_and_remove(fake_library, tmp_path):
    db = fake_library.store.db
    fake_library.ensure_bundled()
    assert _tables(db) == _recounted(db) and _tables(db)["clauses"] > 40
    other = tmp_path / "45.txt"
    other.write_text(OTHER_PLAN, encoding="utf-8")
    fake_library.ingest(other)
    with_other = _tables(db)
    assert with_other == _recounted(db) and with_other["terms"]["homestay"] >= 1
    other.write_text(OTHER_PLAN.replace("homestay", "nhà nghỉ"), encoding="utf-8")
    fake_library.ingest(other, replace=True)  # replaced (issue 10: only when told to): old counts taken off
    assert _tables(db) == _recounted(db) and "homestay" not in _tables(db)["terms"]
    assert fake_library.remove("45/KH-UBND")
    assert _tables(db) == _recounted(db)


def test_the_question_vocabulary_restores_as_the_whole_one(fake_library):
    fake_library.ensure_bundled()
    texts = [c.text for c in fake_library.clauses()]
    whole = Vocabulary.from_texts(texts)
    for typed in (
        "so xay dung cap phep xay dung",
        "ai chiu trach nhiem dat dai",
        "thoi han cap giay chung nhan quyen su dung dat",
        "so nao lo",
    ):
        part = statistics.vocabulary_for(fake_library.store.db, typed)
        assert restore(typed, part) == restore(typed, whole), typed
        syllables = typed.split()
        assert part.known_share(syllables) == whole.known_share(syllables)


def test_every_gram_is_matched_below_the_budget_and_the_rarest_above_it(monkeypatch):
    question = _question(["so", "xay", "dung", "cap", "phep"])
    small = {"so": 30, "xay": 20, "dung": 25, "xay_dung": 10, "cap_phep": 3}
    assert fts_query(question, small) == fts_query(question)  # a small corpus: unchanged
    monkeypatch.setattr(search, "LEXICAL_BUDGET", 1000)
    large = {
        "so": 90_000,
        "xay": 60_000,
        "dung": 60_000,
        "cap": 20_000,
        "phep": 900,
        "xay_dung": 50_000,
        "cap_phep": 400,
        "so_xay_dung": 300,
        "dung_cap": 0,
    }
    query = fts_query(question, large)
    kept = {g.strip('"') for g in query.split(":", 1)[1].strip(" ()").split(" OR ")}
    assert {"cap_phep", "so_xay_dung", "dung_cap"} <= kept  # the rare compounds
    assert not kept & {"so", "xay", "dung", "xay_dung", "cap"}  # what nearly every clause has
    assert sum(large.get(g, 0) for g in kept) <= 1000


def test_user_text_never_reaches_fts_syntax():
    question = _question(['"', "or", "near", "x*", "sở"], accented=["a)", "NOT"])
    query = fts_query(question)
    for gram in (
        g.strip(' ()"')
        for g in query.replace("{search_text heading_text} :", "")
        .replace("{accented_text heading_text} :", "")
        .split(" OR ")
    ):
        assert gram.replace("_", "").isalnum(), query


def test_coverage_weighs_rare_words_more():
    stats = CorpusStats(Vocabulary(), {"so": 900, "dien_gio": 2, "dien": 50, "gio": 40}, 1000)
    question = _question(["so", "dien", "gio"])
    rare = coverage(question, {"dien", "gio"}, stats)
    common = coverage(question, {"so"}, stats)
    assert rare > 0.8 > 0.2 > common > 0


@pytest.fixture
def indexed(fake_library, tmp_path):
    fake_library.ensure_bundled()
    other = tmp_path / "45.txt"
    other.write_text(OTHER_PLAN, encoding="utf-8")
    fake_library.ingest(other)
    return fake_library


def _ranked(library, text: str, weights: Weights | None = None, signals: str = "lexical", **changes):
    weights = weights or Weights()
    with library.store.read() as db:
        question, stats = question_stats(db, text)
        return rank(db, dataclasses.replace(question, **changes), [], stats, weights, 5, signals)


def test_the_lead_agency_and_the_time_signal_move_clauses_up(indexed):
    clauses = indexed.clauses("45/KH-UBND")
    homestay = next(c for c in clauses if "homestay" in c.text)
    port = next(c for c in clauses if "du thuyền" in c.text)
    assert port.lead and port.lead != homestay.lead
    text = "bộ tiêu chí homestay cộng đồng, khảo sát"
    plain = _ranked(indexed, text, Weights(agency_lead=0.0), agencies=port.lead).hits
    lifted = _ranked(indexed, text, Weights(agency_lead=2.0), agencies=port.lead).hits
    assert plain[0].clause.id == homestay.id  # the words alone
    assert lifted[0].clause.id == port.id  # the asked agency leads this one
    assert lifted[0].score - plain[1].score == pytest.approx(2.0, abs=0.5)
    untimed = _ranked(indexed, "homestay cộng đồng", Weights(deadline=0.0), asks_time=True)
    timed = _ranked(indexed, "homestay cộng đồng", Weights(deadline=1.0), asks_time=True)
    with_deadline = [h for h in timed.hits if h.clause.deadline]
    assert with_deadline and timed.hits[0].clause.deadline is not None
    assert timed.hits[0].score > untimed.hits[0].score


def test_a_question_nothing_covers_is_declined_with_the_best_guesses(indexed):
    answer = _ranked(indexed, "Cách nấu phở bò ngon?")
    assert not answer.answered
    covered = _ranked(indexed, "Ai xây dựng bộ tiêu chí homestay cộng đồng?")
    assert covered.answered and "homestay" in covered.hits[0].quote


def _lookups(db) -> dict:
    return {
        "tokens": db.execute("select id, tokens from clauses order by id").fetchall(),
        "definitions": db.execute("select * from definitions order by clause_id, ord").fetchall(),
        "agencies": statistics.agency_counts(db),
        "plan_sizes": db.execute("select id, clauses from plans order by id").fetchall(),
    }


def test_migration_008_fills_the_lookups_as_ingest_writes_them(tmp_path):
    """A store from before migration 008 gets the tokens, definitions, agency and plan counts
    an ingest would have written, without re-indexing its text in FTS."""
    from planbot.library import Planbot
    from tests.conftest import make_settings
    from tests.fakes import HashingEmbedder

    settings = make_settings(tmp_path / "data")
    library = Planbot.open(settings, embedder=HashingEmbedder())
    library.ensure_bundled()
    db = library.store.db
    written = _lookups(db)
    assert written["definitions"] and written["agencies"] and all(t for _, t in written["tokens"])
    fts_rows = db.execute("select count(*) from clauses_fts").fetchone()[0]
    with library.store.write() as db:  # the store as 007 left it
        db.execute("drop table definitions")
        db.execute("drop table agency_stats")
        db.execute("alter table plans drop column clauses")
        db.execute("update clauses set tokens = null")
        db.execute("alter table clauses drop column tokens")
        db.execute("delete from _migrations where name like '008%'")
    library.close()
    reopened = Planbot.open(settings, embedder=HashingEmbedder())
    db = reopened.store.db
    assert _lookups(db) == written
    assert db.execute("select count(*) from clauses_fts").fetchone()[0] == fts_rows
    defined = reopened.definitions_of("icd")
    assert defined and defined[0][1].kind == "footnote" and "ICD" in defined[0][0].footnotes[0]
    reopened.close()
