"""Put the diacritics back on a question typed without them, from the plans' own words.

"so xay dung cap phep" → "sở xây dựng cấp phép": each folded syllable may stand
for several accented ones; the corpus's syllable and syllable-pair counts pick
the most likely sequence (a small Viterbi over a bigram model).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from nlp.fold import fold

_SYLLABLE = re.compile(r"[^\W_]+", re.UNICODE)

# Words people ask with that plans rarely contain; without them "so nao lo"
# would borrow "lộ" from the plan instead of "sở nào lo".
QUESTION_WORDS = """nào gì ai đâu sao bao nhiêu lâu giờ khi nào phải làm lo có không được
    của cho tôi muốn hỏi cần những các việc về thế nào hạn chót thời hạn bao giờ ở đâu""".split()


@dataclass
class Vocabulary:
    """Accented syllables of the corpus, grouped by their folded form."""

    unigrams: Counter = field(default_factory=Counter)
    bigrams: Counter = field(default_factory=Counter)
    by_fold: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    total: int | None = None  # every syllable's count, when this is a part of a larger vocabulary

    @classmethod
    def from_texts(cls, texts) -> "Vocabulary":
        vocab = cls()
        vocab.unigrams.update({w: 3 for w in QUESTION_WORDS})
        for text in texts:
            syllables = [s.lower() for s in _SYLLABLE.findall(text)]
            vocab.unigrams.update(syllables)
            vocab.bigrams.update(zip(syllables, syllables[1:]))
        for syllable in vocab.unigrams:
            vocab.by_fold[fold(syllable)].append(syllable)
        return vocab

    def known_share(self, folded_syllables: list[str]) -> float:
        if not folded_syllables:
            return 0.0
        return sum(s in self.by_fold for s in folded_syllables) / len(folded_syllables)


def is_unaccented(text: str) -> bool:
    """True when the text carries no Vietnamese marks at all (đ counts as a mark)."""
    return fold(text) == text.lower()


def restore(text: str, vocab: Vocabulary) -> str:
    """Return `text` with diacritics restored where the corpus knows the syllable."""
    tokens = _SYLLABLE.findall(text.lower())
    if not tokens:
        return text
    # Viterbi over candidates; an unknown syllable keeps its typed form.
    total = vocab.total or sum(vocab.unigrams.values()) or 1
    columns = [vocab.by_fold.get(fold(t)) or [t] for t in tokens]

    def unigram(s: str) -> float:
        return math.log((vocab.unigrams.get(s, 0) + 0.1) / total)

    def transition(a: str, b: str) -> float:
        # Interpolated bigram: pairs seen in the plans weigh far more than chance.
        pair = vocab.bigrams.get((a, b), 0)
        return math.log(pair + 0.01) - math.log(vocab.unigrams.get(a, 0) + 1)

    best = {s: (unigram(s), [s]) for s in columns[0]}
    for column in columns[1:]:
        step = {}
        for s in column:
            score, path = max(
                (
                    (prev_score + transition(prev, s) + 0.3 * unigram(s), prev_path)
                    for prev, (prev_score, prev_path) in best.items()
                ),
                key=lambda item: item[0],
            )
            step[s] = (score, path + [s])
        best = step
    return " ".join(max(best.values(), key=lambda item: item[0])[1])
