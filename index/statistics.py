"""Corpus statistics kept in SQLite, changed in the same transaction as the clauses they count.

Ranking needs document frequencies (IDF for coverage and quotes) and the restorer needs
syllable and syllable-pair counts. Held in memory per clause they grew with the corpus
(~2.4 GB and 30 s to build at 100k clauses, on the first question after every ingest);
kept here, a question reads only the rows of its own terms and syllables, and opening
the index costs the same at any size.
"""

from __future__ import annotations

import re
from collections import Counter

from index.restore import QUESTION_WORDS, Vocabulary
from nlp.fold import fold

TOKEN = re.compile(r"\w+", re.UNICODE)  # keyword tokens, "_"-joined compounds included
_SYLLABLE = re.compile(r"[^\W_]+", re.UNICODE)  # what the restorer counts
_CHUNK = 500
_COLUMNS = "c.text, c.search_text, c.accented_text, c.heading_text"


def keyword_tokens(search_text: str, accented_text: str, heading_text: str) -> frozenset[str]:
    """The folded and accented keyword tokens of one clause (what document frequency counts)."""
    return frozenset(TOKEN.findall(f"{search_text} {accented_text} {heading_text}"))


def _counts(rows) -> tuple[Counter, Counter, Counter, int]:
    df: Counter = Counter()
    unigrams: Counter = Counter()
    bigrams: Counter = Counter()
    clauses = 0
    for row in rows:
        clauses += 1
        df.update(
            keyword_tokens(row["search_text"] or "", row["accented_text"] or "", row["heading_text"] or "")
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


def count_plan(db, plan_id: int, sign: int) -> None:
    """Inside the write transaction: add (+1) or subtract (-1) one plan's clauses."""
    rows = db.query(f"select {_COLUMNS} from clauses c where c.plan_id = ?", [plan_id])
    _apply(db, _counts(rows), sign)


def count_everything(db) -> None:
    """Fill the tables from every clause (the migration that introduces them)."""
    _apply(db, _counts(db.query(f"select {_COLUMNS} from clauses c")), +1)


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
