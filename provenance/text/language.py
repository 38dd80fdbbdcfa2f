"""The language a document is written in, told by lingua from the start of its text.

lingua's models ship inside its wheel: nothing is downloaded at run time. It is asked to choose
among the region's languages it knows (Russian, Kazakh, English) and two Turkic languages
written in the Latin alphabet (Turkish, Azerbaijani) that stand in for the region's Latin
Uzbek, Turkmen and Kazakh, which lingua does not know: such a text is then "not told" rather
than English. lingua knows neither Uzbek nor Kyrgyz, so their Cyrillic texts are told as
Kazakh, their nearest neighbour.

Too little text, or no language clearly ahead, gives None: a language is never guessed.

lingua's low-accuracy mode (trigrams only) reads a few sentences as well as its full mode and
loads its models far faster, a cost every `check` process pays at start.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from lingua import Language as LinguaLanguage
from lingua import LanguageDetector, LanguageDetectorBuilder

# The languages a document may be said to be in (ISO 639-1).
LANGUAGES: tuple[str, ...] = ("ru", "kk", "en")
_TOLD = {LinguaLanguage.RUSSIAN: "ru", LinguaLanguage.KAZAKH: "kk", LinguaLanguage.ENGLISH: "en"}
# Chosen among but never reported (see the module's docstring).
_STAND_INS = (LinguaLanguage.TURKISH, LinguaLanguage.AZERBAIJANI)
# The code points read from the start of a text: a few sentences tell these languages
# apart, and reading whole articles would cost as much as the rest of a scan.
SAMPLE_CHARS = 500
# Fewer letters than this in the sample (a headline, a dateline) say too little.
MIN_LETTERS = 20
# The share of lingua's confidence the first language needs; below it, the text is mixed
# or unlike every language offered.
MIN_CONFIDENCE = 0.8


@dataclass(frozen=True, slots=True)
class Language:
    """A document's language: ISO 639-1 `code` and lingua's `confidence` (0-1, 2 decimals)."""

    code: str
    confidence: float

    def to_json(self) -> dict[str, str | float]:
        return {"code": self.code, "confidence": self.confidence}


@cache
def _detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*_TOLD, *_STAND_INS).with_low_accuracy_mode().build()


def detect_language(text: str) -> Language | None:
    """The language of `text` from its first `SAMPLE_CHARS` code points, or None when they
    have fewer than `MIN_LETTERS` letters, the leading language has under `MIN_CONFIDENCE`,
    or it is not one of `LANGUAGES`. Same text, same answer."""
    sample = text[:SAMPLE_CHARS]
    if sum(map(str.isalpha, sample)) < MIN_LETTERS:
        return None
    best = _detector().compute_language_confidence_values(sample)[0]
    code = _TOLD.get(best.language)
    # Rounded first, so the threshold is applied to the value the report shows.
    confidence = round(best.value, 2)
    if code is None or confidence < MIN_CONFIDENCE:
        return None
    return Language(code, confidence)
