"""The generated-lineage benchmark: deterministic articles and a gold that matches their text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench import lineage_corpus as lc

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def corpus() -> lc.Corpus:
    return lc.generate(SEEDS, 300, seed=7)


def test_same_seed_same_corpus(corpus: lc.Corpus) -> None:
    again = lc.generate(SEEDS, 300, seed=7)
    assert lc.records(again) == lc.records(corpus)
    assert lc.records(lc.generate(SEEDS, 300, seed=8)) != lc.records(corpus)


def test_every_operation_of_the_newsroom_is_planted(corpus: lc.Corpus) -> None:
    expected = {
        "whole-paragraph", "sentences-into-new-text", "marks", "drop-word", "insert-word",
        "reorder-sentences", "reorder-paragraphs", "split-paragraph", "merge-paragraphs",
        "dateline", "byline", "chain", "same-day", "from-seed",
    }  # fmt: skip
    assert expected <= {op for op, n in corpus.operations.items() if n > 0}


def test_sentence_offsets_are_exact(corpus: lc.Corpus) -> None:
    by_id = {a.id: a for a in corpus.articles}
    for a in corpus.articles[len(corpus.seeds) :]:
        placed = [s for p in a.paragraphs for s in p.sentences]
        assert [a.text[s:e] for _, s, e in a.spans] == [s.text for s in placed]
    # A seed's spans are its own sentences, as they stand in the file.
    seed = by_id[sorted(corpus.seeds)[0]]
    assert all(seed.text[s:e].strip() for _, s, e in seed.spans)


def test_a_copy_is_never_older_than_its_source(corpus: lc.Corpus) -> None:
    by_id = {a.id: a for a in corpus.articles}
    for a in corpus.articles:
        for tag, _, _ in a.spans:
            if tag and tag[0] != a.id:
                assert by_id[tag[0]].date <= a.date


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def test_gold_runs_are_shared_text_and_origins_are_the_earliest_holders(corpus: lc.Corpus) -> None:
    gold = lc.gold(corpus)
    by_id = {a.id: a for a in corpus.articles}
    assert len(gold.runs) > 500 and gold.planted
    for run in gold.runs[:2000]:
        x = _words(by_id[run.x].text[slice(*run.x_span)])
        y = _words(by_id[run.y].text[slice(*run.y_span)])
        common = set(x) & set(y)
        # Edits change a word or two per sentence, never most of it.
        assert len(common) >= 0.6 * min(len(set(x)), len(set(y)))
        assert (run.x, run.y) not in gold.unscored
    for planted in gold.planted:
        dates = {by_id[d].date for d in planted.earliest}
        assert len(dates) == 1 and dates.pop() <= by_id[planted.document].date
    ties = [p for p in gold.planted if len(p.earliest) > 1]
    assert ties, "same-day copies should give some tied origins"


def test_text_the_seeds_already_share_is_never_planted(corpus: lc.Corpus) -> None:
    # "По его мнению, неотъемлемым фактором..." is in both 000 and 002: its lineage is unknown.
    shared = "неотъемлемым фактором укрепления региональной безопасности"
    derived = corpus.articles[len(corpus.seeds) :]
    assert not any(shared in a.text for a in derived)
