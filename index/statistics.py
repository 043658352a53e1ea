"""Corpus statistics kept in SQLite, changed in the same transaction as the clauses they count.

Ranking needs document frequencies (IDF for coverage and quotes) and the restorer needs
syllable and syllable-pair counts. Held in memory per clause they grew with the corpus
(~2.4 GB and 30 s to build at 100k clauses, on the first question after every ingest);
kept here, a question reads only the rows of its own terms and syllables, and opening
the index costs the same at any size.
"""

from __future__ import annotations

import json
import re
from collections import Counter

from index.restore import QUESTION_WORDS, Vocabulary
from nlp.definitions import definitions, term_key
from nlp.fold import fold

TOKEN = re.compile(r"\w+", re.UNICODE)  # keyword tokens, "_"-joined compounds included
_SYLLABLE = re.compile(r"[^\W_]+", re.UNICODE)  # what the restorer counts
_CHUNK = 500
_TEXT_COLUMNS = "c.text, c.search_text, c.accented_text, c.heading_text"
_COLUMNS = f"{_TEXT_COLUMNS}, c.tokens"


def keyword_tokens(search_text: str, accented_text: str, heading_text: str) -> frozenset[str]:
    """The folded and accented keyword tokens of one clause (what document frequency counts)."""
    return frozenset(TOKEN.findall(f"{search_text} {accented_text} {heading_text}"))


def tokens_column(search_text: str, accented_text: str, heading_text: str) -> str:
    """The keyword tokens as the clause stores them: a question's coverage splits this string
    instead of running a pattern over the clause's whole text."""
    return " ".join(sorted(keyword_tokens(search_text, accented_text, heading_text)))


def definition_rows(clause_id: int, text: str, footnotes: list[str]) -> list[tuple]:
    """The `definitions` rows of one clause (nlp/definitions.py)."""
    return [
        (clause_id, i, term_key(d.term), d.term, d.meaning, d.source_text, d.kind)
        for i, d in enumerate(definitions(text, footnotes))
    ]


INSERT_DEFINITION = (
    "insert into definitions (clause_id, ord, term_key, term, meaning, source_text, kind) "
    "values (?, ?, ?, ?, ?, ?, ?)"
)


def _counts(rows) -> tuple[Counter, Counter, Counter, int]:
    df: Counter = Counter()
    unigrams: Counter = Counter()
    bigrams: Counter = Counter()
    clauses = 0
    for row in rows:
        clauses += 1
        if row.get("tokens") is not None:
            df.update(row["tokens"].split())
        else:  # a row written before the column (the migration that adds it fills it first)
            df.update(
                keyword_tokens(
                    row["search_text"] or "", row["accented_text"] or "", row["heading_text"] or ""
                )
            )
        syllables = [s.lower() for s in _SYLLABLE.findall(row["text"] or "")]
        unigrams.update(syllables)
        bigrams.update(zip(syllables, syllables[1:]))
    return df, unigrams, bigrams, clauses


def _meta_int(db, key: str) -> int:
    rows = list(db.query("select value from meta where key = ?", [key]))
    return int(rows[0]["value"]) if rows else 0


def _apply(db, counts: tuple[Counter, Counter, Counter, int], sign: int) -> None:
    df, unigrams, bigrams, clauses = counts
    conn = db.conn
    conn.executemany(
        "insert into term_stats(term, df) values (?, ?) "
        "on conflict(term) do update set df = df + excluded.df",
        ((t, sign * n) for t, n in df.items()),
    )
    conn.executemany(
        "insert into syllable_stats(syllable, folded, n) values (?, ?, ?) "
        "on conflict(syllable) do update set n = n + excluded.n",
        ((s, fold(s), sign * n) for s, n in unigrams.items()),
    )
    conn.executemany(
        "insert into pair_stats(first, second, n) values (?, ?, ?) "
        "on conflict(first, second) do update set n = n + excluded.n",
        ((a, b, sign * n) for (a, b), n in bigrams.items()),
    )
    if sign < 0:  # only the keys this change touched can have reached zero
        conn.executemany("delete from term_stats where term = ? and df <= 0", ((t,) for t in df))
        conn.executemany("delete from syllable_stats where syllable = ? and n <= 0", ((s,) for s in unigrams))
        conn.executemany("delete from pair_stats where first = ? and second = ? and n <= 0", bigrams.keys())
    totals = {
        "clause_count": _meta_int(db, "clause_count") + sign * clauses,
        "syllable_total": _meta_int(db, "syllable_total") + sign * sum(unigrams.values()),
    }
    db["meta"].upsert_all([{"key": k, "value": str(v)} for k, v in totals.items()], pk="key")


