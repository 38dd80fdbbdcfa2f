"""Verify and align: exact reused stretches, edits bridged, stock phrases ignored."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance import detect
from provenance.detect.align import DocumentGrams, _Chain, _chains, align, char_span, document_grams
from provenance.detect.stock import load_stock_phrases, stock_mask
from provenance.pipeline import dumps, scan
from provenance.settings import DetectionSettings
from provenance.text import normalize, tokenize

S = DetectionSettings()

SENTENCE = (
    "по его мнению неотъемлемым фактором укрепления региональной безопасности остается ситуация в афганистане"
)


def words(text: str) -> list[str]:
    return normalize(text).split()


def test_one_copied_sentence_inside_a_rewritten_paragraph() -> None:
    a = words("Совсем другой текст о погоде и урожае. " + SENTENCE + ". И еще о футболе.")
    b = words("В Ташкенте прошла встреча министров. " + SENTENCE + ". Потом был обед и концерт.")
    [m] = align(a, b, S)
    assert a[m.a[0] : m.a[1]] == SENTENCE.split()
    assert b[m.b[0] : m.b[1]] == SENTENCE.split()
    assert m.kind == "verbatim" and m.similarity == 1.0 and m.matched_words == 12


def test_reuse_at_offset_zero_and_whole_document_copy() -> None:
    a = words(SENTENCE + " " + SENTENCE.replace("афганистане", "регионе"))
    [m] = align(a, list(a), S)
    assert m.a == (0, len(a)) and m.b == (0, len(a))


def test_edits_are_bridged_into_one_near_verbatim_passage() -> None:
    base = (
        "первый саммит состоявшийся три года назад в астане стал отправной точкой продуктивного "
        "взаимодействия в многостороннем формате"
    )
    edited = base.replace("три года назад", "три года тому назад").replace("продуктивного", "плодотворного")
    [m] = align(base.split(), edited.split(), S)
    assert m.a == (0, len(base.split())) and m.b == (0, len(edited.split()))
    assert m.kind == "near-verbatim"
    assert 0.8 <= m.similarity < 1.0


def test_edges_stop_at_the_last_anchor_rather_than_overshoot() -> None:
    base = "первый саммит состоявшийся три года назад в астане стал отправной точкой продуктивного взаимодействия"
    edited = base.replace("продуктивного", "плодотворного") + " а дальше совсем другой текст"
    [m] = align(base.split(), edited.split(), S)
    assert m.a == (0, 11) and m.b == (0, 11)  # "точкой" is the last word both share in a run of three


def test_edges_grow_over_an_edit_two_words_from_the_start() -> None:
    # Two words inserted after "здесь полезную": no 3-gram reaches back over them, but the
    # pair of equal words does, so the passage starts where the sentence starts.
    source = words(
        "Начало другого текста. Здесь полезную роль могла бы сыграть миссия по содействию Афганистану."
    )
    copy = words(
        "Иной заголовок статьи. Здесь полезную важную новую роль могла бы сыграть миссия по содействию Афганистану."
    )
    [m] = align(source, copy, S)
    assert source[m.a[0] : m.a[0] + 2] == ["здесь", "полезную"]
    assert copy[m.b[0] : m.b[0] + 2] == ["здесь", "полезную"]
    assert m.matched_words == 10  # every word of the source sentence


def test_edges_do_not_grow_onto_one_stray_common_word() -> None:
    # "в" before the passage in both texts, one skipped word apart: a lone word, not a pair.
    source = words("Вчера в городе. " + SENTENCE)
    copy = words("Утром в старом здании. " + SENTENCE)
    [m] = align(source, copy, S)
    assert source[m.a[0]] == "по" and copy[m.b[0]] == "по"


def test_a_match_of_function_words_and_topic_terms_is_not_reuse() -> None:
    # Eight words in common, but only "inheritance", "concept", "object", "oriented",
    # "programming" minus the function words: four content words are required.
    a = words("Inheritance is a concept in object oriented programming languages")
    b = words("Inheritance is a concept in object oriented programming, say many")
    content = [w not in {"is", "a", "in"} for w in a]
    assert align(a, b, S, None, content) != []  # five content words
    fewer = [w not in {"is", "a", "in", "object", "oriented"} for w in a]
    assert align(a, b, S, None, fewer) == []  # three


def test_too_short_or_stock_only_matches_are_not_reuse() -> None:
    seven = "один два три четыре пять шесть семь"
    assert align(words("А " + seven + " Б"), words("В " + seven + " Г"), S) == []
    stock = "Президент Казахстана Касым-Жомарт Токаев принял участие в заседании"
    a = words(stock + " совета по экономике")
    b = words(stock + " форума по туризму")
    assert len(a[:9]) == 9  # long enough on its face ...
    mask = stock_mask(a, load_stock_phrases())
    assert align(a, b, S, mask) == []  # ... but only stock phrases and one word are shared
    assert align(a, b, S) != []


def test_repeated_passage_is_matched_at_each_place() -> None:
    a = words(SENTENCE)
    b = words(SENTENCE + ". Другое. " + SENTENCE)
    found = align(a, b, S)
    assert sorted(m.b for m in found) == [(0, 12), (13, 25)]


def test_char_span_is_the_exact_original_passage() -> None:
    text = "Вступление. По его мнению, неотъемлемым фактором укрепления региональной безопасности остается ситуация в Афганистане. Конец."
    tokens = tokenize(text)
    norms = [t.norm for t in tokens]
    [m] = align(norms, words(SENTENCE), S)
    start, end = char_span(text, [t.start for t in tokens], [t.end for t in tokens], m.a, len(text))
    assert text[start:end] == (
        "По его мнению, неотъемлемым фактором укрепления региональной безопасности остается ситуация в Афганистане."
    )


def _reference_chains(a: list[int], b: list[int], settings: DetectionSettings) -> list[_Chain]:
    """Chaining as it was done before alignment structures were kept per document: every
    k-gram of both word lists rebuilt for the pair."""
    k, gap = settings.anchor_words, settings.max_gap_words
    reach = k + gap
    grams_a = list(zip(*(a[t:] for t in range(k)), strict=False))
    grams_b = list(zip(*(b[t:] for t in range(k)), strict=False))
    common = set(grams_a).intersection(grams_b)
    index: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for j, gram in enumerate(grams_b):
        if gram in common:
            index[gram].append(j)
    done: list[_Chain] = []
    active: list[_Chain] = []
    for i in (i for i, gram in enumerate(grams_a) if gram in common):
        done.extend(c for c in active if i - c.i_last > reach)
        active = [c for c in active if i - c.i_last <= reach]
        js = index[grams_a[i]]
        if len(js) > settings.max_anchor_occurrences:
            continue
        for j in js:
            best, best_key = None, None
            for c in active:
                di, dj = i - c.i_last, j - c.j_last
                if di < 1 or dj < 1 or dj > reach or abs(di - dj) > gap:
                    continue
                if best_key is None or (abs(di - dj), di) < best_key:
                    best, best_key = c, (abs(di - dj), di)
            if best is None:
                active.append(_Chain(i, j, [(i, j)]))
            else:
                best.i_last, best.j_last = i, j
                best.anchors.append((i, j))
    return done + active


# Few distinct words, so k-grams repeat within and across the lists, and copies between them.
_word_lists = st.lists(st.integers(0, 5), max_size=60)


@given(_word_lists, _word_lists, st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), max_size=3))
@settings(max_examples=300, deadline=None)
def test_chains_from_document_structures_are_the_reference_chains(
    a: list[int], b: list[int], copies: list[tuple[int, int]]
) -> None:
    for start, length in copies:  # a stretch of a planted into b
        b = b[: len(b) // 2] + a[start : start + length] + b[len(b) // 2 :]
    tight = DetectionSettings(max_anchor_occurrences=3)
    for s in (S, tight):
        k = s.anchor_words
        ids_a, ids_b = np.array(a, dtype=np.int32), np.array(b, dtype=np.int32)
        new = _chains(document_grams(ids_a, k), document_grams(ids_b, k), s)
        old = _reference_chains(a, b, s)
        key = lambda c: c.anchors  # noqa: E731
        assert sorted(new, key=key) == sorted(old, key=key)


def _long_and_copies(folder: Path) -> None:
    """One long article and short articles each copying one sentence of it: every short one
    pairs with the long one, and some with each other."""
    sentences = [f"{SENTENCE.replace('афганистане', f'районе номер {n}')}." for n in range(40)]
    folder.mkdir(exist_ok=True)
    (folder / "long.txt").write_text("date: 2025-11-15\n\n" + " ".join(sentences) + "\n", encoding="utf-8")
    for n in range(12):
        (folder / f"short-{n:02}.txt").write_text(
            f"date: 2025-11-16\n\nВ Ташкенте прошла встреча. {sentences[n * 3 % 40]} Потом был обед.\n",
            encoding="utf-8",
        )


def test_each_document_structure_is_made_once_however_many_pairs_it_is_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _long_and_copies(tmp_path)
    made: Counter[int] = Counter()
    real = detect.document_grams

    def counted(ids: np.ndarray, k: int) -> DocumentGrams:
        made[len(ids)] += 1
        return real(ids, k)

    monkeypatch.setattr(detect, "document_grams", counted)
    report = scan(tmp_path, jobs=1).to_dict()
    assert len(report["links"]) >= 12
    longest = max(made)
    assert made[longest] == 1, made
    # Every document's structure once: as many as documents in some candidate pair.
    assert sum(made.values()) <= 13


def test_a_cache_keeping_only_the_pair_at_hand_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _long_and_copies(tmp_path)
    kept = dumps(scan(tmp_path, jobs=1))
    monkeypatch.setattr(detect, "CACHE_WORDS", 0)
    assert dumps(scan(tmp_path, jobs=1)) == kept
