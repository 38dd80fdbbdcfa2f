"""Saved article pages: main text without page furniture, the page's own metadata, the
registry's selectors, and broken pages."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.ingest import load_registry, registry_from_data
from provenance.ingest.html_page import Page, PageProblem, page_date, read_page
from provenance.ingest.model import DocumentDate

REGISTRY = load_registry()

PARAGRAPHS = [
    "Президент Казахстана Касым-Жомарт Токаев принял участие во втором саммите «Центральная Азия – Россия» "
    "в Душанбе, передает NUR.KZ со ссылкой на Акорду.",
    "Глава государства отметил, что страны региона связывают многовековые узы дружбы и добрососедства. "
    "Он подчеркнул важность расширения торгово-экономического сотрудничества.",
    "Транспорт и логистика",
    "По словам президента, товарооборот между странами Центральной Азии и Россией за последние пять лет "
    "вырос почти вдвое и превысил 45 миллиардов долларов.",
    "развитие транспортного коридора «Север – Юг»;",
    "модернизация пограничных переходов.",
    "Токаев также предложил создать совместный инвестиционный фонд для финансирования инфраструктурных "
    "проектов в регионе.",
]
TEXT = "\n\n".join(PARAGRAPHS)

# As pages write it: entities, a line break and a run of spaces inside a paragraph, inline markup.
ARTICLE = """
<h1 class="article__title">Токаев принял участие в саммите «Центральная Азия – Россия»</h1>
<div class="article__info"><time datetime="2025-10-10T09:30:00+05:00">10 октября 2025, 09:30</time>
<span class="views">1 523</span></div>
<div class="article__body">
<p>Президент Казахстана Касым-Жомарт Токаев принял участие во втором саммите &laquo;Центральная Азия &ndash; Россия&raquo;
в Душанбе, передает NUR.KZ со ссылкой на <a href="https://www.akorda.kz/ru">Акорду</a>.</p>
<p>Глава государства отметил, что   страны региона связывают многовековые узы дружбы и добрососедства.
Он подчеркнул важность расширения <b>торгово-экономического</b> сотрудничества.</p>
<h2>Транспорт и логистика</h2>
<p>По словам президента, товарооборот между странами Центральной Азии и Россией за последние пять лет вырос почти вдвое и превысил 45 миллиардов долларов.</p>
<ul><li>развитие транспортного коридора «Север – Юг»;</li><li>модернизация пограничных переходов.</li></ul>
<p>Токаев также предложил создать совместный инвестиционный фонд для финансирования инфраструктурных проектов в регионе.</p>
</div>
"""

HEADER = """
<header class="header">
<a class="logo" href="/">NUR.KZ</a>
<nav class="menu"><ul><li><a href="/">Главная</a></li><li><a href="/politics/">Политика</a></li>
<li><a href="/society/">Общество</a></li><li><a href="/sport/">Спорт</a></li></ul></nav>
</header>
"""

SIDEBAR = """
<aside class="sidebar">
<h3>Читайте также</h3>
<ul class="related">
<li><a href="/society/1">В Астане открылся новый мост через Ишим</a> <time datetime="2025-10-09T18:00:00+05:00">9 октября, 18:00</time></li>
<li><a href="/economy/2">Курс доллара на 10 октября</a> <time datetime="2025-10-09T17:30:00+05:00">9 октября, 17:30</time></li>
<li><a href="/society/3">Погода в Алматы на выходные</a></li>
</ul>
</aside>
"""

COMMENTS = """
<section class="comments" id="comments">
<h3>Комментарии (2)</h3>
<div class="comment"><div class="comment__author">Айдар</div><p class="comment__text">Отличная новость, давно пора развивать торговлю с соседями!</p></div>
<div class="comment"><div class="comment__author">Гость</div><p class="comment__text">А что будет с ценами на бензин после всех этих соглашений?</p></div>
</section>
"""

FOOTER = """
<footer class="footer">
<p>© 2025 NUR.KZ. Все права защищены.</p>
<p>Использование материалов разрешено только при наличии активной ссылки на источник.</p>
</footer>
"""


def _page(head: str = "", article: str = ARTICLE, sidebar: str = SIDEBAR, before: str = "") -> str:
    """A whole page in an outlet's layout; `before` goes between the header and the article."""
    return f"""<!DOCTYPE html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{head}
<script>window.dataLayer = window.dataLayer || [];</script>
</head>
<body>
{HEADER}
{before}
<main class="layout">
<article class="article">
{article}
</article>
{sidebar}
{COMMENTS}
</main>
{FOOTER}
</body>
</html>
"""