def _count_agencies(db, sign: int, where: str = "1", params=()) -> None:
    rows = db.conn.execute(
        "select a.agency, count(distinct a.clause_id) from agencies a join clauses c on c.id = a.clause_id "
        f"where {where} group by a.agency",
        list(params),
    ).fetchall()
    db.conn.executemany(
        "insert into agency_stats(agency, clauses) values (?, ?) "
        "on conflict(agency) do update set clauses = clauses + excluded.clauses",
        ((agency, sign * n) for agency, n in rows),
    )
    if sign < 0:
        db.conn.executemany(
            "delete from agency_stats where agency = ? and clauses <= 0", ((a,) for a, _ in rows)
        )


def count_plan(db, plan_id: int, sign: int) -> None:
    """Inside the write transaction: add (+1) or subtract (-1) one plan's clauses."""
    rows = db.query(f"select {_COLUMNS} from clauses c where c.plan_id = ?", [plan_id])
    _apply(db, _counts(rows), sign)
    _count_agencies(db, sign, "c.plan_id = ?", [plan_id])


def count_everything(db) -> None:
    """Fill the tables from every clause (the migration that introduces them)."""
    _apply(
        db,
        _counts(db.query(f"select {_TEXT_COLUMNS} from clauses c")),
        +1,
    )


def count_agencies_everywhere(db) -> None:
    """Fill `agency_stats` from every clause (the migration that introduces it)."""
    _count_agencies(db, +1)


def fill_tokens_and_definitions(db) -> None:
    """Every clause's tokens and definitions (the migration that introduces them)."""
    conn = db.conn
    last = 0
    while True:
        rows = conn.execute(
            "select id, text, footnotes, search_text, accented_text, heading_text from clauses "
            "where id > ? order by id limit ?",
            [last, _CHUNK],
        ).fetchall()
        if not rows:
            return
        last = rows[-1][0]
        conn.executemany(
            "update clauses set tokens = ? where id = ?",
            ((tokens_column(s or "", a or "", h or ""), i) for i, _, _, s, a, h in rows),
        )
        conn.executemany(
            INSERT_DEFINITION,
            (
                d
                for i, text, notes, *_ in rows
                for d in definition_rows(i, text or "", json.loads(notes or "[]"))
            ),
        )


def agency_counts(db) -> list[tuple[str, int]]:
    """Every indexed agency with its clause count, the busiest first."""
    return [
        (r["agency"], r["clauses"])
        for r in db.query("select agency, clauses from agency_stats order by clauses desc, agency")
    ]


def clause_count(db) -> int:
    return _meta_int(db, "clause_count")


def document_frequencies(db, terms) -> dict[str, int]:
    terms = list(dict.fromkeys(terms))
    found: dict[str, int] = {}
    for start in range(0, len(terms), _CHUNK):
        chunk = terms[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        found.update(
            (r["term"], r["df"])
            for r in db.query(f"select term, df from term_stats where term in ({marks})", chunk)
        )
    return found


def vocabulary_for(db, text: str) -> Vocabulary:
    """The part of the corpus vocabulary a question's syllables can stand for.

    The same counts `Vocabulary.from_texts` would give over every clause, restricted to the
    accented forms of the question's folded syllables and to the pairs the restorer can
    step through (a form of one syllable followed by a form of the next): point lookups,
    however many pairs a common syllable starts in a large corpus.
    """
    sequence = [fold(s) for s in _SYLLABLE.findall(text.lower())]
    folded = list(dict.fromkeys(sequence))
    vocab = Vocabulary(total=_meta_int(db, "syllable_total") + 3 * len(dict.fromkeys(QUESTION_WORDS)))
    wanted = set(folded)
    for word in dict.fromkeys(QUESTION_WORDS):  # first, as from_texts counts them first
        if fold(word) in wanted:
            vocab.unigrams[word] += 3
    for start in range(0, len(folded), _CHUNK):
        chunk = folded[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        for r in db.query(
            f"select syllable, n from syllable_stats where folded in ({marks}) order by rowid", chunk
        ):
            vocab.unigrams[r["syllable"]] += r["n"]
    for syllable in vocab.unigrams:
        vocab.by_fold[fold(syllable)].append(syllable)
    following: dict[str, set[str]] = {}
    for here, after in zip(sequence, sequence[1:]):
        for form in vocab.by_fold.get(here, ()):
            following.setdefault(form, set()).update(vocab.by_fold.get(after, ()))
    for first, seconds in following.items():
        seconds = sorted(seconds)
        for start in range(0, len(seconds), _CHUNK):
            chunk = seconds[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for r in db.query(
                f"select second, n from pair_stats where first = ? and second in ({marks})", [first, *chunk]
            ):
                vocab.bigrams[(first, r["second"])] = r["n"]
    return vocab
