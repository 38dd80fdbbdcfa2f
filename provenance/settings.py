"""Every setting that affects detection, with the reasons for the defaults."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from provenance.text import NORMALIZATION_VERSION

# Signatures are those of datasketch.MinHash(scheme="affine32", hashfunc=zlib.crc32) over
# the UTF-8 shingles, so they can be handed to datasketch and compared with its own.
MINHASH_SCHEME = "affine32"
SHINGLE_HASH = "crc32"


@dataclass(frozen=True)
class DetectionSettings:
    # Units are sentences, so that one copied sentence inside an otherwise rewritten
    # paragraph is a near-duplicate unit of its own; paragraph-level Jaccard dilutes it.
    # Sentences shorter than `min_words` are joined to the next; long ones are cut into
    # overlapping windows so one copied clause is not drowned in a 100-word sentence.
    unit_max_words: int = 40
    unit_stride_words: int = 20
    # Word 3-grams: a one-word edit in an 8-word sentence still leaves half the shingles.
    shingle_words: int = 3
    # MinHash as datasketch computes it (see MINHASH_SCHEME and SHINGLE_HASH).
    num_perm: int = 128
    seed: int = 1
    # A shingle in more than this many documents (an outlet's byline or dateline, a
    # sign-off) is left out of a unit's signature where it is a minority of the unit: joined
    # to a sentence it would make that sentence a candidate of every article of the outlet.
    # A passage copied by hundreds of outlets is frequent throughout and keeps its shingles.
    max_shingle_documents: int = 100
    # 64 bands of 2 rows: P(candidate) = 1 - (1 - J^2)^64 is 0.998 at J = 0.3, so a
    # sentence copied through a chain of edits (two or three words changed, J ≈ 0.3) is
    # still retrieved; 42 × 3 missed a fifth of those. Verification is exact, so a loose
    # net costs only time (about +10 % on the generated-lineage benchmark).
    lsh_bands: int = 64
    lsh_rows: int = 2
    # The banding also passes about one unit pair in six that shares a single common phrase
    # (J ≈ 0.05), a number that grows with the square of the archive; a pair goes on to
    # alignment only when its signatures agree on this share of their 128 values (the
    # MinHash estimate of J). Pairs at J = 0.2 pass 99.9 % of the time, at J = 0.05 1.2 %.
    candidate_min_jaccard: float = 0.1
    # Pairs of short sentences sharing a single common three-word phrase (J ≈ 0.09 for two
    # 8-word sentences) pass that estimate a third of the time, and their number too grows
    # with the square of the archive: a pair of documents goes on to alignment only when
    # its candidate units share at least this many distinct shingles, as any reuse of
    # `min_words` words (8 words hold 6 three-word shingles) does. 0 keeps every pair.
    # Shingles in more than `max_shingle_documents` documents count only where the pair
    # shares as many of them as a whole reuse of `min_words` words holds (a passage copied
    # by hundreds of outlets): three of them are one outlet's sign-off ("… – сказал он.
    # Источник: Курьер"), which two unrelated articles share ever more often as the
    # archive grows and more of their phrases cross that limit.
    candidate_min_shingles: int = 3
    # Alignment: exact word 3-gram anchors chained across gaps of up to 4 words; the
    # chain's ends then grow over equal words the anchors cannot reach.
    anchor_words: int = 3
    max_gap_words: int = 4
    max_anchor_occurrences: int = 50
    # A passage is reuse when at least 8 of its words are matched outside stock phrases,
    # 4 of them content words: "is a concept in object oriented programming" is topic,
    # not reuse (on Clough's answers 4 halves the links between independent answers).
    min_words: int = 8
    min_content_words: int = 4
    near_verbatim_similarity: float = 0.8

    def __post_init__(self) -> None:
        if self.lsh_bands * self.lsh_rows > self.num_perm:
            raise ValueError("lsh_bands × lsh_rows must not exceed num_perm")
        if (
            min(
                self.shingle_words,
                self.anchor_words,
                self.min_words,
                self.lsh_bands,
                self.lsh_rows,
                self.max_shingle_documents,
            )
            < 1
        ):
            raise ValueError("word counts, bands and rows must be positive")
        if not 0 <= self.min_content_words <= self.min_words:
            raise ValueError("min_content_words must be between 0 and min_words")
        if self.unit_stride_words < 1 or self.unit_stride_words > self.unit_max_words:
            raise ValueError("unit_stride_words must be between 1 and unit_max_words")
        if self.candidate_min_shingles < 0:
            raise ValueError("candidate_min_shingles must not be negative")
        if not 0.0 <= self.candidate_min_jaccard <= 1.0:
            raise ValueError("candidate_min_jaccard must be between 0 and 1")
        if not 0.0 <= self.near_verbatim_similarity <= 1.0:
            raise ValueError("near_verbatim_similarity must be between 0 and 1")

    @property
    def reuse_shingles(self) -> int:
        """Shingles in a reuse of `min_words` words: those a copy shares with its source."""
        return max(1, self.min_words - self.shingle_words + 1)

    @property
    def lsh_threshold(self) -> float:
        """Jaccard similarity at which the banding S-curve is steepest, (1/b)^(1/r)."""
        return (1.0 / self.lsh_bands) ** (1.0 / self.lsh_rows)

    def candidate_probability(self, jaccard: float) -> float:
        """Probability that two units of this Jaccard similarity share at least one band."""
        return 1.0 - (1.0 - jaccard**self.lsh_rows) ** self.lsh_bands

    def to_parameters(self) -> dict[str, Any]:
        """The settings as recorded in a report."""
        params = asdict(self)
        params["normalization"] = NORMALIZATION_VERSION
        params["scheme"] = MINHASH_SCHEME
        params["hash"] = SHINGLE_HASH
        params["unit"] = "sentence"
        params["lsh_threshold"] = round(self.lsh_threshold, 4)
        params["candidate_probability"] = {
            f"{j:.1f}": round(self.candidate_probability(j), 4) for j in (0.2, 0.3, 0.4, 0.5, 0.6, 0.8)
        }
        return dict(sorted(params.items()))
