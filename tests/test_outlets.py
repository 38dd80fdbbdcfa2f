"""The outlet registry and outlet detection from an outlet's own signature."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from provenance import schemas
from provenance.ingest import detect_outlet, load_registry, registry_from_data
from provenance.ingest.outlets import DEFAULT_REGISTRY, OutletRegistry

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
    assert {"Акорда", "Акорды", "Акорде", "Акорду", "Акордой"} <= set(akorda.aliases)
    assert "Казинформ" in names["Kazinform"].aliases


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