def _json_ld(*objects: object) -> str:
    return "".join(
        f'<script type="application/ld+json">{json.dumps(o, ensure_ascii=False)}</script>\n' for o in objects
    )


def _news_article(**fields: object) -> dict[str, object]:
    return {"@context": "https://schema.org", "@type": "NewsArticle", **fields}


FULL_HEAD = """
<title>Токаев принял участие в саммите - Новости Казахстана | NUR.KZ</title>
<meta property="og:site_name" content="nur.kz">
<meta property="og:title" content="Токаев принял участие в саммите «Центральная Азия – Россия»">
<meta property="og:url" content="https://www.nur.kz/politics/2345-tokaev-sammit/">
<meta property="article:published_time" content="2025-10-10T09:35:00+05:00">
<link rel="canonical" href="https://www.nur.kz/politics/2345-tokaev-sammit/">
""" + _json_ld(
    _news_article(
        headline="Токаев на саммите в Душанбе",
        datePublished="2025-10-10T09:30:00+05:00",
        url="https://www.nur.kz/amp/2345/",
        publisher={"@type": "Organization", "name": "NUR.KZ"},
    )
)


# Main text


def test_main_text_leaves_out_navigation_sidebar_comments_and_footer() -> None:
    page = read_page(_page(FULL_HEAD), REGISTRY)
    assert page.text == TEXT
    assert page.extractor == "trafilatura"
    for furniture in (
        "Главная",
        "Читайте также",
        "мост через Ишим",
        "Комментарии",
        "бензин",
        "©",
        "Все права",
    ):
        assert furniture not in page.text
    assert page.problems == ()


def test_paragraphs_are_separated_by_one_blank_line_and_trimmed() -> None:
    text = read_page(_page(FULL_HEAD), REGISTRY).text
    assert text == text.strip() and "\n\n\n" not in text
    assert all(line and line == " ".join(line.split()) for line in text.split("\n\n"))


def test_paragraphs_separated_only_by_line_breaks_stay_apart() -> None:
    article = f"""<div class="text">{PARAGRAPHS[0]}<br><br>{PARAGRAPHS[1]}<br>
{PARAGRAPHS[3]}</div>"""
    page = read_page(_page(article=article), REGISTRY)
    assert page.text.split("\n\n") == [PARAGRAPHS[0], PARAGRAPHS[1], PARAGRAPHS[3]]


def test_a_table_row_is_one_paragraph_with_its_cells_in_order() -> None:
    article = f"""<p>{PARAGRAPHS[3]}</p>
<table><tr><th>Страна</th><th>Товарооборот, млрд $</th></tr>
<tr><td>Казахстан</td><td>28,1</td></tr><tr><td>Узбекистан</td><td>11,4</td></tr></table>
<p>{PARAGRAPHS[6]}</p>"""
    page = read_page(_page(article=article), REGISTRY)
    assert page.text.split("\n\n") == [
        PARAGRAPHS[3],
        "Страна | Товарооборот, млрд $",
        "Казахстан | 28,1",
        "Узбекистан | 11,4",
        PARAGRAPHS[6],
    ]


def test_an_english_page() -> None:
    article = """<h1 class="entry-title">Turkmenistan and Kazakhstan discuss transit cargo</h1>
<div class="entry-content">
<p>Ashgabat, 10 October 2025 (nCa) &mdash; The foreign ministers of Turkmenistan and Kazakhstan discussed the growth of transit cargo along the North&ndash;South railway.</p>
<p>The sides agreed to hold the next meeting of the intergovernmental commission in Astana in the first quarter of 2026.</p>
</div>"""
    head = '<link rel="canonical" href="https://www.newscentralasia.net/2025/10/10/transit-cargo/">'
    page = read_page(_page(head, article=article), REGISTRY)
    assert page.text.split("\n\n") == [
        "Ashgabat, 10 October 2025 (nCa) — The foreign ministers of Turkmenistan and Kazakhstan discussed "
        "the growth of transit cargo along the North–South railway.",
        "The sides agreed to hold the next meeting of the intergovernmental commission in Astana "
        "in the first quarter of 2026.",
    ]
    assert (page.outlet, page.outlet_source) == ("nCa", "url")


