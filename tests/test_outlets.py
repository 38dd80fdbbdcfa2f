"""The outlet registry and outlet detection from an outlet's own signature."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from provenance import schemas
from provenance.ingest import detect_outlet, load_registry, registry_from_data
from provenance.ingest.outlets import DEFAULT_REGISTRY, Outlet, OutletRegistry, _needs
from provenance.ingest.pages import read_html

REGISTRY = load_registry()


def _entry(**fields: object) -> dict[str, object]:
    entry: dict[str, object] = {"id": "x", "name": "X", "aliases": [], "signatures": []}
    entry.update(fields)
    return entry


def test_packaged_registry_is_valid_and_has_the_required_entries() -> None:
    data = json.loads(DEFAULT_REGISTRY.read_text(encoding="utf-8"))
    assert schemas.errors("outlet-registry.schema.json", data) == []
    assert (
        schemas.load_schema("outlet-registry.schema.json")["$id"] == "urn:provenance:schema:outlet-registry:1"
    )
    names = {o.name: o for o in REGISTRY.outlets}
    for name in ("NUR.KZ", "nCa", "Kazakhstan Today", "Kazinform"):
        assert names[name].kind == "outlet" and names[name].signatures
    akorda = names["Акорда"]
    assert akorda.kind == "source"
    assert {"Акорда", "Акорды", "Акорде", "Акорду", "Акордой"} <= set(akorda.spellings)
    assert "Казинформ" in names["Kazinform"].names_in("ru")


@pytest.mark.parametrize(
    ("text", "outlet"),
    [
        ("Президент принял участие в саммите, передает NUR.KZ со ссылкой на Акорду.", "NUR.KZ"),
        ("Итоги саммита откроют новую страницу. ///nCa, 10 октября 2025 г.", "nCa"),
        ("Ташкент. 16 ноября. KAZAKHSTAN TODAY - Президент принял участие во встрече.", "Kazakhstan Today"),
        ("АСТАНА. KAZINFORM – Президент принял участие во встрече.", "Kazinform"),
    ],
)
def test_signatures(text: str, outlet: str) -> None:
    assert detect_outlet(text, REGISTRY) == (outlet, None)


@pytest.mark.parametrize(
    "text",
    [
        "Президент принял участие в саммите, как передает NUR.KZ.",
        "Как передает NUR.KZ, президент принял участие в саммите.",
        "Об этом сообщает Kazakhstan Today со ссылкой на Акорду.",
        "Сегодня KAZAKHSTAN TODAY опубликовал интервью.",
        "Об этом сообщает Акорда. Фото: Акорда",
        "Президент принял участие в саммите Центральная Азия – Россия.",
        "По данным Казинформа, президент принял участие в саммите.",
    ],
)
def test_no_signature_means_no_outlet(text: str) -> None:
    assert detect_outlet(text, REGISTRY) == (None, None)


def test_seed_with_a_credited_source_gets_only_its_outlet() -> None:
    seed = Path(__file__).resolve().parent.parent / "seeds" / "004_1006c0dd2bd35970.txt"
    assert detect_outlet(seed.read_text(encoding="utf-8"), REGISTRY) == ("Kazakhstan Today", None)


def test_two_outlets_signatures_are_ambiguous() -> None:
    text = "Президент принял участие в саммите, передает NUR.KZ.\n///nCa, 10 октября 2025 г."
    assert detect_outlet(text, REGISTRY) == (None, "ambiguous outlet signatures: NUR.KZ, nCa")


def test_two_signatures_of_one_outlet_are_not_ambiguous() -> None:
    registry = registry_from_data({"outlets": [_entry(signatures=["alpha", "beta"])]})
    assert detect_outlet("alpha beta", registry) == ("X", None)


def test_sources_never_become_the_outlet() -> None:
    registry = registry_from_data({"outlets": [_entry(kind="source", signatures=["пресс-служба"])]})
    assert detect_outlet("сообщает пресс-служба", registry) == (None, None)


def test_only_the_body_is_searched() -> None:
    text = "///nCa header part|Текст статьи."
    assert detect_outlet(text, REGISTRY, body_start=text.index("|")) == (None, None)
    assert detect_outlet(text, REGISTRY, body_end=text.index("|")) == ("nCa", None)


def test_canonical_name() -> None:
    assert REGISTRY.canonical_name("nur.kz") == "NUR.KZ"
    assert REGISTRY.canonical_name("Казинформ") == "Kazinform"
    assert REGISTRY.canonical_name("Неизвестное издание") is None


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"outlets": [{"id": "x", "aliases": [], "signatures": []}]}, "'name' is a required property"),
        ({"outlets": [_entry(id="Not A Slug")]}, "does not match"),
        ({"outlets": [_entry(kind="agency")]}, "is not one of"),
        ({"outlets": [_entry(signatures=["(unclosed"])]}, "is not a 'regex'"),
        ({"outlets": [_entry(), _entry(name="Y")]}, "duplicate outlet id 'x'"),
        ([], "is not of type 'object'"),
    ],
)
def test_invalid_registry_is_a_clear_error(data: object, problem: str) -> None:
    with pytest.raises(ValueError, match=re.escape("invalid outlet registry my-outlets.json")) as caught:
        registry_from_data(data, "my-outlets.json")
    assert problem in str(caught.value)


def test_invalid_registry_file(tmp_path: Path) -> None:
    broken = tmp_path / "outlets.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape("outlets.json: not JSON")):
        load_registry(broken)
    broken.write_text(json.dumps({"outlets": [_entry(signatures=["(?P<x"])]}), encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape("outlets.json")):
        load_registry(broken)


def test_registry_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "custom.json"
    path.write_text(json.dumps({"outlets": [_entry(signatures=["^ЭКСКЛЮЗИВ"])]}), encoding="utf-8")
    registry = load_registry(path)
    assert isinstance(registry, OutletRegistry) and registry.origin == "custom.json"
    assert detect_outlet("ЭКСКЛЮЗИВ: текст", registry) == ("X", None)


@pytest.mark.parametrize(
    ("text", "pos", "outlet_id", "end"),
    [
        ("со ссылкой на Акорду.", 14, "akorda", 20),
        ("по данным Казинформа, рост", 10, "kazinform", 20),
        ("по данным МИА «Казинформ» рост", 10, "kazinform", 25),  # the longest spelling wins
        ("передает nur.kz сегодня", 9, "nur-kz", 15),  # any case
        ("сообщает АКОРДА", 9, "akorda", 15),
    ],
)
def test_name_at_resolves_names_and_case_forms(text: str, pos: int, outlet_id: str, end: int) -> None:
    found = REGISTRY.name_at(text, pos)
    assert found is not None
    outlet, stop = found
    assert (outlet.id, stop) == (outlet_id, end)


@pytest.mark.parametrize(("text", "pos"), [("Акордами", 0), ("сообщает Президент", 9), ("nCar", 0)])
def test_name_at_needs_a_whole_name(text: str, pos: int) -> None:
    assert REGISTRY.name_at(text, pos) is None


def test_boilerplate_patterns_are_compiled_per_outlet_and_generic() -> None:
    registry = registry_from_data(
        {"boilerplate": ["Поделиться"], "outlets": [_entry(boilerplate=["Подпишитесь на .+"])]}
    )
    assert [p.pattern for p in registry.boilerplate] == ["Поделиться"]
    assert [p.pattern for p in registry.outlets[0].boilerplate] == ["Подпишитесь на .+"]
    with pytest.raises(ValueError, match="regex"):
        registry_from_data({"outlets": [_entry(boilerplate=["(unclosed"])]})


# The packaged registry of the region's media

ENTRIES = REGISTRY.outlets
WITH_SIGNATURES = [o for o in ENTRIES if o.signatures]
# A made-up article around an outlet's signature line: title, lead, the line, more text.
_TITLE = "В городе открыли новую библиотеку"
_BODY = (
    "Здание построили за два года. В читальном зале сто мест, в фонде сорок тысяч книг.\n\n"
    "Библиотека будет открыта ежедневно, кроме понедельника."
)


def _article(signature_line: str) -> str:
    return f"{_TITLE}\n\n{signature_line}\n\n{_BODY}\n"


def test_packaged_registry_covers_the_region_and_its_upstreams() -> None:
    assert len(ENTRIES) >= 60
    count = Counter((o.country, o.kind) for o in ENTRIES)
    for country in ("KZ", "UZ", "KG", "TJ", "TM", "RU"):
        assert count[country, "outlet"] >= 3, country
    for country in ("KZ", "UZ", "KG", "TJ", "TM", "RU"):
        assert count[country, "source"] >= 1, country
    names = {o.name for o in ENTRIES}
    assert {"Zakon.kz", "Kun.uz", "24.kg", "Asia-Plus", "Turkmenportal", "ТАСС", "РИА Новости", "Sputnik"} <= names


def test_every_entry_has_its_languages_and_names() -> None:
    for o in ENTRIES:
        assert o.names, o.id
        if o.kind == "outlet":
            assert o.languages, o.id
        # The name a document's outlet takes is one of its spellings in some language or an alias.
        assert o.name in o.spellings
        for tag, forms in o.names:
            assert forms and o.names_in(tag) == forms


def test_no_spelling_names_two_entries() -> None:
    owners: dict[str, set[str]] = {}
    for o in ENTRIES:
        for spelling in o.spellings:
            owners.setdefault(spelling.casefold(), set()).add(o.id)
    assert {s: ids for s, ids in owners.items() if len(ids) > 1} == {}


def test_sources_have_no_signature_and_outlets_with_one_have_examples() -> None:
    assert all(not o.signatures for o in ENTRIES if o.kind == "source")
    assert all(o.examples for o in WITH_SIGNATURES)
    assert {o.id for o in WITH_SIGNATURES} >= {"nur-kz", "nca", "kazinform", "tass", "ria-novosti", "kabar", "khovar"}


@pytest.mark.parametrize("outlet", WITH_SIGNATURES, ids=lambda o: o.id)
def test_no_signature_matches_another_entrys_examples(outlet: Outlet) -> None:
    for other in ENTRIES:
        if other is not outlet:
            for example in other.examples:
                assert not any(sig.search(example) for sig in outlet.signatures), (other.id, example)


@pytest.mark.parametrize(
    ("outlet", "example"),
    [(o, e) for o in WITH_SIGNATURES for e in o.examples],
    ids=lambda v: v.id if isinstance(v, Outlet) else "",
)
def test_each_outlet_is_detected_in_a_made_up_article(outlet: Outlet, example: str) -> None:
    assert detect_outlet(_article(example), REGISTRY) == (outlet.name, None)


def _credits_of(name: str) -> list[str]:
    # Other outlets crediting it: Russian, Kazakh, Uzbek and Kyrgyz phrasings.
    return [
        f"Как передает {name}, библиотеку открыли.",
        f"Как сообщает {name}, библиотеку открыли.",
        f"Библиотеку открыли, сообщили со ссылкой на {name}.",
        f"По данным {name}, в фонде сорок тысяч книг.",
        f"Источник: {name}",
        f"Бұл туралы {name} хабарлайды.",
        f"Кітапхана ашылды, деп хабарлайды Baq.kz {name}-ға сілтеме жасап.",
        f"Bu haqda {name} xabar beradi.",
        f"Бул тууралуу {name} кабарлайт.",
    ]


@pytest.mark.parametrize("outlet", WITH_SIGNATURES, ids=lambda o: o.id)
def test_crediting_an_outlet_is_not_its_signature(outlet: Outlet) -> None:
    for name in outlet.spellings:
        for text in _credits_of(name):
            assert detect_outlet(_article(text), REGISTRY) == (None, None), text


def test_names_in_each_language_resolve_with_their_case_forms() -> None:
    for text, outlet_id in [
        ("ҚазАқпаратқа", "kazinform"),
        ("Ақорданың", "akorda"),
        ("ЎзА", "uza"),
        ("O‘zA", "uza"),
        ("Известиям", "izvestia"),
        ("Интерфаксу", "interfax"),
        ("Интерфакс-Казахстан", "interfax-kazakhstan"),  # the longer name wins
        ("пресс-службе президента Узбекистана", "president-uz"),
    ]:
        found = REGISTRY.name_at(text, 0)
        assert found is not None and found[0].id == outlet_id and found[1] == len(text), text
    kazinform = REGISTRY.get("kazinform")
    assert kazinform is not None and kazinform.names_in("kk")[0] == "ҚазАқпарат"
    assert kazinform.country == "KZ" and "kk" in kazinform.languages and kazinform.names_in("xx") == ()


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("по данным ведомостей учета", None),  # an ordinary word, not «Ведомости»
        ("Ведомостей учета", "vedomosti"),
        ("КРЕМЛЯ", "kremlin"),
        ("пресс-службы Акорды", "akorda"),  # a spelling written in lower case
        ("kun.uz", "kun-uz"),  # Latin names in any case
    ],
)
def test_a_lower_case_word_is_a_name_only_as_written_so(text: str, found: str | None) -> None:
    pos = text.index("ведомостей") if text.startswith("по данным") else 0
    match = REGISTRY.name_at(text, pos)
    assert (match[0].id if match else None) == found


# New fields: validation

@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        (_entry(country="kz"), "does not match"),
        (_entry(country="KAZ"), "does not match"),
        (_entry(languages=["Russian"]), "does not match"),
        (_entry(languages=["ru", "ru"]), "non-unique"),
        (_entry(names={"russian": ["X"]}), "does not match"),
        (_entry(names={"ru": []}), "should be non-empty"),
        (_entry(names={"ru": "X"}), "is not of type 'array'"),
        (_entry(examples=[""]), "should be non-empty"),
    ],
)
def test_new_fields_are_validated(entry: dict[str, object], problem: str) -> None:
    with pytest.raises(ValueError, match="invalid outlet registry") as caught:
        registry_from_data({"outlets": [entry]})
    assert problem in str(caught.value)


def test_an_example_its_signatures_miss_fails_the_load() -> None:
    entry = _entry(signatures=["передает X"], examples=["Текст, передает X.", "Текст, сообщает X."])
    with pytest.raises(ValueError, match=r"outlet 'x': example 'Текст, сообщает X\.' matches none of its signatures"):
        registry_from_data({"outlets": [entry]}, "mine.json")


def test_a_registry_written_before_names_still_loads() -> None:
    old_style = {
        "$schema": "urn:provenance:schema:outlet-registry:1",
        "version": 1,
        "outlets": [
            {
                "id": "vestnik",
                "name": "Вестник Степи",
                "kind": "outlet",
                "aliases": ["Вестника Степи", "vestnik.kz"],
                "domains": ["vestnik.kz"],
                "signatures": ["передает Вестник Степи"],
            }
        ],
    }
    registry = registry_from_data(old_style)
    outlet = registry.outlets[0]
    assert (outlet.country, outlet.languages, outlet.names, outlet.examples) == (None, (), (), ())
    assert registry.canonical_name("Вестника Степи") == "Вестник Степи"


# A user's registry file extends the packaged one

def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_users_registry_adds_its_entries_to_the_packaged_ones(tmp_path: Path) -> None:
    entry = _entry(id="vestnik", name="Вестник Степи", domains=["vestnik.kz"], signatures=["передает Вестник Степи"])
    registry = load_registry(_write(tmp_path, {"boilerplate": ["Читайте нас в соцсетях"], "outlets": [entry]}))
    assert registry.origin == "mine.json"
    assert len(registry.outlets) == len(ENTRIES) + 1 and registry.outlets[0].id == "vestnik"
    assert registry.canonical_name("Казинформа") == "Kazinform"  # the packaged entries stay
    assert detect_outlet("Текст, передает Вестник Степи.", registry) == ("Вестник Степи", None)
    assert detect_outlet("Текст, передает NUR.KZ.", registry) == ("NUR.KZ", None)
    assert [p.pattern for p in registry.boilerplate] == [
        *(p.pattern for p in REGISTRY.boilerplate),
        "Читайте нас в соцсетях",
    ]


def test_a_users_entry_with_a_packaged_id_replaces_it(tmp_path: Path) -> None:
    entry = _entry(id="nur-kz", name="NUR.KZ", domains=["nur.kz"], signatures=["— NUR\\.KZ$"])
    registry = load_registry(_write(tmp_path, {"outlets": [entry]}))
    assert len(registry.outlets) == len(ENTRIES)
    assert [o for o in registry.outlets if o.id == "nur-kz"] == [registry.outlets[0]]
    assert detect_outlet("Текст, передает NUR.KZ.", registry) == (None, None)
    assert detect_outlet("Текст — NUR.KZ", registry) == ("NUR.KZ", None)


def test_a_standalone_registry_is_the_whole_registry(tmp_path: Path) -> None:
    registry = load_registry(_write(tmp_path, {"standalone": True, "outlets": [_entry()]}))
    assert [o.id for o in registry.outlets] == ["x"] and registry.boilerplate == ()


def test_a_users_entry_taking_a_packaged_domain_under_another_id_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path, {"outlets": [_entry(id="my-nur", domains=["nur.kz"])]})
    with pytest.raises(ValueError, match=r"invalid outlet registry mine\.json: .*'nur\.kz'.*'my-nur'"):
        load_registry(path)


def test_an_invalid_users_registry_names_its_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"invalid outlet registry mine\.json: .*standalone"):
        load_registry(_write(tmp_path, {"standalone": "yes", "outlets": []}))


@pytest.mark.parametrize(
    ("pattern", "needs"),
    [
        (r"переда[её]т[  ]+NUR\.KZ\b", ("переда", "т", "NUR.KZ")),
        (r"/(?:ТАСС|TASS)/", ("/",)),
        (r"alpha|beta", ()),  # either may match: nothing is needed
        (r"(?i)KAZINFORM", ()),  # any case: no literal to look for
        (r"a+", ()),
    ],
)
def test_a_signature_needs_its_top_level_literals(pattern: str, needs: tuple[str, ...]) -> None:
    assert _needs(re.compile(pattern)) == needs


def test_every_example_holds_what_its_signatures_need() -> None:
    # The quick test before each regex must never hide a match.
    for o in WITH_SIGNATURES:
        for example in o.examples:
            assert any(
                all(n in example for n in needs) and sig.search(example)
                for sig, needs in zip(o.signatures, o.signature_needs, strict=True)
            ), (o.id, example)


def test_a_spelling_in_a_users_entry_is_theirs(tmp_path: Path) -> None:
    entry = _entry(id="kazinform-digest", name="Kazinform Digest", aliases=["Казинформ"])
    registry = load_registry(_write(tmp_path, {"outlets": [entry]}))
    assert registry.canonical_name("Казинформ") == "Kazinform Digest"
    assert registry.canonical_name("Казинформа") == "Kazinform"  # the packaged forms it leaves


OUTLETS_WITH_DOMAINS = [o for o in ENTRIES if o.kind == "outlet" and o.domains]


def test_almost_every_outlet_has_a_web_domain() -> None:
    assert len(OUTLETS_WITH_DOMAINS) >= 60


@pytest.mark.parametrize("outlet", OUTLETS_WITH_DOMAINS, ids=lambda o: o.id)
def test_each_outlet_is_detected_in_a_made_up_page_saved_from_its_site(outlet: Outlet) -> None:
    # A saved page names its site in its canonical link; the text names no outlet.
    page = (
        "<html><head><title>Библиотека</title>"
        f'<link rel="canonical" href="https://www.{outlet.domains[0]}/news/2025/10/11/library">'
        "</head><body><article><h1>Библиотеку открыли</h1>"
        + "<p>В городе открыли новую библиотеку, в её фонде сорок тысяч книг и журналов.</p>" * 3
        + "</article></body></html>"
    )
    [doc], _, _ = read_html("page.html", page, "utf-8", REGISTRY)
    assert (doc.outlet, doc.outlet_source) == (outlet.name, "url")
