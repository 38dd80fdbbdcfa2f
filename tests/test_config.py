"""Configuration: pyproject.toml's [tool.provenance], provenance.toml, flags; where each comes from."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cli_process import run_cli

from provenance.config import ConfigError, load_config
from provenance.settings import DetectionSettings

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


def test_defaults_without_files(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config["fail-on"] == "uncredited" and config["min-words"] == DetectionSettings.min_words
    assert set(config.sources.values()) == {"default"}
    assert config.detection_settings() == DetectionSettings()


def test_provenance_toml_wins_over_pyproject_and_flags_win_over_both(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.provenance]\nfail-on = "any"\nmin-words = 10\nindex = "data/idx.sqlite"\n',
        encoding="utf-8",
    )
    (tmp_path / "provenance.toml").write_text('min-words = 12\n', encoding="utf-8")
    config = load_config(tmp_path)
    assert config["fail-on"] == "any" and config.sources["fail-on"] == "pyproject.toml [tool.provenance]"
    assert config["min-words"] == 12 and config.sources["min-words"] == "provenance.toml"
    assert config["index"] == tmp_path / "data" / "idx.sqlite"  # relative to the file
    config.override("min-words", 9, "--min-words")
    config.override("fail-on", None, "--fail-on")  # a flag not given changes nothing
    assert config["min-words"] == 9 and config.sources["min-words"] == "--min-words"
    assert config["fail-on"] == "any"
    settings = config.detection_settings()
    assert settings.min_words == 9 and settings.min_content_words == 4


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("fail-on = 'any'\nmin-wrods = 3\n", "unknown setting `min-wrods` (did you mean `min-words`?)"),
        ("fail-on = 'sometimes'\n", "`fail-on` must be one of"),
        ("min-words = 'eight'\n", "`min-words` must be int"),
        ("min-words = [\n", "not valid TOML"),
        ("jobs = 0\n", "`jobs` must be at least 1"),
        ("strict = 'yes'\n", "`strict` must be true or false"),
        ("max-file-size = 'lots'\n", "`max-file-size`: not a size: 'lots'"),
        ("max-file-size = 0\n", "`max-file-size`: not a size: 0"),
        ("max-document-chars = 0\n", "`max-document-chars` must be between 1 and"),
        ("max-document-chars = '10M'\n", "`max-document-chars` must be int"),
    ],
)
def test_bad_files_are_named_errors(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "provenance.toml").write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"provenance\.toml") as caught:
        load_config(tmp_path)
    assert message in str(caught.value)


def test_config_command_shows_values_and_sources(tmp_path: Path) -> None:
    (tmp_path / "provenance.toml").write_text('fail-on = "never"\n', encoding="utf-8")
    result = run_cli("config", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line.split(maxsplit=2)[1:] for line in result.stdout.splitlines()}
    assert rows["fail-on"] == ["never", "provenance.toml"]
    assert rows["min-words"] == ["8", "default"]
    assert rows["index"] == ["provenance-index.sqlite", "default"]


def test_input_settings(tmp_path: Path) -> None:
    (tmp_path / "provenance.toml").write_text(
        'strict = true\nmax-file-size = "2M"\nencoding = "windows-1251"\nmanifest = "meta/m.csv"\n',
        encoding="utf-8",
    )
    config = load_config(tmp_path)
    assert config["strict"] is True and config["max-file-size"] == 2 * 1024 * 1024
    assert config["encoding"] == "windows-1251" and config["manifest"] == tmp_path / "meta" / "m.csv"
    result = run_cli("config", cwd=tmp_path)
    line = next(x for x in result.stdout.splitlines() if x.startswith("max-file-size"))
    assert re.split(r"\s{2,}", line.strip()) == ["max-file-size", "2.0 MiB", "provenance.toml"]


def test_a_bad_config_file_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "provenance.toml").write_text("colour = 'red'\n", encoding="utf-8")
    result = run_cli("config", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == "provenance: error: provenance.toml: unknown setting `colour`"


def test_config_drives_the_index_and_refuses_other_settings(tmp_path: Path) -> None:
    (tmp_path / "provenance.toml").write_text('index = "archive.sqlite"\n', encoding="utf-8")
    assert run_cli("index", "add", str(SEEDS), "-q", cwd=tmp_path).returncode == 0
    assert (tmp_path / "archive.sqlite").is_file()
    stats = run_cli("index", "stats", cwd=tmp_path)
    assert stats.returncode == 0 and "documents  5" in stats.stdout
    # The same index opened with another shingle length is a clear error, not wrong answers.
    (tmp_path / "provenance.toml").write_text('index = "archive.sqlite"\nshingle-words = 4\n', encoding="utf-8")
    (tmp_path / "draft.txt").write_text("Текст черновика для проверки.\n", encoding="utf-8")
    result = run_cli("check", "draft.txt", cwd=tmp_path)
    assert result.returncode == 2
    assert "built with other settings: shingle_words=3 (asked 4)" in result.stderr
    assert result.stderr.strip().count("\n") == 0
