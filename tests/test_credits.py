"""Credit phrases: cues, the names they credit, and what is not a credit."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.editorial.credits import Credit, find_credits
from provenance.ingest import detect_outlet, load_registry

REGISTRY = load_registry()
SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def _only(text: str) -> Credit:
    credits = find_credits(text, REGISTRY)
    assert len(credits) == 1, credits
    return credits[0]


@pytest.mark.parametrize(
    ("text", "span", "cue", "name", "source_id"),
    [
        ("Саммит прошел в Душанбе, передает NUR.KZ.", "передает NUR.KZ", "передает", "NUR.KZ", "nur-kz"),
        ("Саммит прошел, передаёт Kazinform.", "передаёт Kazinform", "передает", "Kazinform", "kazinform"),
        ("Об этом передают ТАСС и другие.", "передают ТАСС", "передает", "ТАСС", "tass"),
        ("Встреча прошла в Ташкенте, сообщает Акорда", "сообщает Акорда", "сообщает", "Акорда", "akorda"),
        ("Саммит завершился, сообщают Kabar.", "сообщают Kabar", "сообщает", "Kabar", "kabar"),
        ("Об этом пишет Tengrinews.kz.", "пишет Tengrinews.kz", "пишет", "Tengrinews.kz", "tengrinews"),
        ("Об этом пишут РИА Новости.", "пишут РИА Новости", "пишет", "РИА Новости", "ria-novosti"),
        ("Об этом информирует УзА.", "информирует УзА", "информирует", "УзА", "uza"),
        (
            "Президент выступил, со ссылкой на Акорду.",
            "со ссылкой на Акорду",
            "со ссылкой на",
            "Акорду",
            "akorda",
        ),
        (
            "Так пишут со ссылкой на «Казинформ».",
            "со ссылкой на «Казинформ»",
            "со ссылкой на",
            "Казинформ",
            "kazinform",
        ),
        ('Сообщается со ссылкой на "Ховар".', 'со ссылкой на "Ховар"', "со ссылкой на", "Ховар", "khovar"),
        (
            "По данным Казинформа, рост составил 5%.",
            "По данным Казинформа",
            "по данным",
            "Казинформа",
            "kazinform",
        ),
        (
            "По информации Интерфакс-Казахстан, встреча перенесена.",
            "По информации Интерфакс-Казахстан",
            "по информации",
            "Интерфакс-Казахстан",
            "interfax-kazakhstan",
        ),
        (
            "По сообщению МИА «Казинформ», саммит прошел.",
            "По сообщению МИА «Казинформ»",
            "по сообщению",
            "МИА «Казинформ»",
            "kazinform",
        ),
        ("Текст статьи.\nИсточник: Акорда", "Источник: Акорда", "источник", "Акорда", "akorda"),
        (
            "Как сообщает Kazakhstan Today, встреча прошла.",
            "Как сообщает Kazakhstan Today",
            "сообщает",
            "Kazakhstan Today",
            "kazakhstan-today",
        ),
        (
            "Как сообщили в Акорде, президент прибыл.",
            "Как сообщили в Акорде",
            "сообщили в",
            "Акорде",
            "akorda",
        ),
        ("Итоги саммита. ///nCa, 10 октября 2025 г.", "///nCa", "///", "nCa", "nca"),
        ("Итоги саммита. /// nCa", "/// nCa", "///", "nCa", "nca"),
    ],
)
def test_cues_and_resolved_names(text: str, span: str, cue: str, name: str, source_id: str) -> None:
    credit = _only(text)
    assert text[credit.start : credit.end] == span
    assert (credit.cue, credit.name, credit.source_id) == (cue, name, source_id)
    entry = REGISTRY.get(source_id)
    assert entry is not None and credit.source_name == entry.name


@pytest.mark.parametrize(
    ("text", "span", "name", "source_id"),
    [
        # The noun between cue and name belongs to the credit; the name is what follows it.
        (
            "Саммит прошел, передает корреспондент Kazinform.",
            "передает корреспондент Kazinform",
            "Kazinform",
            "kazinform",
        ),
        ("По данным агентства Reuters, цены выросли.", "По данным агентства Reuters", "Reuters", None),
        (
            "Как передает информационное агентство «Кабар», саммит прошел.",
            "Как передает информационное агентство «Кабар»",
            "Кабар",
            "kabar",
        ),
        ("Об этом сообщает пресс-служба Акорды.", "сообщает пресс-служба Акорды", None, "akorda"),
        (
            "Как сообщили в пресс-службе Акорды, визит начнется завтра.",
            "Как сообщили в пресс-службе Акорды",
            None,
            "akorda",
        ),
    ],
)
def test_noun_between_cue_and_name(text: str, span: str, name: str | None, source_id: str | None) -> None:
    credit = _only(text)
    assert text[credit.start : credit.end] == span
    assert credit.source_id == source_id
    if name is not None:
        assert credit.name == name


@pytest.mark.parametrize(
    ("text", "span", "name"),
    [
        ("Цены выросли, со ссылкой на Reuters.", "со ссылкой на Reuters", "Reuters"),
        ("Об этом пишет Bloomberg, уточняя детали.", "пишет Bloomberg", "Bloomberg"),
        (
            "Как сообщает Associated Press Television News Agency London, ...",
            "Как сообщает Associated Press Television News",
            "Associated Press Television News",
        ),
        ("По данным Бюро национальной статистики, рост 5%.", "По данным Бюро", "Бюро"),
        ("Об этом пишет «Российская газета».", "пишет «Российская газета»", "Российская газета"),
        ("Об этом сообщает\u00a0Reuters.", "сообщает\u00a0Reuters", "Reuters"),
    ],
)
def test_unresolved_names(text: str, span: str, name: str) -> None:
    credit = _only(text)
    assert text[credit.start : credit.end] == span
    assert (credit.name, credit.source_id, credit.source_name) == (name, None, None)


@pytest.mark.parametrize(
    "text",
    [
        "Саммит прошел, сообщает - Президент Казахстана принял участие.",
        "Пресс-служба сообщает, что визит перенесен.",
        "Он передает привет коллегам.",
        "Токаев пишет: «Мы готовы к диалогу».",
        "Он сообщил, что стороны выступают за сотрудничество.",
        "Президент сказал Акорде спасибо и отметил Reuters.",
        "Ведомство сообщает о переносе встречи.",
        "Он пишет письмо.",
        "Об этом сообщает.\nАкорда опубликовала фото.",
        "Об этом сообщает. Президент прибыл.",
        "Об этом передает\nNUR.KZ",
        "Об этом сообщили в Астане.",  # "сообщили в" is a credit only after "как"
        "Как сообщили в пресс-службе президента, визит начнется.",
        "Так пишут со ссылкой на пресс-службу главы Казахстана.",
        "По данным статистики, рост 5%.",
        'Токаев пишет "Мы готовы!" и "Мы рады."',  # a quoted sentence is not a name
        "Без подписи ///",
        "Пересообщает Акорда",
    ],
)
def test_not_credits(text: str) -> None:
    assert find_credits(text, REGISTRY) == []


def test_range_limits_credits() -> None:
    text = "Саммит прошел, передает NUR.KZ со ссылкой на Акорду."
    first, second = find_credits(text, REGISTRY)
    assert [c.source_id for c in find_credits(text, REGISTRY, first.end)] == ["akorda"]
    assert find_credits(text, REGISTRY, 0, first.end) == [first]
    assert find_credits(text, REGISTRY, first.start + 1, second.start) == []  # a cut cue is no cue
    # A name cut by the end of the range is not credited under a shorter name.
    assert find_credits(text, REGISTRY, 0, first.end - 3) == []


def test_seed_001_credits_outlet_and_source() -> None:
    text = _seed("001")
    credits = find_credits(text, REGISTRY)
    assert [text[c.start : c.end] for c in credits] == ["передает NUR.KZ", "со ссылкой на Акорду"]
    assert [(c.cue, c.source_id, c.source_name) for c in credits] == [
        ("передает", "nur-kz", "NUR.KZ"),
        ("со ссылкой на", "akorda", "Акорда"),
    ]
    assert credits[1].end == text.index("со ссылкой на Акорду.") + len("со ссылкой на Акорду")


def test_seed_004_credit_only_on_the_second_cue() -> None:
    text = _seed("004")
    assert text.count("сообщает") == 2
    photo, credit = find_credits(text, REGISTRY)
    assert text[photo.start : photo.end] == "Фото: Акорда" and photo.source_id == "akorda"
    assert text[credit.start : credit.end] == "сообщает Акорда"
    assert credit.start == text.rindex("сообщает")
    assert (credit.source_id, credit.name) == ("akorda", "Акорда")


def test_seed_002_signature_credit_and_no_past_tense() -> None:
    text = _seed("002")
    credit = _only(text)
    assert text[credit.start : credit.end] == "///nCa"
    assert (credit.cue, credit.source_id) == ("///", "nca")
    sentence = text.index("Он сообщил, что стороны выступают")
    assert find_credits(text, REGISTRY, sentence, text.index("\n", sentence)) == []


@pytest.mark.parametrize("prefix", ["000", "003"])
def test_seeds_without_credits(prefix: str) -> None:
    assert find_credits(_seed(prefix), REGISTRY) == []


_CUE_WORDS = [
    "передает ",
    "передаёт ",
    "сообщает ",
    "пишут ",
    "как сообщили в ",
    "со ссылкой на ",
    "по данным ",
    "Источник:",
    "///",
    "пресс-службы ",
    "агентство ",
    "Акорду",
    "NUR.KZ",
    "МИА «Казинформ»",
    "Reuters",
]
_PIECES = st.one_of(
    st.text(alphabet='абвгдеёжзАБВГДЕЁЖЗXYZabc .,:;!?-–—«»"“”„/\n\u00a0\t', max_size=12),
    st.sampled_from(_CUE_WORDS),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_PIECES, max_size=20).map("".join),
    st.integers(-5, 60),
    st.one_of(st.none(), st.integers(-5, 200)),
)
def test_any_text_gives_ordered_spans_within_range(text: str, start: int, end: int | None) -> None:
    credits = find_credits(text, REGISTRY, start, end)
    lo, hi, _ = slice(start, end).indices(len(text))
    previous_end = lo
    for c in credits:
        assert previous_end <= c.start < c.end <= hi
        assert c.name and c.name in text[c.start : c.end]
        assert "\n" not in text[c.start : c.end]
        assert (c.source_id is None) == (c.source_name is None)
        previous_end = c.end


@pytest.mark.parametrize(
    ("text", "span", "cue", "name", "source_id"),
    [
        ("Бұл туралы Kazinform хабарлайды.", "Kazinform хабарлайды", "хабарлайды", "Kazinform", "kazinform"),
        ("Kazinform хабарлады.", "Kazinform хабарлады", "хабарлайды", "Kazinform", "kazinform"),
        ("Бұл туралы NUR.KZ жазады.", "NUR.KZ жазады", "жазады", "NUR.KZ", "nur-kz"),
        ("Ақпарат көзі: Kazinform", "Ақпарат көзі: Kazinform", "ақпарат көзі", "Kazinform", "kazinform"),
        # An unknown source is credited by name, never dropped.
        ("Бұл туралы Листок Приречья хабарлайды.", "Листок Приречья хабарлайды", "хабарлайды", "Листок Приречья", None),
    ],
)
def test_kazakh_credits(text: str, span: str, cue: str, name: str, source_id: str | None) -> None:
    credit = _only(text)
    assert (text[credit.start : credit.end], credit.cue, credit.name, credit.source_id) == (
        span,
        cue,
        name,
        source_id,
    )


@pytest.mark.parametrize(
    "text",
    [
        "Ол хабарлайды.",  # "he reports": a pronoun opening the sentence is no name
        "Мәтін. Ол жазады.",
        "Бұл туралы хабарлайды.",
        "Ол хат жазады.",  # "writes a letter"
    ],
)
def test_kazakh_not_credits(text: str) -> None:
    assert find_credits(text, REGISTRY) == []


@pytest.mark.parametrize(
    ("text", "cue", "name", "source_id"),
    [
        ("Source: Kazinform", "source", "Kazinform", "kazinform"),
        ("Фото: Листок Приречья", "фото", "Листок Приречья", None),
        # A photo credit names a source as well: the picture is its work.
        ("Источник фото: Акорда", "фото", "Акорда", "akorda"),
        ("According to Kazinform, the talks ended.", "according to", "Kazinform", "kazinform"),
        ("The figures were later cited by NUR.KZ.", "cited by", "NUR.KZ", "nur-kz"),
        ("Kazinform reports that the talks ended.", "reports", "Kazinform", "kazinform"),
        ("The talks ended, Listok Prirechya reported.", "reports", "Listok Prirechya", None),
    ],
)
def test_english_and_attribution_credits(text: str, cue: str, name: str, source_id: str | None) -> None:
    credit = _only(text)
    assert (credit.cue, credit.name, credit.source_id) == (cue, name, source_id)


@pytest.mark.parametrize("text", ["He reported to the minister.", "The report said so.", "the ministry reported"])
def test_english_not_credits(text: str) -> None:
    assert find_credits(text, REGISTRY) == []


# Kazakh through case endings and nouns, Uzbek and Kyrgyz

_Case = tuple[str, str, str, str, str | None]


def _check(text: str, span: str, cue: str, name: str, source_id: str | None) -> None:
    credit = _only(text)
    assert (text[credit.start : credit.end], credit.cue, credit.name, credit.source_id) == (
        span,
        cue,
        name,
        source_id,
    )


_KAZAKH: list[_Case] = [
    # A case suffix after a hyphen, a name in a case of its own, a noun in the case the cue asks.
    ("Кітапхана ашылды, Kazinform-ға сілтеме жасап.", "Kazinform-ға сілтеме жасап", "сілтеме жасап", "Kazinform", "kazinform"),
    ("Бұл ҚазАқпаратқа сілтеме жасай отырып жазылды.", "ҚазАқпаратқа сілтеме жасай отырып", "сілтеме жасап", "ҚазАқпаратқа", "kazinform"),
    ("Бұл Kazinform агенттігіне сілтеме жасап жазылды.", "Kazinform агенттігіне сілтеме жасап", "сілтеме жасап", "Kazinform", "kazinform"),
    ("Бұл Zakon.kz сайтына сілтеме жасап жазылды.", "Zakon.kz сайтына сілтеме жасап", "сілтеме жасап", "Zakon.kz", "zakon-kz"),
    ("Бұл туралы Tengrinews.kz тілшісі жазады.", "Tengrinews.kz тілшісі жазады", "жазады", "Tengrinews.kz", "tengrinews"),
    ("Бұл туралы Ақорда баспасөз қызметі хабарлады.", "Ақорда баспасөз қызметі хабарлады", "хабарлайды", "Ақорда", "akorda"),
    ("Tengrinews.kz-тің хабарлауынша, кітапхана ашылды.", "Tengrinews.kz-тің хабарлауынша", "хабарлауынша", "Tengrinews.kz", "tengrinews"),
    ("ҚазАқпараттың мәліметінше, қорда қырық мың кітап бар.", "ҚазАқпараттың мәліметінше", "мәліметінше", "ҚазАқпараттың", "kazinform"),
    ("Кітапхана ашылды, - деп хабарлайды Baq.kz.", "деп хабарлайды Baq.kz", "хабарлайды", "Baq.kz", "baq-kz"),
    ("Кітапхана ашылды, деп жазады Egemen Qazaqstan.", "деп жазады Egemen Qazaqstan", "жазады", "Egemen Qazaqstan", "egemen-qazaqstan"),
    # A name the registry does not know is kept as written.
    ("Бұл туралы Листок Приречья тілшісі хабарлайды.", "Листок Приречья тілшісі хабарлайды", "хабарлайды", "Листок Приречья", None),
]
_UZBEK: list[_Case] = [
    ("Bu haqda Kun.uz xabar beradi.", "Kun.uz xabar beradi", "xabar beradi", "Kun.uz", "kun-uz"),
    ("Yangi kutubxona ochildi, bu haqda Daryo xabar berdi.", "Daryo xabar berdi", "xabar beradi", "Daryo", "daryo"),
    ("Bu haqda UzA muxbiri xabar bermoqda.", "UzA muxbiri xabar bermoqda", "xabar beradi", "UzA", "uza"),
    ("Bu haqda O‘zA ma’lum qildi.", "O‘zA ma’lum qildi", "ma'lum qildi", "O‘zA", "uza"),
    ("Gazeta.uz'ga ko‘ra, kutubxona ochildi.", "Gazeta.uz'ga ko‘ra", "ga ko'ra", "Gazeta.uz", "gazeta-uz"),
    ("Kun.uz ma'lumotiga ko'ra, kutubxonada qirq ming kitob bor.", "Kun.uz ma'lumotiga ko'ra", "ma'lumotiga ko'ra", "Kun.uz", "kun-uz"),
    ("Daryo xabariga koʻra, kutubxona ochildi.", "Daryo xabariga koʻra", "xabariga ko'ra", "Daryo", "daryo"),
    ("Bu haqda Listok Prirechya xabar berdi.", "Listok Prirechya xabar berdi", "xabar beradi", "Listok Prirechya", None),
    # Cyrillic
    ("Бу ҳақда ЎзА хабар беради.", "ЎзА хабар беради", "хабар беради", "ЎзА", "uza"),
    ("Бу ҳақда Дарё мухбири хабар берди.", "Дарё мухбири хабар берди", "хабар беради", "Дарё", "daryo"),
    ("Бу ҳақда ЎзА маълум қилди.", "ЎзА маълум қилди", "маълум қилди", "ЎзА", "uza"),
    ("ЎзА маълумотига кўра, кутубхона очилди.", "ЎзА маълумотига кўра", "маълумотига кўра", "ЎзА", "uza"),
    ("Дарё хабарига кўра, кутубхона очилди.", "Дарё хабарига кўра", "хабарига кўра", "Дарё", "daryo"),
    ("Reuters'га кўра, нархлар ошди.", "Reuters'га кўра", "га кўра", "Reuters", None),
]
_KYRGYZ: list[_Case] = [
    ("Бул тууралуу Kabar кабарлайт.", "Kabar кабарлайт", "кабарлайт", "Kabar", "kabar"),
    ("Бул тууралуу 24.kg маалымдады.", "24.kg маалымдады", "маалымдайт", "24.kg", "24-kg"),
    ("Бул тууралуу Кабар агенттиги билдирди.", "Кабар агенттиги билдирди", "билдирди", "Кабар", "kabar"),
    ("Бул тууралуу Kaktus.media кабарчысы кабарлады.", "Kaktus.media кабарчысы кабарлады", "кабарлайт", "Kaktus.media", "kaktus-media"),
    ("Бул тууралуу Кыргызгидромет билдирди.", "Кыргызгидромет билдирди", "билдирди", "Кыргызгидромет", None),
]


@pytest.mark.parametrize(("text", "span", "cue", "name", "source_id"), _KAZAKH + _UZBEK + _KYRGYZ)
def test_kazakh_uzbek_and_kyrgyz_credits(text: str, span: str, cue: str, name: str, source_id: str | None) -> None:
    _check(text, span, cue, name, source_id)


@pytest.mark.parametrize(
    "text",
    [
        "Бұл туралы тілшісі хабарлайды.",  # a noun with no name before it
        "Ол сілтеме жасап отыр.",  # a pronoun
        "Кітапхана ашылды, деп хабарлайды.",
        "Бұл кітапқа сілтеме жасап жазылды.",  # a common noun in the dative
        "Bu haqda xabar berdi.",
        "U xabar berdi.",
        "Yangi kitob, bu haqda ular xabar berdi.",  # lower-case Latin words are the sentence's
        "Yangi qoidaga ko'ra, kutubxona ochildi.",  # a common noun's own suffix
        "Bu qoidalar bog'ga ko'ra emas.",
        "Ал билдирди.",
        "Бул тууралуу маалымат кызматы кабарлады.",
        "Бул тууралуу кабарлады.",
        "Kazinform-ға",  # a suffix and no cue
    ],
)
def test_kazakh_uzbek_and_kyrgyz_not_credits(text: str) -> None:
    assert find_credits(text, REGISTRY) == []


def test_own_signature_and_a_credit_of_it_by_another_outlet() -> None:
    own = "Шымкентте жаңа кітапхана ашылды, деп хабарлайды Tengrinews.kz тілшісі."
    quoted = "Шымкентте жаңа кітапхана ашылды, деп хабарлайды Baq.kz Tengrinews.kz-ке сілтеме жасап."
    # Both name Tengrinews in a credit; only the first is Tengrinews's own byline.
    assert [c.source_id for c in find_credits(own, REGISTRY)] == ["tengrinews"]
    assert [c.source_id for c in find_credits(quoted, REGISTRY)] == ["baq-kz", "tengrinews"]
    assert detect_outlet(own, REGISTRY) == ("Tengrinews", None)
    assert detect_outlet(quoted, REGISTRY) == (None, None)


_REGION_PIECES = st.one_of(
    st.text(alphabet="абқғәіAKUzk .,'’ʻ-\n", max_size=8),
    st.sampled_from(
        [
            "деп хабарлайды ",
            " хабарлайды",
            " тілшісі ",
            "-ға ",
            "сілтеме жасап",
            " xabar berdi",
            "'ga ko'ra",
            " ma'lumotiga ko'ra",
            " кабарлайт",
            " билдирди",
            "Kazinform",
            "ҚазАқпаратқа",
            "Kun.uz",
            "Листок Приречья",
        ]
    ),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_REGION_PIECES, max_size=16).map("".join))
def test_region_credits_are_ordered_spans_on_one_line(text: str) -> None:
    previous_end = 0
    for c in find_credits(text, REGISTRY):
        assert previous_end <= c.start < c.end <= len(text)
        assert c.name and c.name in text[c.start : c.end] and "\n" not in text[c.start : c.end]
        previous_end = c.end
