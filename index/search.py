"""From a question to ranked clauses: FTS5 BM25 + FAISS dense + agency/time signals.

Lexical matching always runs on folded text (so "so xay dung" meets "Sở Xây
dựng"); the dense encoder gets the question with its diacritics restored from the
corpus's own vocabulary, because the model reads accented Vietnamese far better.
"""

from __future__ import annotations

import functools
import json
import math
import unicodedata
from dataclasses import dataclass, field

import numpy as np

from index.records import ClauseRecord, clause_records
from index.restore import Vocabulary, is_unaccented, restore
from index.statistics import TOKEN as _TOKEN
from index.statistics import clause_count, document_frequencies, vocabulary_for
from nlp.agencies import find_agencies
from nlp.fold import fold
from nlp.glossary import glossary
from nlp.quantity import Quantity, quantity_asked

# Function words and question words: they carry no topic, and in a lexical
# OR-query they only add noise. Written with their marks, because folded forms
# collide with content words ("bạn" you / "ban" board, "gì" / "gi").
STOPWORDS = frozenset(
    """
    ai gì nào là có của các những và với cho để được trong về thế như bao nhiêu khi ở đâu
    phải làm này đó thì một hay hoặc từ đến tại theo trên dưới sau trước ra vào cần sao
    muốn tôi chúng ta bạn mình kia đây rồi chưa không gồm nhiệm vụ hỏi
    which what who whom when where why how is are was were the a an of for to in on and or
    be by with that this do does did has have it its as at from i my me we our you your
""".split()
)
# Folded, "bạn" (you) would swallow "ban" (board, "ban hành").
FOLDED_STOPWORDS = frozenset(fold(w) for w in STOPWORDS) - {"ban"}
# "kế hoạch" in a question about a plan names the document itself, not a topic.
DOCUMENT_WORDS = ("kế hoạch này", "của kế hoạch", "trong kế hoạch", "kế hoạch số")


# Folded phrases that ask "by when / how long": they favour clauses with a deadline.
TIME_WORDS = (
    "khi nao",
    "han",
    "thoi han",
    "han chot",
    "bao lau",
    "truoc ngay",
    "bao gio",
    "thoi gian",
    "bao nhieu ngay",
    "bao nhieu gio",
    "deadline",
    "when",
    "by when",
    "how long",
    "ngay nao",
    "luc nao",
    "tien do",
)

# Compounds that only ask (folded): never a topic the plans could lack; "ít nhất" (at
# least) qualifies the amount asked for, which a plan writes "tối thiểu".
QUESTION_COMPOUNDS = frozenset(
    """
    bao_nhieu the_nao nhu_the_nao lam_gi khi_nao bao_gio o_dau tai_sao vi_sao cai_gi la_gi
    hien_nay nam_nay hom_nay the_nay ra_sao nhu_vay duoc_khong it_nhat nhieu_nhat
""".split()
)

MAX_QUESTION_CHARS = 1000
# Candidates whose texts a question asking for an amount reads (rank): the best by both signals.
QUANTITY_POOL = 20
# A heading names what its paragraphs are about in the fewest words.
HEADING_WEIGHT = 3.0
# Rows FTS5 may score for one question (see _within_budget): ~3-5 ms on one core.
LEXICAL_BUDGET = 4000


@dataclass
class Hit:
    clause: ClauseRecord
    quote: str
    score: float
    role: str | None = None  # in a task list: lead | group | partner
    via: str | None = None  # the agency the task list is of, or the group the task was given to


@dataclass
class Answer:
    question: str
    answered: bool
    hits: list[Hit]
    note: str | None = None
    cut_to: int | None = None  # the question was cut to this many characters
    intent: str = "clause"  # clause | agency_tasks | overview | definition | absent_agency | out_of_scope
    plan_filter: str | None = None  # the plan the question named: its answer comes from it only
    details: dict = field(default_factory=dict)  # what the intent's card shows beyond the clauses
    context: object = None  # the question's subject (index.intents.Intent), read by a follow-up

    def as_json(self) -> dict:
        return {
            "question": self.question,
            "answered": self.answered,
            "intent": self.intent,
            "plan_filter": self.plan_filter,
            "results": [
                {
                    "plan": h.clause.plan,
                    "section": h.clause.section,
                    "text": h.clause.text,
                    "quote": h.quote,
                    "lead": h.clause.lead,
                    "partners": h.clause.partners,
                    "deadline": h.clause.deadline.as_json() if h.clause.deadline else None,
                    "target": h.clause.target.as_json() if h.clause.target else None,
                    "page": h.clause.page,
                    "score": round(h.score, 4),
                    "footnotes": h.clause.footnotes,
                    **({"role": h.role, "via": h.via} if h.role else {}),
                }
                for h in self.hits
            ],
            **self.details,
        }


