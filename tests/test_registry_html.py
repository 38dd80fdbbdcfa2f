"""The registry's web domains and per-outlet CSS selectors for saved pages."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from provenance import schemas
from provenance.ingest import load_registry, registry_from_data
from provenance.ingest.outlets import css_selector

REGISTRY = load_registry()
SCHEMA = "outlet-registry.schema.json"


def _entry(**fields: object) -> dict[str, object]:
    entry: dict[str, object] = {"id": "x", "name": "X", "aliases": [], "signatures": []}
    entry.update(fields)
    return entry


@pytest.mark.parametrize(
    ("host", "name"),
    [
        ("nur.kz", "NUR.KZ"),
        ("www.nur.kz", "NUR.KZ"),
        ("WWW.NUR.KZ.", "NUR.KZ"),
        ("newscentralasia.net", "nCa"),
        ("www.kt.kz", "Kazakhstan Today"),
        ("www.inform.kz", "Kazinform"),
        ("m.tengrinews.kz", "Tengrinews"),
        ("www.akorda.kz", "Акорда"),
        ("kun.uz", "Kun.uz"),
        ("www.gazeta.uz", "Gazeta.uz"),
        ("24.kg", "24.kg"),
        ("ru.sputnik.kg", "Sputnik"),
        ("asiaplustj.info", "Asia-Plus"),
        ("turkmenportal.com", "Turkmenportal"),
        ("tass.com", "ТАСС"),
        ("www.president.uz", "Пресс-служба президента Узбекистана"),
        ("24.kz", "Khabar 24"),
    ],
)
def test_packaged_registry_knows_the_outlets_domains(host: str, name: str) -> None:
    outlet = REGISTRY.outlet_for_host(host)
    assert outlet is not None and outlet.name == name


@pytest.mark.parametrize(
    "host", ["notnur.kz", "nur.kz.example.com", "kz", "", "tengrinews.com", "gov.kz", "mfa.gov.kg", "kg"]
)
def test_a_host_only_matches_a_listed_domain_or_its_subdomains(host: str) -> None:
    assert REGISTRY.outlet_for_host(host) is None


def test_packaged_registry_has_no_unverified_selectors() -> None:
    # Selectors for real sites are added from saved pages of theirs, never guessed.
    assert all(not o.content_selectors and not o.exclude_selectors for o in REGISTRY.outlets)


def test_the_most_specific_domain_wins() -> None:
    registry = registry_from_data(
        {
            "outlets": [
                _entry(id="portal", name="Portal", domains=["example.kz"]),
                _entry(id="portal-news", name="Portal News", domains=["news.example.kz"]),
            ]
        }
    )
    assert registry.outlet_for_host("www.news.example.kz").name == "Portal News"  # type: ignore[union-attr]
    assert registry.outlet_for_host("sport.example.kz").name == "Portal"  # type: ignore[union-attr]


def test_an_internationalised_host_matches_its_xn_form() -> None:
    registry = registry_from_data({"outlets": [_entry(domains=["xn--b1amnebsh.xn--p1ai"])]})  # новости.рф
    assert registry.outlet_for_host("www.новости.рф").id == "x"  # type: ignore[union-attr]
    assert registry.outlet_for_host("xn--b1amnebsh.xn--p1ai").id == "x"  # type: ignore[union-attr]
    assert registry.outlet_for_host("новости.kz") is None


def test_a_domain_belongs_to_one_outlet() -> None:
    data = {
        "outlets": [
            _entry(id="a", name="A", domains=["example.kz"]),
            _entry(id="b", name="B", domains=["example.kz"]),
        ]
    }
    with pytest.raises(ValueError, match=r"outlet 'b'.*'example\.kz'.*outlet 'a'"):
        registry_from_data(data)


@pytest.mark.parametrize(
    "domain", ["https://nur.kz", "nur.kz/", "Nur.kz", "nur", "-nur.kz", "nur..kz", "nur.kz:443", ""]
)
def test_schema_rejects_what_is_not_a_host_name(domain: str) -> None:
    assert schemas.errors(SCHEMA, {"outlets": [_entry(domains=[domain])]})
    with pytest.raises(ValueError, match="invalid outlet registry"):
        registry_from_data({"outlets": [_entry(domains=[domain])]})


@pytest.mark.parametrize(
    "html",
    [
        {"contents": ["div.article"]},  # misspelt key
        {"content": "div.article"},  # not a list
        {"content": [""]},
        {"exclude": ["div.a", "div.a"]},
    ],
)
def test_schema_rejects_malformed_html_settings(html: object) -> None:
    assert schemas.errors(SCHEMA, {"outlets": [_entry(html=html)]})


def test_selectors_are_kept_per_outlet() -> None:
    registry = registry_from_data(
        {
            "outlets": [
                _entry(
                    domains=["example.kz"],
                    html={"content": ["div.article__body", "#lead"], "exclude": [".read-also"]},
                )
            ]
        }
    )
    outlet = registry.outlets[0]
    assert outlet.domains == ("example.kz",)
    assert outlet.content_selectors == ("div.article__body", "#lead")
    assert outlet.exclude_selectors == (".read-also",)
    assert registry.named("x") is outlet


@pytest.mark.parametrize(
    ("key", "selector"),
    [
        ("content", "div..article"),
        ("content", "p:no-such-state"),  # an unknown pseudo-class
        ("exclude", "p::first-line"),  # a pseudo-element selects no element
        ("exclude", "div["),
    ],
)
def test_an_invalid_selector_fails_the_load_naming_outlet_and_selector(key: str, selector: str) -> None:
    with pytest.raises(ValueError, match="invalid outlet registry") as caught:
        registry_from_data({"outlets": [_entry(id="nur-kz", name="NUR.KZ", html={key: [selector]})]})
    message = str(caught.value)
    assert "outlet 'nur-kz'" in message and repr(selector) in message and "CSS selector" in message


def test_an_invalid_selector_in_a_registry_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "outlets.json"
    path.write_text(json.dumps({"outlets": [_entry(html={"content": ["div..x"]})]}), encoding="utf-8")
    with pytest.raises(
        ValueError, match=r"invalid outlet registry outlets\.json: outlet 'x': bad CSS selector"
    ):
        load_registry(path)


def test_css_selector_compiles_once_for_html() -> None:
    assert css_selector("DIV.Lead") is css_selector("DIV.Lead")
    with pytest.raises(ValueError):
        css_selector("a[")


def test_a_registry_with_selectors_survives_pickling() -> None:
    registry = registry_from_data(
        {"outlets": [_entry(domains=["example.kz"], html={"content": ["div.text"], "exclude": [".ad"]})]}
    )
    copy = pickle.loads(pickle.dumps(registry))
    assert copy.outlets == registry.outlets
    assert copy.outlet_for_host("www.example.kz") == registry.outlets[0]