# Metadata


def test_every_value_comes_with_its_source() -> None:
    page = read_page(_page(FULL_HEAD), REGISTRY)
    assert page.date == DocumentDate("2025-10-10T09:30:00+05:00", "datetime", "json-ld")
    assert (page.outlet, page.outlet_source) == ("NUR.KZ", "html-meta")  # "nur.kz" is an alias
    assert (page.title, page.title_source) == (
        "Токаев принял участие в саммите «Центральная Азия – Россия»",
        "html-meta",
    )
    assert (page.url, page.url_source) == (
        "https://www.nur.kz/politics/2345-tokaev-sammit/",
        "html-canonical",
    )


@pytest.mark.parametrize(
    ("head", "article", "expected"),
    [
        (FULL_HEAD, ARTICLE, DocumentDate("2025-10-10T09:30:00+05:00", "datetime", "json-ld")),
        (
            '<meta property="article:published_time" content="2025-10-10T09:35:00+05:00">',
            ARTICLE,
            DocumentDate("2025-10-10T09:35:00+05:00", "datetime", "html-meta"),
        ),
        (
            '<meta itemprop="datePublished" content="2025-10-10">',
            ARTICLE,
            DocumentDate("2025-10-10", "day", "html-meta"),
        ),
        (
            '<meta name="pubdate" content="2025-10-10T04:30:00Z">',
            ARTICLE,
            DocumentDate("2025-10-10T04:30:00+00:00", "datetime", "html-meta"),
        ),
        ("", ARTICLE, DocumentDate("2025-10-10T09:30:00+05:00", "datetime", "html-time")),
    ],
)
def test_date_sources_in_order_json_ld_then_meta_then_time(
    head: str, article: str, expected: DocumentDate
) -> None:
    assert read_page(_page(head, article), REGISTRY).date == expected


def test_article_modified_time_is_not_a_publication_date() -> None:
    head = '<meta property="article:modified_time" content="2025-10-11T12:00:00+05:00">'
    article = ARTICLE.replace('<time datetime="2025-10-10T09:30:00+05:00">', "<time>")
    assert read_page(_page(head, article, sidebar=""), REGISTRY).date is None


def test_a_sidebars_time_never_dates_an_article_that_has_none() -> None:
    article = ARTICLE.replace('<time datetime="2025-10-10T09:30:00+05:00">', "<time>")
    assert read_page(_page(article=article), REGISTRY).date is None
    assert read_page(_page(article=article, before=SIDEBAR, sidebar=""), REGISTRY).date is None


def test_without_an_article_element_the_first_time_dates_the_page() -> None:
    markup = _page().replace("<article", "<div").replace("</article>", "</div>")
    assert read_page(markup, REGISTRY).date == DocumentDate(
        "2025-10-10T09:30:00+05:00", "datetime", "html-time"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-10-10T09:30:00+05:00", DocumentDate("2025-10-10T09:30:00+05:00", "datetime", "html-meta")),
        ("2025-10-10T04:30:00.000Z", DocumentDate("2025-10-10T04:30:00+00:00", "datetime", "html-meta")),
        ("2025-10-10 09:30:00+05:00", DocumentDate("2025-10-10T09:30:00+05:00", "datetime", "html-meta")),
        ("2025-10-10T09:30+0500", DocumentDate("2025-10-10T09:30:00+05:00", "datetime", "html-meta")),
        # Without a zone only the calendar day as written is known: no zone is assumed.
        ("2025-10-10T23:30:00", DocumentDate("2025-10-10", "day", "html-meta")),
        ("2025-10-10 23:30", DocumentDate("2025-10-10", "day", "html-meta")),
        (" 2025-10-10 ", DocumentDate("2025-10-10", "day", "html-meta")),
        ("2025-02-30T10:00:00+05:00", None),
        ("2025-02-30", None),
        ("2025-10-10T25:00:00", None),
        ("10 октября 2025", None),
        ("1728538200", None),
        ("", None),
    ],
)
def test_page_date_values(value: str, expected: DocumentDate | None) -> None:
    assert page_date(value, "html-meta") == expected