@dataclass(frozen=True)
class Weights:
    """Fusion weights; fitted on the dev questions (see docs/benchmarks.md)."""

    lexical: float = 0.45
    dense: float = 0.35
    coverage: float = 0.2
    agency_lead: float = 0.25
    agency_partner: float = 0.08
    deadline: float = 0.12
    quantity: float = 0.12  # a clause stating the amount asked for ("bao nhiêu tiền")
    # Decline unless the best clause covers enough of the question's informative
    # words, or the encoder is confident on its own (cross-language questions).
    min_coverage: float = 0.28
    min_dense: float = 0.86
    # A question naming a thing no plan mentions ("hộ chiếu", "kết hôn": a compound word
    # absent from every clause) is answered only when the best clause covers it well.
    min_coverage_unknown: float = 0.45


@dataclass
class Question:
    """A question normalized for both signals."""

    text: str  # NFC, whitespace collapsed, cut to MAX_QUESTION_CHARS
    dense_text: str  # with diacritics restored when they were missing
    terms: list[str]  # folded informative syllables
    accented_terms: list[str]  # the same with their marks, when the question has marks
    agencies: list[str]
    asks_time: bool
    foreign: bool  # mostly words the plans never use (e.g. English)
    cut_to: int | None = None
    unknown_words: tuple[str, ...] = ()  # compound words of the question that no clause has
    quantity: Quantity | None = None  # the amount asked for: "bao nhiêu tiền" wants a sum


@dataclass(frozen=True)
class ClauseFeatures:
    """What ranking needs of a candidate clause beyond its scores."""

    tokens: frozenset[str]  # the question's terms among its keyword tokens
    lead: frozenset[str]  # folded agency names
    partners: frozenset[str]
    has_deadline: bool


@dataclass
class CorpusStats:
    """What one question needs of the corpus (index/statistics.py keeps the counts).

    The clause count, the document frequencies of the question's terms and compounds, and
    the part of the vocabulary its syllables can stand for (for restoring marks).
    """

    vocabulary: Vocabulary
    document_frequency: dict[str, int]
    clauses: int

    def idf(self, term: str) -> float:
        return math.log((self.clauses + 1) / (self.document_frequency.get(term, 0) + 0.5))

    def idfs(self, terms: list[str]) -> dict[str, float]:
        return {t: self.idf(t) for t in terms}


def corpus_stats(db, raw: str) -> CorpusStats:
    """What normalizing the question needs: the clause count and the vocabulary its syllables
    can stand for (document frequencies come in `complete_stats`)."""
    return CorpusStats(vocabulary_for(db, raw[: 2 * MAX_QUESTION_CHARS]), {}, clause_count(db))


def complete_stats(db, question: Question, stats: CorpusStats) -> None:
    """The document frequencies of the normalized question's terms, and its unknown words."""
    folded, accented = _gram_lists(question)
    stats.document_frequency = document_frequencies(db, [*folded, *accented])
    question.unknown_words = unknown_words(db, question, stats)


def question_stats(db, raw: str) -> tuple[Question, CorpusStats]:
    """The normalized question and the statistics it needs, read inside one snapshot."""
    stats = corpus_stats(db, raw)
    question = normalize_question(raw, stats)
    complete_stats(db, question, stats)
    return question, stats


@functools.lru_cache(maxsize=4096)
def _folded_agencies(names_json: str | None) -> frozenset[str]:
    """A clause's lead or partners column, folded (the same few hundred values recur)."""
    return frozenset(fold(a) for a in json.loads(names_json or "[]"))


