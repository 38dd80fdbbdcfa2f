"""Deterministic Russian-like prose: real function words, invented content words.

The words are built from Russian syllables and endings, so text looks and tokenises like
Russian, while no sentence can accidentally repeat a real article's phrase: shared text
in a generated corpus is only ever text that was planted.
"""

from __future__ import annotations

import random
from collections.abc import Callable

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
_SAID = ("сказал он", "отметила она", "заявил министр")
# What a sentence does not end on.
_ENDS = frozenset([*_PREPS, *_CONJ, ","])


def _below(bits: Callable[[int], int], n: int) -> int:
    k = n.bit_length()
    r = bits(k)
    while r >= n:
        r = bits(k)
    return r


def _draws_match_random() -> bool:
    """Whether `_below` draws what `random.Random` draws for `choice` and `randrange`: true of
    CPython, checked rather than assumed; `Prose._sentences` spells `_below` out."""
    a, b = random.Random(12345), random.Random(12345)
    for n in (1, 2, 3, 7, 8, 12, 13, 15, 16, 17, 1000, 2000) * 50:
        if a.choice(range(n)) != _below(b.getrandbits, n):
            return False
        if a.randint(3, n + 3) != 3 + _below(b.getrandbits, n + 1):
            return False
    return a.random() == b.random()


# `_sentences` has these lengths written in, with their bit counts.
_SIZES = (len(_NOUN), len(_ADJ), len(_VERB), len(_ADVERBS), len(_PREPS), len(_CONJ), len(_SAID))
_FAST = _SIZES == (13, 12, 12, 8, 15, 7, 3) and _draws_match_random()


def word_count(sentence: str) -> int:
    """The words (runs of `\\w`) of a sentence `Prose` wrote, counted without a regex: its words
    stand between single spaces with punctuation only at their edges, and the one space-bound
    token with no word is the dash before a quote's speaker."""
    return sentence.count(" ") + 1 - sentence.count(" - ")


class Prose:
    """Sentences and paragraphs of invented Russian, reproducible from the seed.

    On a plain `random.Random` the sentences are drawn by `_sentences`, which makes exactly the
    draws of the readable methods (`clause`, `_phrase`, ...) with their calls inlined, as the
    generated corpora are large; any other generator goes through the readable methods.
    """

    def __init__(self, rng: random.Random, vocabulary: int = 6000) -> None:
        self.rng = rng
        stems = sorted({self._stem() for _ in range(vocabulary)})
        rng.shuffle(stems)
        third = len(stems) // 3
        self.nouns, self.adjectives, self.verbs = stems[:third], stems[third : 2 * third], stems[2 * third :]
        self._fast = _FAST and type(rng) is random.Random

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
        if self._fast:
            return self._sentences(1, min_words, max_words)[0]
        words = self.clause()
        while len(words) < min_words:
            words += [",", self.rng.choice(_CONJ), *self.clause()]
        return self._finish(words[:max_words])

    def _finish(self, words: list[str]) -> str:
        while words[-1] in _PREPS or words[-1] in _CONJ or words[-1] == ",":
            words.pop()
        text = " ".join(words).replace(" ,", ",")
        text = text[0].upper() + text[1:] + "."
        if self.rng.random() < 0.12:
            # Direct speech, as news quotes it: «…», - сказал он.
            text = "«" + text[:-1] + "», - " + self.rng.choice(_SAID) + "."
        return text

    def paragraph(self, sentences: int) -> list[str]:
        if self._fast:
            return self._sentences(sentences, 8, 24)
        return [self.sentence() for _ in range(sentences)]

    def _sentences(self, count: int, min_words: int, max_words: int) -> list[str]:
        """`count` sentences as `sentence` draws them, each `choice` spelled out as CPython
        makes it (`getrandbits` of the length's bit count, redrawn while too large)."""
        rng = self.rng
        rnd, bits = rng.random, rng.getrandbits
        nouns, adjectives, verbs = self.nouns, self.adjectives, self.verbs
        nn, na, nv = len(nouns), len(adjectives), len(verbs)
        nn1, na1, nv1 = nn - 1, na - 1, nv - 1
        noun_end, adj_end, verb_end = _NOUN, _ADJ, _VERB
        preps, conj, adverbs, said = _PREPS, _CONJ, _ADVERBS, _SAID
        ends = _ENDS
        out = []
        for _ in range(count):
            words: list[str] = []
            append = words.append
            while True:  # one clause per turn, joined by a comma and a conjunction
                start = len(words)
                i = 0
                more = 0
                while True:  # a phrase, then after the first the verb, then prepositions
                    j = int(nn * rnd() ** 2)
                    r = bits(4)
                    while r >= 13:
                        r = bits(4)
                    append(nouns[j if j < nn1 else nn1] + noun_end[r])
                    if rnd() < 0.6:
                        j = int(na * rnd() ** 2)
                        r = bits(4)
                        while r >= 12:
                            r = bits(4)
                        words.insert(start, adjectives[j if j < na1 else na1] + adj_end[r])
                    if rnd() < 0.4:
                        j = int(nn * rnd() ** 2)
                        r = bits(4)
                        while r >= 13:
                            r = bits(4)
                        append(nouns[j if j < nn1 else nn1] + noun_end[r])
                    if i == 0:
                        j = int(nv * rnd() ** 2)
                        r = bits(4)
                        while r >= 12:
                            r = bits(4)
                        append(verbs[j if j < nv1 else nv1] + verb_end[r])
                        if rnd() < 0.3:
                            r = bits(4)
                            while r >= 8:
                                r = bits(4)
                            words.insert(len(words) - 1, adverbs[r])
                        r = bits(2)
                        while r >= 3:
                            r = bits(2)
                        more = 2 if r == 2 else 1
                    if i == more:
                        break
                    r = bits(4)
                    while r >= 15:
                        r = bits(4)
                    append(preps[r])
                    start = len(words)
                    i += 1
                if len(words) >= min_words:
                    break
                append(",")
                r = bits(3)
                while r >= 7:
                    r = bits(3)
                append(conj[r])
            del words[max_words:]
            while words[-1] in ends:
                words.pop()
            text = " ".join(words).replace(" ,", ",")
            text = text[0].upper() + text[1:] + "."
            if rnd() < 0.12:
                r = bits(2)
                while r >= 3:
                    r = bits(2)
                text = "«" + text[:-1] + "», - " + said[r] + "."
            out.append(text)
        return out