def test_an_invalid_date_is_reported_and_the_next_source_used() -> None:
    head = _json_ld(_news_article(datePublished="2025-02-30T10:00:00+05:00")) + (
        '<meta property="article:published_time" content="2025-02-30T10:00:00+05:00">'
    )
    page = read_page(_page(head), REGISTRY)
    assert page.date == DocumentDate("2025-10-10T09:30:00+05:00", "datetime", "html-time")
    assert page.problems == (
        ("bad-date", "JSON-LD datePublished '2025-02-30T10:00:00+05:00' is not a valid date; ignored"),
        ("bad-date", "article:published_time '2025-02-30T10:00:00+05:00' is not a valid date; ignored"),
    )
    assert page.text == TEXT


def test_no_valid_date_anywhere_gives_none() -> None:
    head = '<meta property="article:published_time" content="10 октября 2025, 09:30">'
    article = ARTICLE.replace('datetime="2025-10-10T09:30:00+05:00"', 'datetime="2025-13-10"')
    page = read_page(_page(head, article, sidebar=""), REGISTRY)
    assert page.date is None
    assert [code for code, _ in page.problems] == ["bad-date", "bad-date"]
    assert "'10 октября 2025, 09:30' is not an ISO 8601 date" in page.problems[0][1]


def test_a_copyright_year_or_a_date_in_the_text_is_not_a_page_date() -> None:
    # Dates written in the text are for the dateline and trailer rules, not the page's metadata.
    article = f"<p>Астана, 10 октября 2025 года. {PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p>"
    page = read_page(_page(article=article, sidebar=""), REGISTRY)
    assert page.date is None and page.problems == ()
    assert "© 2025" not in page.text


def test_the_articles_time_wins_over_a_sidebar_that_comes_first() -> None:
    page = read_page(_page(before=SIDEBAR, sidebar=""), REGISTRY)
    assert page.date == DocumentDate("2025-10-10T09:30:00+05:00", "datetime", "html-time")


def test_related_teasers_marked_up_as_articles_do_not_date_the_page() -> None:
    teasers = """<section class="related">
<article class="card"><a href="/1">В Астане открылся новый мост через Ишим</a><time datetime="2025-10-09T18:00:00+05:00">9 октября</time></article>
<article class="card"><a href="/2">Курс доллара на 10 октября</a><time datetime="2025-10-09T17:30:00+05:00">9 октября</time></article>
</section>"""
    page = read_page(_page(before=teasers, sidebar=""), REGISTRY)
    assert page.date == DocumentDate("2025-10-10T09:30:00+05:00", "datetime", "html-time")


def test_a_time_marked_date_published_wins_over_the_first_time_of_the_article() -> None:
    article = ARTICLE.replace(
        '<time datetime="2025-10-10T09:30:00+05:00">10 октября 2025, 09:30</time>',
        'Обновлено: <time datetime="2025-10-11T08:00:00+05:00">11 октября</time> '
        'Опубликовано: <time itemprop="datePublished" datetime="2025-10-10T09:30:00+05:00">10 октября</time>',
    )
    page = read_page(_page(article=article), REGISTRY)
    assert page.date == DocumentDate("2025-10-10T09:30:00+05:00", "datetime", "html-time")


def test_title_sources_in_order() -> None:
    json_ld = _json_ld(_news_article(headline="Токаев на саммите &laquo;Центральная Азия – Россия&raquo;"))
    title = "<title>Токаев на саммите\n - NUR.KZ</title>"
    og = '<meta property="og:title" content="Токаев принял участие в саммите">'
    assert read_page(_page(og + json_ld + title), REGISTRY).title_source == "html-meta"
    page = read_page(_page(json_ld + title), REGISTRY)
    assert (page.title, page.title_source) == ("Токаев на саммите «Центральная Азия – Россия»", "json-ld")
    page = read_page(_page(title), REGISTRY)
    assert (page.title, page.title_source) == ("Токаев на саммите - NUR.KZ", "html-title")
    page = read_page(_page(), REGISTRY)
    assert (page.title, page.title_source) == (None, None)


def test_url_sources_in_order() -> None:
    canonical = '<link rel="canonical" href="https://www.nur.kz/politics/2345/">'
    og = '<meta property="og:url" content="https://www.nur.kz/politics/2345/?utm_source=tg">'
    json_ld = _json_ld(
        _news_article(mainEntityOfPage={"@type": "WebPage", "@id": "https://www.nur.kz/amp/2345/"})
    )
    assert read_page(_page(canonical + og + json_ld), REGISTRY).url_source == "html-canonical"
    page = read_page(_page(og + json_ld), REGISTRY)
    assert (page.url, page.url_source) == ("https://www.nur.kz/politics/2345/?utm_source=tg", "html-meta")
    page = read_page(_page(json_ld), REGISTRY)
    assert (page.url, page.url_source) == ("https://www.nur.kz/amp/2345/", "json-ld")