def load_features(db, clause_ids, terms: list[str] = ()) -> dict[int, ClauseFeatures]:
    """The candidates' features, read from their rows (a few hundred per question).

    `tokens` holds the `terms` the clause has (all coverage asks of it), from the keyword
    tokens the clause stores (index/statistics.py tokens_column): a substring test per term,
    rather than a pattern run over each candidate's whole text.
    """
    ids = list(clause_ids)
    wanted = frozenset(t for t in terms if t)
    features = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = db.conn.execute(
            "select c.id, c.lead, c.partners, c.tokens, "
            "(c.target is not null or exists(select 1 from deadlines d where d.clause_id = c.id)) "
            f"from clauses c where c.id in ({marks})",
            chunk,
        )
        for clause_id, lead, partners, tokens, has_deadline in rows:
            padded = f" {tokens or ''} "  # distinct tokens joined by spaces: " term " finds exactly one
            found = frozenset(t for t in wanted if f" {t} " in padded)
            features[clause_id] = ClauseFeatures(
                found, _folded_agencies(lead), _folded_agencies(partners), bool(has_deadline)
            )
    return features


def normalize_question(raw: str, stats: CorpusStats) -> Question:
    text = " ".join(unicodedata.normalize("NFC", raw).split())
    cut_to = None
    if len(text) > MAX_QUESTION_CHARS:
        text = text[:MAX_QUESTION_CHARS].rsplit(" ", 1)[0]
        cut_to = MAX_QUESTION_CHARS
    folded = fold(text)
    syllables = _TOKEN.findall(folded)
    known = stats.vocabulary.known_share(syllables)
    foreign = known < 0.5
    dense_text = text
    if is_unaccented(text) and known >= 0.6:
        dense_text = restore(text, stats.vocabulary)
    padded = f" {' '.join(syllables)} "
    # The keyword side reads the question in the plan's words (English terms
    # carried over, references to the document itself dropped). A question typed
    # without marks is matched folded only: a wrongly restored mark must not
    # cost it a match.
    lexical = glossary(text) if foreign else text
    lowered = f" {' '.join(_TOKEN.findall(lexical.lower()))} "
    for phrase in DOCUMENT_WORDS:
        lowered = lowered.replace(f" {phrase} ", f" {phrase.replace('kế hoạch', '')} ")
    words = _TOKEN.findall(lowered)
    quantity = quantity_asked(text)
    if quantity is not None and quantity.spelled:  # "mét vuông", which a plan writes "m2"
        words = [w for w in words if fold(w) not in quantity.spelled]
    accented = [] if is_unaccented(lexical) else [w for w in dict.fromkeys(words) if w not in STOPWORDS]
    return Question(
        text=text,
        dense_text=dense_text,
        terms=[w for w in dict.fromkeys(fold(w) for w in words) if w not in FOLDED_STOPWORDS],
        accented_terms=accented,
        agencies=find_agencies(text),
        asks_time=any(f" {w} " in padded for w in TIME_WORDS),
        foreign=foreign,
        cut_to=cut_to,
        quantity=quantity,
    )


def unknown_words(db, question: Question, stats: CorpusStats) -> tuple[str, ...]:
    """The question's words that occur in no clause, question words aside.

    Its compound words (underthesea), and, for a question typed without marks (whose
    unknown words are neither restored nor segmented), its syllables no clause has.
    """
    from nlp.segment import segment  # underthesea: imported on the first question only

    if question.foreign:
        return ()
    words = _TOKEN.findall(fold(segment(question.dense_text)[1].lower()))
    spelled = set(question.quantity.spelled) if question.quantity else set()
    compounds = [
        w
        for w in dict.fromkeys(words)
        if "_" in w and w not in QUESTION_COMPOUNDS and not set(w.split("_")) <= spelled
    ]
    if is_unaccented(question.text):
        compounds += [w for w in question.terms if not w.isdigit()]
    missing = [w for w in compounds if w not in stats.document_frequency]
    if missing:
        stats.document_frequency.update(document_frequencies(db, missing))
    return tuple(w for w in compounds if not stats.document_frequency.get(w))


def _grams(terms: list[str]) -> list[str]:
    """The terms and their adjacent pairs and triples as compounds.

    Pairs and triples match the index's word-segmented compounds ("cap_phep"), which
    are rarer than their syllables and so weigh more in BM25. Every gram is purely
    alphanumeric (and "_"): the user's text never reaches FTS5 syntax.
    """
    tokens = [t for t in terms if t.isalnum()]
    grams = list(tokens)
    grams += ["_".join(p) for p in zip(tokens, tokens[1:])]
    grams += ["_".join(p) for p in zip(tokens, tokens[1:], tokens[2:])]
    return list(dict.fromkeys(grams))


