"""Deterministic Russian-like prose: real function words, invented content words.

The words are built from Russian syllables and endings, so text looks and tokenises like
Russian, while no sentence can accidentally repeat a real article's phrase: shared text
in a generated corpus is only ever text that was planted.
"""

from __future__ import annotations

import random

_ONSETS = [
    "б",
    "в",
    "г",
    "д",
    "ж",
    "з",
    "к",
    "л",
    "м",
    "н",
    "п",
    "р",
    "с",
    "т",
    "ф",
    "х",
    "ч",
    "ш",
    "бл",
    "бр",
    "вр",
    "гл",
    "гр",
    "др",
    "жд",
    "зв",
    "кл",
    "кр",
    "пл",
    "пр",
    "ст",
    "тр",
    "св",
    "сл",
    "см",
    "сн",
]
_VOWELS = ["а", "е", "и", "о", "у", "ы", "я", "ю"]
_CODAS = ["", "", "", "н", "р", "с", "л", "т", "к", "м", "в", "ст"]
_NOUN = ["ание", "ение", "ость", "ство", "ция", "ник", "ка", "тель", "ность", "ура", "ение", "иат", "ор"]
_ADJ = ["ный", "ная", "ное", "ные", "ного", "ной", "ским", "ская", "ский", "ской", "ового", "овых"]
_VERB = ["ает", "ил", "ила", "или", "ают", "ует", "уют", "ится", "ались", "ировал", "ировали", "ирует"]
_PREPS = ["в", "на", "по", "с", "для", "о", "к", "из", "за", "от", "при", "после", "между", "перед", "через"]
_CONJ = ["и", "а", "но", "также", "что", "однако", "поэтому"]
_ADVERBS = ["также", "уже", "ещё", "вновь", "впервые", "официально", "ранее", "сегодня"]


class Prose:
    """Sentences and paragraphs of invented Russian, reproducible from the seed."""

    def __init__(self, rng: random.Random, vocabulary: int = 6000) -> None:
        self.rng = rng
        stems = sorted({self._stem() for _ in range(vocabulary)})
        rng.shuffle(stems)
        third = len(stems) // 3
        self.nouns, self.adjectives, self.verbs = stems[:third], stems[third : 2 * third], stems[2 * third :]

    def _stem(self) -> str:
        syllables = self.rng.choice((1, 2, 2, 3))
        return "".join(
            self.rng.choice(_ONSETS) + self.rng.choice(_VOWELS) + self.rng.choice(_CODAS)
            for _ in range(syllables)
        )

    def _pick(self, words: list[str]) -> str:
        # A Zipf-like choice: a few stems are common, most are rare, as in real text.
        n = len(words)
        return words[min(n - 1, int(n * self.rng.random() ** 2))]

    def noun(self) -> str:
        return self._pick(self.nouns) + self.rng.choice(_NOUN)

    def adjective(self) -> str:
        return self._pick(self.adjectives) + self.rng.choice(_ADJ)

    def verb(self) -> str:
        return self._pick(self.verbs) + self.rng.choice(_VERB)

    def word(self) -> str:
        return self.rng.choice((self.noun, self.adjective, self.verb))()

    def _phrase(self) -> list[str]:
        words = [self.noun()]
        if self.rng.random() < 0.6:
            words.insert(0, self.adjective())
        if self.rng.random() < 0.4:
            words.append(self.noun())
        return words

    def clause(self) -> list[str]:
        words = [*self._phrase(), self.verb()]
        if self.rng.random() < 0.3:
            words.insert(len(words) - 1, self.rng.choice(_ADVERBS))
        for _ in range(self.rng.choice((1, 1, 2))):
            words += [self.rng.choice(_PREPS), *self._phrase()]
        return words

    def sentence(self, min_words: int = 8, max_words: int = 24) -> str:
        words = self.clause()
        while len(words) < min_words:
            words += [",", self.rng.choice(_CONJ), *self.clause()]
        words = words[:max_words]
        while words[-1] in _PREPS or words[-1] in _CONJ or words[-1] == ",":
            words.pop()
        text = " ".join(words).replace(" ,", ",")
        text = text[0].upper() + text[1:] + "."
        if self.rng.random() < 0.12:
            # Direct speech, as news quotes it: «…», - сказал он.
            text = (
                "«"
                + text[:-1]
                + "», - "
                + self.rng.choice(("сказал он", "отметила она", "заявил министр"))
                + "."
            )
        return text

    def paragraph(self, sentences: int) -> list[str]:
        return [self.sentence() for _ in range(sentences)]