def test_a_relative_canonical_link_is_resolved_and_a_script_link_ignored() -> None:
    head = (
        '<link rel="canonical" href="/politics/2345/">'
        '<meta property="og:url" content="https://www.nur.kz/politics/2345/?from=main">'
    )
    page = read_page(_page(head), REGISTRY)
    assert (page.url, page.url_source) == ("https://www.nur.kz/politics/2345/", "html-canonical")
    page = read_page(_page('<link rel="canonical" href="javascript:alert(1)">'), REGISTRY)
    assert (page.url, page.url_source) == (None, None)
    page = read_page(_page('<link rel="canonical" href="/politics/2345/">'), REGISTRY)
    assert page.url is None  # relative, and nothing to resolve it against


@pytest.mark.parametrize(
    ("head", "outlet", "source"),
    [
        ('<meta property="og:site_name" content="Tengrinews.kz">', "Tengrinews", "html-meta"),
        (
            _json_ld(_news_article(publisher={"@type": "Organization", "name": "МИА «Казинформ»"})),
            "Kazinform",
            "json-ld",
        ),
        ('<link rel="canonical" href="https://m.inform.kz/ru/article/123">', "Kazinform", "url"),
        (
            '<meta property="og:url" content="https://www.kt.kz/rus/politics/123.html">',
            "Kazakhstan Today",
            "url",
        ),
        # og:site_name first, when both are known
        (
            '<meta property="og:site_name" content="NUR.KZ">'
            + _json_ld(_news_article(publisher={"name": "Kazinform"})),
            "NUR.KZ",
            "html-meta",
        ),
        # A site name the registry does not know gives way to a known publisher or domain ...
        (
            '<meta property="og:site_name" content="Новости Казахстана и мира">'
            '<link rel="canonical" href="https://tengrinews.kz/kazakhstan_news/123/">',
            "Tengrinews",
            "url",
        ),
        # ... and is kept as written when nothing else is known.
        (
            '<meta property="og:site_name" content="Листок Приречья">'
            '<link rel="canonical" href="https://listok-prirechya.example/20251010/123.html">',
            "Листок Приречья",
            "html-meta",
        ),
        # A site name the registry knows gives its canonical name.
        (
            '<meta property="og:site_name" content="Sputnik Казахстан">'
            '<link rel="canonical" href="https://ru.sputnik.kz/20251010/123.html">',
            "Sputnik",
            "html-meta",
        ),
        ("", None, None),
    ],
)
def test_outlet_sources(head: str, outlet: str | None, source: str | None) -> None:
    page = read_page(_page(head), REGISTRY)
    assert (page.outlet, page.outlet_source) == (outlet, source)


def test_json_ld_in_a_graph_with_a_publisher_reference() -> None:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "@id": "https://tengrinews.kz/#website", "name": "Тенгриньюс"},
            {"@type": "BreadcrumbList", "itemListElement": []},
            {
                "@type": ["ReportageNewsArticle"],
                "headline": "Снегопад в Астане",
                "datePublished": "2025-11-16T08:00:00+05:00",
                "publisher": {"@id": "https://tengrinews.kz/#org"},
                "url": "https://tengrinews.kz/kazakhstan_news/snegopad-123/",
            },
            {"@type": "Organization", "@id": "https://tengrinews.kz/#org", "name": "Tengrinews.kz"},
        ],
    }
    page = read_page(_page(_json_ld(graph)), REGISTRY)
    assert page.date == DocumentDate("2025-11-16T08:00:00+05:00", "datetime", "json-ld")
    assert (page.outlet, page.outlet_source) == ("Tengrinews", "json-ld")
    assert (page.title, page.title_source) == ("Снегопад в Астане", "json-ld")
    assert page.url == "https://tengrinews.kz/kazakhstan_news/snegopad-123/"