def _gram_lists(question: Question) -> tuple[list[str], list[str]]:
    return _grams(question.terms), _grams(question.accented_terms)


def _within_budget(sides: list[list[str]], df: dict[str, int] | None) -> list[list[str]]:
    """The grams to match, so that FTS5 scores at most LEXICAL_BUDGET rows.

    FTS5 computes BM25 for every row an OR-query matches before it sorts: a question of
    ordinary words matched nearly every clause of a large corpus (93k of 100k, 374 ms).
    When the grams' document frequencies add up to more than the budget, the rarest are
    kept (compounds and topic words; "xây dựng" or "sở" in every other clause are not),
    so the cost stops growing with the corpus. Dropped grams still count in coverage.
    Below the budget (any corpus of a few thousand clauses) every gram is matched.
    """
    if df is None:
        return sides
    pairs = [(df.get(g, 0), side, g) for side, grams in enumerate(sides) for g in grams]
    if sum(n for n, _, _ in pairs) <= LEXICAL_BUDGET:
        return sides
    kept: set[tuple[int, str]] = set()
    used = 0
    for n, side, gram in sorted(pairs):
        if used + n > LEXICAL_BUDGET:
            break
        kept.add((side, gram))
        used += n
    return [[g for g in grams if (side, g) in kept] for side, grams in enumerate(sides)]


def fts_query(question: Question, df: dict[str, int] | None = None) -> str:
    """Folded terms against the folded column; with marks, also against the accented one."""
    folded, accented = _within_budget(list(_gram_lists(question)), df)
    parts = []
    if folded:
        parts.append(f"{{search_text heading_text}} : ({_quoted_or(folded)})")
    if accented:
        parts.append(f"{{accented_text heading_text}} : ({_quoted_or(accented)})")
    return " OR ".join(parts)


def _quoted_or(grams: list[str]) -> str:
    return " OR ".join(f'"{g}"' for g in grams)


def match_terms(question: Question) -> list[str]:
    # With marks, "ký" must not count as found in "kỹ thuật".
    return question.accented_terms or question.terms


def lexical_scores(db, question: Question, limit: int, df: dict[str, int] | None = None) -> dict[int, float]:
    query = fts_query(question, df)
    if not query:
        return {}
    rows = db.query(
        f"select rowid, -bm25(clauses_fts, 1.0, 1.0, {HEADING_WEIGHT}) as score from clauses_fts "
        f"where clauses_fts match ? order by score desc limit ?",
        [query, limit],
    )
    return {row["rowid"]: row["score"] for row in rows}


def coverage(
    question: Question, clause_terms: set[str], stats: CorpusStats, weights: dict[str, float] | None = None
) -> float:
    """IDF-weighted share of the question's informative words found in the clause.

    `weights`: the terms' IDFs, when the caller computed them once for many clauses."""
    terms = match_terms(question)
    if not terms:
        return 0.0
    weights = weights or stats.idfs(terms)
    total = sum(weights[t] for t in terms)
    found = sum(weights[t] for t in terms if t in clause_terms)
    return found / total if total else 0.0


def quote_for(question: Question, clause: ClauseRecord, stats: CorpusStats) -> str:
    """The sentence(s) of the clause that answer: best word overlap, plus the one stating the
    amount asked for, and the deadline's and target's."""
    sentences = clause.sentences or [clause.text]
    terms = match_terms(question)
    scored = []
    for i, sentence in enumerate(sentences):
        lowered = sentence.lower()
        words = set(_TOKEN.findall(lowered if question.accented_terms else fold(lowered)))
        scored.append((sum(stats.idf(t) for t in terms if t in words), -i, sentence))
    best = max(scored)[2]
    chosen = [best]
    quantity = question.quantity
    if quantity is not None and not quantity.stated_in(fold(best)):  # the sentence with the amount
        chosen += [s for s in sentences if quantity.stated_in(fold(s))][:1]
    for time in (clause.deadline, clause.target):
        if time and time.text not in best and (question.asks_time or len(sentences) > 1):
            for sentence in sentences:
                if time.text in sentence and sentence not in chosen:
                    chosen.append(sentence)
                    break
    return " ".join(s for s in sentences if s in chosen)


