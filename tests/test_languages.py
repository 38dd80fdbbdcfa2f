"""Languages side by side: an article and its translation share no words, so no link."""

from __future__ import annotations

from pathlib import Path

from provenance.pipeline import scan

RUSSIAN = (
    "Астана, 11 октября. Президент Казахстана Касым-Жомарт Токаев провел встречу с акимами "
    "областей и обсудил подготовку к отопительному сезону. Глава государства поручил завершить "
    "ремонт котельных и тепловых сетей до начала ноября. Министр энергетики доложил об итогах "
    "ремонтных работ этого года.\n"
)
KAZAKH = (
    "Астана, 11 қазан. Қазақстан Президенті Қасым-Жомарт Тоқаев облыс әкімдерімен кездесу "
    "өткізіп, жылу беру маусымына дайындықты талқылады. Мемлекет басшысы қазандықтар мен жылу "
    "желілерін жөндеуді қараша айының басына дейін аяқтауды тапсырды. Энергетика министрі биылғы "
    "жөндеу жұмыстарының қорытындысы туралы баяндады.\n"
)


def test_a_russian_article_and_its_kazakh_translation_are_not_linked(tmp_path: Path) -> None:
    (tmp_path / "ru.txt").write_text(RUSSIAN, encoding="utf-8")
    (tmp_path / "kk.txt").write_text(KAZAKH, encoding="utf-8")
    report = scan(tmp_path).to_dict()
    assert report["links"] == []
    dates = {d["id"]: (d["date"], d["date_precision"]) for d in report["documents"]}
    assert dates["kk"] == dates["ru"] == ("--10-11", "month-day")  # both dated, no year invented