def test_json_ld_as_a_list_and_other_types_ignored() -> None:
    blocks = _json_ld(
        {"@context": "https://schema.org", "@type": "BreadcrumbList", "datePublished": "2020-01-01"},
        [
            {"@type": "WebPage", "datePublished": "2020-01-01"},
            {"@type": "https://schema.org/BlogPosting", "datePublished": "2025-10-10"},
        ],
    )
    assert read_page(_page(blocks), REGISTRY).date == DocumentDate("2025-10-10", "day", "json-ld")


def test_malformed_json_ld_is_reported_and_the_page_still_read() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2025-10-01",}</script>'
        '<meta property="article:published_time" content="2025-10-10T09:30:00+05:00">'
    )
    page = read_page(_page(head), REGISTRY)
    assert page.date == DocumentDate("2025-10-10T09:30:00+05:00", "datetime", "html-meta")
    assert len(page.problems) == 1
    code, message = page.problems[0]
    assert code == "bad-json-ld"
    assert message.startswith("JSON-LD block 1 is not valid JSON: ") and message.endswith("; ignored")
    assert page.text == TEXT


# The registry's selectors

LAYOUT = """<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8"><title>Встреча с министром энергетики</title>
<link rel="canonical" href="https://www.example-news.kz/news/123">
</head><body>
<div class="layout">
<div class="news-text">Президент Казахстана Касым-Жомарт Токаев провел встречу с министром энергетики.<br><br>Министр доложил о ходе отопительного сезона.</div>
<div class="related">
<div class="related-title">Читайте также</div>
<div class="item"><p>В Астане открылся новый мост через Ишим. Строительство моста продолжалось три года, его длина составляет более четырехсот метров, а ширина позволяет организовать по три полосы движения в каждом направлении.</p></div>
<div class="item"><p>Курс доллара на 10 октября: Национальный банк установил официальный курс тенге к доллару США на уровне 540 тенге, что на два тенге выше, чем днем ранее, сообщили в пресс-службе регулятора.</p></div>
<div class="item"><p>Погода в Алматы на выходные: синоптики Казгидромета прогнозируют похолодание до пяти градусов тепла, дожди и усиление ветра в предгорьях до пятнадцати метров в секунду.</p></div>
</div>
</div>
<div class="footer">© 2025 Example News</div>
</body></html>"""


def _registry(**html: list[str]) -> object:
    entry = {"id": "example-news", "name": "Example News", "aliases": [], "signatures": []}
    return registry_from_data({"outlets": [{**entry, "domains": ["example-news.kz"], "html": html}]})


def test_content_selectors_override_trafilatura_that_reads_the_sidebar() -> None:
    plain = read_page(LAYOUT, REGISTRY)
    assert "мост через Ишим" in plain.text  # the case selectors are for: a short article, a long sidebar
    page = read_page(LAYOUT, _registry(content=["div.news-text"]))  # type: ignore[arg-type]
    assert page.extractor == "selectors"
    assert page.text == (
        "Президент Казахстана Касым-Жомарт Токаев провел встречу с министром энергетики."
        "\n\nМинистр доложил о ходе отопительного сезона."
    )
    assert (page.outlet, page.outlet_source) == ("Example News", "url")
    assert page.problems == ()


def test_selected_elements_are_read_in_page_order_each_once() -> None:
    article = """<div class="lead"><p>Лид статьи о встрече.</p></div>
<div class="body">
<p>Первый абзац <a href="/x">со ссылкой</a>.</p>
<script>var banner = "реклама";</script><style>.ad{display:none}</style>
<div class="quote"><blockquote>Цитата министра.</blockquote></div>
<table><tr><td>Казахстан</td><td>28,1</td></tr></table>
<noscript>Включите JavaScript</noscript>
<p>Последний абзац<br>с переносом строки.</p>
</div>"""
    head = '<meta property="og:site_name" content="Example News">'
    page = read_page(_page(head, article), _registry(content=[".body", ".quote", ".lead"]))  # type: ignore[arg-type]
    assert page.extractor == "selectors"
    assert page.text.split("\n\n") == [
        "Лид статьи о встрече.",
        "Первый абзац со ссылкой.",
        "Цитата министра.",
        "Казахстан | 28,1",
        "Последний абзац",
        "с переносом строки.",
    ]
    assert page.outlet_source == "html-meta"


