"""What the seed links mean to an editor: quotation or copy, credit, boilerplate, scraper repeats.

Each test names a fact of the seed articles and would fail if the feature behind it broke.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from seed_ids import D000, D001, D002, D003, D004, SEEDS

from provenance.pipeline import scan

OTRADNO = "Отрадно, что ситуация в самом центральноазиатском регионе"
FIRST_SUMMIT = "состоявшийся три года назад в Астане, стал отправной точкой продуктивного взаимодействия"


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    # Every text: 003 and 004 share nothing, and their spans are what some tests look at.
    return scan(SEEDS, texts="all").to_dict()


def _doc(report: dict[str, Any], doc_id: str) -> dict[str, Any]:
    return next(d for d in report["documents"] if d["id"] == doc_id)


def _links_with(report: dict[str, Any], fragment: str, docs: set[str]) -> list[dict[str, Any]]:
    return [
        k
        for k in report["links"]
        if {k["source"]["document"], k["target"]["document"]} == docs
        and fragment in k["source"]["snippet"]
        and fragment in k["target"]["snippet"]
    ]


def test_the_presidents_words_quoted_by_two_outlets_are_a_shared_quotation(report: dict[str, Any]) -> None:
    [link] = _links_with(report, OTRADNO, {D001, D002})
    assert link["class"] == "shared-quotation"
    assert link["quotation"] == {"source": 1.0, "target": 1.0}
    # Who printed it first is still recorded: NUR.KZ on the 9th, nCa on the 10th.
    assert (link["direction"], link["source"]["document"]) == ("earlier-to-later", D001)


def test_the_first_summit_sentence_is_uncredited_copied_text(report: dict[str, Any]) -> None:
    [link] = _links_with(report, FIRST_SUMMIT, {D000, D001})
    assert link["class"] == "copied-text"
    assert link["quotation"] == {"source": 0.0, "target": 0.0}
    assert link["credited"] is False and link["credit"] is None
    assert (link["source"]["document"], link["target"]["document"]) == (D001, D000)


def test_a_quotation_turned_into_prose_is_mixed(report: dict[str, Any]) -> None:
    # 000 quotes Tokayev after a dash; 002 retells the same words as reported speech.
    [link] = _links_with(report, "к Генеральному секретарю ООН с настоятельной рекомендацией", {D000, D002})
    assert link["class"] == "mixed"
    assert link["quotation"] == {"source": 1.0, "target": 0.0}


def test_001_credits_akorda_and_its_own_byline(report: dict[str, Any]) -> None:
    doc = _doc(report, D001)
    credits = {(c["cue"], c["source"], c["self"], c["in_corpus"]) for c in doc["credits"]}
    assert credits == {("передает", "NUR.KZ", True, True), ("со ссылкой на", "Акорда", False, False)}
    assert doc["cites"] == ["Акорда"]
    akorda = next(c for c in doc["credits"] if c["source"] == "Акорда")
    assert doc["text"][akorda["start"] : akorda["end"]] == "со ссылкой на Акорду"


def test_004_credits_akorda_but_not_the_dangling_soobshchaet(report: dict[str, Any]) -> None:
    doc = _doc(report, D004)
    photo, credit = doc["credits"]  # a photo credit names its source too
    assert doc["text"][photo["start"] : photo["end"]] == "Фото: Акорда"
    assert doc["text"][credit["start"] : credit["end"]] == "сообщает Акорда"
    assert doc["cites"] == ["Акорда"]


def test_boilerplate_lines_are_excluded_and_listed(report: dict[str, Any]) -> None:
    def boilerplate(doc_id: str) -> list[str]:
        doc = _doc(report, doc_id)
        return [doc["text"][e["start"] : e["end"]] for e in doc["excluded"] if e["reason"] == "boilerplate"]

    assert boilerplate(D004) == ["Фото: Акорда", "Рассказать друзьям"]
    assert boilerplate(D003) == ["Связано с темой"]
    listed = {(b["text"], b["rule"], tuple(b["documents"])) for b in report["boilerplate"]}
    assert ("Рассказать друзьям", "registry", (D004,)) in listed
    assert ("Связано с темой", "registry", (D003,)) in listed


def test_scraper_repeats_are_internal_duplicates(report: dict[str, Any]) -> None:
    def repeats(doc_id: str) -> list[tuple[str, str]]:
        doc = _doc(report, doc_id)
        text = doc["text"]
        return [
            (text[e["duplicate_of"]["start"] : e["duplicate_of"]["end"]], text[e["start"] : e["end"]])
            for e in doc["excluded"]
            if e["reason"] == "internal-duplicate"
        ]

    [(first, again)] = repeats(D004)
    assert first == again
    assert again.startswith("Президент Казахстана Касым-Жомарт Токаев принял участие в VII консультативной")
    paragraph = "большинство современных вызовов и угроз носят трансграничный характер, поэтому борьба"
    assert any(paragraph in again for _, again in repeats(D003))
    assert report["summary"]["internal_duplicates"] == len(repeats(D003)) + len(repeats(D004))


def test_excluded_text_counts_in_no_share(report: dict[str, Any]) -> None:
    doc = _doc(report, D004)
    body = doc["text"][doc["body"]["start"] : doc["body"]["end"]]
    excluded = sum(
        1 for e in doc["excluded"] for ch in doc["text"][e["start"] : e["end"]] if not ch.isspace()
    )
    assert doc["counted_chars"] == sum(1 for ch in body if not ch.isspace()) - excluded


def test_repeats_and_boilerplate_never_make_links(tmp_path: Path) -> None:
    # Two articles sharing only boilerplate, one repeating its own paragraph: no reuse.
    paragraph = (
        "Министр энергетики рассказал журналистам о планах строительства новой электростанции "
        "на юге страны и о сроках её ввода в эксплуатацию в ближайшие годы."
    )
    (tmp_path / "a.txt").write_text(
        f"Поделиться\n\n{paragraph}\n\n{paragraph}\n\nСвязано с темой\n", encoding="utf-8"
    )
    (tmp_path / "b.txt").write_text(
        "В городе открылся новый парк с фонтанами и детскими площадками для жителей района.\n\n"
        "Связано с темой\n",
        encoding="utf-8",
    )
    result = scan(tmp_path, texts="all").to_dict()
    assert result["links"] == []
    a = _doc(result, "a")
    assert [e["reason"] for e in a["excluded"]] == ["boilerplate", "internal-duplicate", "boilerplate"]


def test_a_copy_of_a_repeated_paragraph_is_one_link_and_one_share(tmp_path: Path) -> None:
    paragraph = (
        "Министр энергетики рассказал журналистам о планах строительства новой электростанции "
        "на юге страны и о сроках её ввода в эксплуатацию в ближайшие годы."
    )
    (tmp_path / "a.txt").write_text(f" date 2025-01-01 {paragraph}\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(
        f" date 2025-01-02 Новости дня.\n\n{paragraph}\n\n{paragraph}\n", encoding="utf-8"
    )
    result = scan(tmp_path).to_dict()
    assert len(result["links"]) == 1
    b = _doc(result, "b")
    # The doubled copy makes one link, and the share is that of one paragraph, not two.
    assert b["reused_chars"] == sum(1 for ch in paragraph if not ch.isspace())
    assert b["reused_share"] < 0.95


def test_outlet_matrix_sums_the_links(report: dict[str, Any]) -> None:
    cells = {(c["source"], c["target"], c["directed"]): c for c in report["summary"]["outlets"]}
    nur_nca = cells[("NUR.KZ", "nCa", True)]
    assert nur_nca["links"] == 1 and nur_nca["quotation_share"] == 1.0 and nur_nca["credited_share"] == 0.0
    assert sum(c["links"] for c in cells.values()) == len(report["links"])


def test_copying_the_seed_folder_changes_nothing(tmp_path: Path, report: dict[str, Any]) -> None:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    again = scan(tmp_path / "seeds").to_dict()
    assert again["links"] == report["links"] and again["boilerplate"] == report["boilerplate"]