def _minmax(values: dict[int, float]) -> dict[int, float]:
    if not values:
        return {}
    low, high = min(values.values()), max(values.values())
    span = high - low
    return {k: ((v - low) / span if span > 1e-9 else 1.0) for k, v in values.items()}


def rank(
    db,
    question: Question,
    dense: list[tuple[int, float]],
    stats: CorpusStats,
    weights: Weights,
    k: int,
    signals: str = "hybrid",
    lexical: dict[int, float] | None = None,
    features: dict[int, ClauseFeatures] | None = None,
) -> Answer:
    """Fuse the signals over the union of lexical and dense candidates.

    `lexical` and `features`: the keyword scores and the candidates' features, when the caller
    read them already (while the question was being encoded)."""
    if lexical is None:
        lexical = lexical_scores(db, question, 100, stats.document_frequency) if signals != "dense" else {}
    dense_scores = dict(dense) if signals != "lexical" else {}
    candidates = set(lexical) | set(dense_scores)
    if not candidates:
        return Answer(question.text, False, [], cut_to=question.cut_to)
    lexical_n = {i: s / max(lexical.values()) for i, s in lexical.items()} if lexical else {}
    dense_n = _minmax(dense_scores)
    asked = {fold(a) for a in question.agencies}
    known = dict(features or {})
    known.update(load_features(db, candidates - known.keys(), match_terms(question)))
    idfs = stats.idfs(match_terms(question))
    scored = []
    for clause_id in candidates:
        features = known.get(clause_id)
        if features is None:  # removed since this version's statistics were taken
            continue
        cov = coverage(question, features.tokens, stats, idfs)
        score = (
            weights.lexical * lexical_n.get(clause_id, 0.0)
            + weights.dense * dense_n.get(clause_id, 0.0)
            + weights.coverage * cov
        )
        if asked & features.lead:
            score += weights.agency_lead
        elif asked & features.partners:
            score += weights.agency_partner
        if question.asks_time and features.has_deadline:
            score += weights.deadline
        scored.append((score, cov, dense_scores.get(clause_id, 0.0), clause_id))
    if not scored:
        return Answer(question.text, False, [], cut_to=question.cut_to)
    scored.sort(key=lambda item: (-item[0], item[3]))
    stating, quantity = set(), question.quantity
    if quantity is not None:
        # A question asking for an amount reads the texts of a wider pool, to lift the clauses
        # that state one: a plan's amount is a figure with its unit, which neither signal weighs.
        pool = [clause_id for *_, clause_id in scored[:QUANTITY_POOL]]
        marks = ",".join("?" * len(pool))
        texts = db.conn.execute(f"select id, text from clauses where id in ({marks})", pool)
        stating = {i for i, text in texts if quantity.stated_in(fold(text))}
        scored = [(s + weights.quantity * (i in stating), c, d, i) for s, c, d, i in scored]
        scored.sort(key=lambda item: (-item[0], item[3]))
    top_score, top_cov, top_dense, _ = scored[0]
    top = [clause_id for *_, clause_id in scored[:k]]
    marks = ",".join("?" * len(top))
    records = {r.id: r for r in clause_records(db, f"c.id in ({marks})", top)}
    if signals == "dense":
        answered = top_dense >= weights.min_dense
    else:
        # Cross-language cosines run lower (an English question's best match
        # scores ~0.8 whether or not the plan covers it), so a foreign question
        # is answered on the coverage its glossary terms reach.
        answered = top_cov >= weights.min_coverage or top_dense >= weights.min_dense
        if question.unknown_words and top_cov < weights.min_coverage_unknown:
            answered = False
    note = None
    if quantity is not None and quantity.strict and not stating & {i for *_, i in scored[:k]}:
        answered, note = False, f"no {quantity.kind} stated"  # the plans do not say how much
    hits = [
        Hit(records[i], quote_for(question, records[i], stats), score)
        for score, _, _, i in scored[:k]
        if i in records
    ]
    return Answer(question.text, answered, hits, note, cut_to=question.cut_to)


def dense_candidates(index, embedder, question: Question, limit: int) -> list[tuple[int, float]]:
    if index is None or embedder is None:
        return []
    vector = embedder.embed_batch([question.dense_text], "query")[0]
    return index.search(np.asarray(vector, dtype=np.float32), limit)