def test_exclude_selectors_remove_elements_before_trafilatura_reads() -> None:
    article = ARTICLE.replace(
        "<h2>",
        '<div class="read-also"><p>Читайте также: Товарооборот Казахстана и России в 2024 году '
        "достиг рекордных 28 миллиардов долларов, сообщили в министерстве торговли</p></div><h2>",
    )
    head = '<meta property="og:site_name" content="Example News">'
    assert "Читайте также" in read_page(_page(head, article), REGISTRY).text
    page = read_page(_page(head, article), _registry(exclude=[".read-also"]))  # type: ignore[arg-type]
    assert page.extractor == "trafilatura"
    assert page.text == TEXT


def test_exclude_selectors_apply_inside_the_selected_content() -> None:
    registry = _registry(content=["div.layout"], exclude=[".related"])
    page = read_page(LAYOUT, registry)  # type: ignore[arg-type]
    assert page.extractor == "selectors"
    assert "мост" not in page.text and page.text.endswith("Министр доложил о ходе отопительного сезона.")


def test_content_selectors_that_match_nothing_fall_back_to_trafilatura_with_a_warning() -> None:
    head = '<meta property="og:site_name" content="Example News">'
    page = read_page(_page(head), _registry(content=["div.article-text-v1"]))  # type: ignore[arg-type]
    assert page.extractor == "trafilatura"
    assert page.text == TEXT
    assert [code for code, _ in page.problems] == ["selectors-no-match"]
    assert "Example News" in page.problems[0][1]


def test_selectors_of_another_outlet_are_not_used() -> None:
    head = '<meta property="og:site_name" content="NUR.KZ">'
    page = read_page(_page(head), _registry(content=["ul"]))  # type: ignore[arg-type]
    assert page.extractor == "trafilatura" and page.text == TEXT


# Broken pages


def test_a_truncated_page_is_read_with_a_warning() -> None:
    markup = _page(FULL_HEAD)
    cut = markup[: markup.index("<h2>Транспорт")]
    page = read_page(cut, REGISTRY)
    assert page.text == "\n\n".join(PARAGRAPHS[:2])
    assert page.problems == (
        (
            "malformed-html",
            "no closing </html> tag: the page may be truncated; read what could be parsed",
        ),
    )
    assert page.date is not None and page.date.source == "json-ld"


def test_unclosed_and_misnested_tags_are_recovered() -> None:
    article = (
        f"<div class='article__body'><p>{PARAGRAPHS[0]}<p>{PARAGRAPHS[1]}<p><b><i>{PARAGRAPHS[3]}</b></i>"
        f"<p>{PARAGRAPHS[6]}</span></div></div>"
    )
    page = read_page(_page(article=article), REGISTRY)
    assert page.text.split("\n\n") == [PARAGRAPHS[0], PARAGRAPHS[1], PARAGRAPHS[3], PARAGRAPHS[6]]


def test_deeply_nested_unclosed_tags_are_still_read() -> None:
    body = "".join(f"<div><p>Абзац {i}: министр доложил о ходе отопительного сезона.</p>" for i in range(400))
    page = read_page(f"<html><body>{body}</body></html>", REGISTRY)
    assert page.text.count("\n\n") == 399


DEEP_HTML = (
    "deep-html",
    "elements nested deeper than the HTML parser reads; those past 256 levels were read side by side, "
    "as browsers do",
)


def test_a_page_nested_ten_thousand_deep_is_read() -> None:
    # Valid HTML, but past libxml2's 2,048 levels: without flattening, no text at all.
    article = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    page = read_page(f"<html><body>{'<div>' * 10_000}{article}{'</div>' * 10_000}</body></html>", REGISTRY)
    assert page.text == TEXT
    assert page.problems == (DEEP_HTML,)


def test_thousands_of_unclosed_tags_keep_every_paragraph() -> None:
    body = "".join(
        f"<div><p>Абзац {i}: министр доложил о ходе отопительного сезона.</p>" for i in range(3000)
    )
    page = read_page(
        f"<html><head><title>T</title><script>var s = '<div>';</script></head><body>{body}</body></html>",
        REGISTRY,
    )
    paragraphs = page.text.split("\n\n")
    assert len(paragraphs) == 3000 and paragraphs[-1].startswith("Абзац 2999:")
    assert page.problems == (DEEP_HTML,)


@st.composite
def trees(draw: st.DrawFn, depth: int = 0) -> str:
    tag = draw(st.sampled_from(["div", "span", "p", "section", "b"]))
    parts = [draw(st.sampled_from(["", "слово ", "word. "]))]
    if depth < 12:
        parts += draw(st.lists(trees(depth + 1), max_size=2 if depth < 6 else 1))
    parts.append(draw(st.sampled_from(["", "текст ", "<br>", "<!-- <div> -->", "<img src=x>"])))
    return f"<{tag}>" + "".join(parts) + (f"</{tag}>" if draw(st.booleans()) else "")


@settings(max_examples=100, deadline=None)
@given(trees(), st.integers(min_value=1, max_value=6))
def test_flattening_keeps_the_text_and_bounds_the_depth(markup: str, limit: int) -> None:
    from lxml.html import document_fromstring

    from provenance.ingest.html_page import _flattened

    def tree(html: str) -> object:
        return document_fromstring(f"<html><body>{html}</body></html>")

    flat = tree(_flattened(markup, limit))
    assert " ".join(flat.text_content().split()) == " ".join(tree(markup).text_content().split())
    body = flat.find("body")
    # <html>, <body>, at most limit + 1 elements nested, and a <br> or <img> inside the last
    assert max(len(list(e.iterancestors())) for e in body.iter()) <= limit + 3


@pytest.mark.parametrize(
    ("markup", "reason"),
    [
        ("Президент принял участие в саммите.\n\nИсточник: Акорда", "not an HTML page: no markup found"),
        ("a < b, c > d", "not an HTML page: no markup found"),
        ("", "not an HTML page: no markup found"),
        ("<!-- saved from url=(0042)https://www.nur.kz/ -->", "malformed HTML: Document is empty"),
        (
            "<html><head><title>Новости</title></head><body><script>alert(1)</script></body></html>",
            "no article text found in the page",
        ),
    ],
)
def test_pages_that_give_no_document(markup: str, reason: str) -> None:
    with pytest.raises(PageProblem) as caught:
        read_page(markup, REGISTRY)
    assert str(caught.value) == reason
    assert isinstance(caught.value, ValueError)


def test_an_xml_declaration_and_control_characters_do_not_stop_the_page() -> None:
    markup = '<?xml version="1.0" encoding="utf-8"?>\n' + _page(FULL_HEAD).replace("вдвое", "вдвое\x00")
    assert read_page(markup, REGISTRY).text == TEXT


# Safety and repeatability

HOSTILE = """<p>Президент провел встречу с министром энергетики.<script>alert(1)</script></p>
<p><img src="x.jpg" onerror="alert('img')">Министр доложил о ходе отопительного сезона. <a href="javascript:alert(2)">Подробнее</a></p>
<style>p { background: url("javascript:alert(3)") }</style>
<iframe srcdoc="&lt;script&gt;alert(4)&lt;/script&gt;"></iframe>
<noscript><img src="pixel.gif" onerror="alert(5)"></noscript>
<p>Следующее заседание пройдет в декабре.</p>"""


@pytest.mark.parametrize("registry", [REGISTRY, _registry(content=["article"])])
def test_script_and_handler_contents_are_not_text(registry: object) -> None:
    head = '<meta property="og:site_name" content="Example News">'
    page = read_page(_page(head, HOSTILE), registry)  # type: ignore[arg-type]
    for hostile in ("alert", "onerror", "javascript", "background", "<"):
        assert hostile not in page.text
    assert "Министр доложил о ходе отопительного сезона." in page.text


def test_the_same_markup_gives_the_same_page() -> None:
    markup = _page(FULL_HEAD)
    first = read_page(markup, REGISTRY)
    read_page(_page(article=ARTICLE.replace("Душанбе", "Самарканде")), REGISTRY)
    assert read_page(markup, REGISTRY) == first
    assert isinstance(first, Page)


def test_trafilatura_is_never_asked_for_metadata(monkeypatch: pytest.MonkeyPatch) -> None:
    # Its metadata pass runs htmldate, which takes a date from any year on the page ("© 2025").
    import trafilatura.core
    import trafilatura.metadata

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("trafilatura was asked for metadata")

    monkeypatch.setattr(trafilatura.core, "extract_metadata", refuse)
    monkeypatch.setattr(trafilatura.metadata, "find_date", refuse)
    assert read_page(_page(), REGISTRY).text == TEXT


def test_importing_the_module_does_not_load_trafilatura() -> None:
    # trafilatura takes a noticeable time to import; commands that read no pages must not pay it.
    code = "import sys, provenance.ingest.html_page; print('trafilatura' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
