"""Settings from `[tool.provenance]` in `pyproject.toml` and from `provenance.toml` in the
working directory, overridden by command-line flags; each value remembers where it came from.

Keys are written as the flags are (`fail-on`, `min-words`); `provenance.toml` wins over
`pyproject.toml`, a flag over both. Paths in a file are relative to that file's folder.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from provenance.ingest.files import DEFAULT_MAX_DOCUMENT_CHARS, DEFAULT_MAX_FILE_SIZE, MAX_DOCUMENT_CHARS
from provenance.settings import DetectionSettings

DEFAULT_INDEX = "provenance-index.sqlite"
FAIL_ON = ("uncredited", "any", "never")
PYPROJECT = "pyproject.toml"
OWN_FILE = "provenance.toml"
DEFAULT = "default"


class ConfigError(ValueError):
    """A configuration file that cannot be used, named with the problem."""


_UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1024, "kib": 1024, "m": 1024**2, "mb": 1024**2, "mib": 1024**2}
_UNITS |= {"g": 1024**3, "gb": 1024**3, "gib": 1024**3}


def parse_size(value: str | int) -> int:
    """Bytes in a size written as `512M`, `2 GiB`, `100k` or a plain number of bytes."""
    if isinstance(value, int) and not isinstance(value, bool):
        number, unit = float(value), ""
    else:
        text = str(value).strip().lower()
        digits = text.rstrip("kmgib ")
        number_text, unit = digits.strip(), text[len(digits) :].strip()
        try:
            number = float(number_text)
        except ValueError:
            number = -1.0
        if unit not in _UNITS or number <= 0:
            raise ValueError(f"not a size: {value!r} (write e.g. 512M, 2G or a number of bytes)")
    size = int(number * _UNITS[unit])
    if size < 1:
        raise ValueError(f"not a size: {value!r} (it must be at least one byte)")
    return size


def _detection_keys() -> dict[str, type]:
    return {
        f.name.replace("_", "-"): type(getattr(DetectionSettings, f.name)) for f in fields(DetectionSettings)
    }


# key → (type, default). Detection settings other than `min-words` change what is matched;
# an index refuses settings other than those it was built with.
def _keys() -> dict[str, tuple[type, Any]]:
    keys: dict[str, tuple[type, Any]] = {
        "index": (Path, Path(DEFAULT_INDEX)),
        "registry": (Path, None),
        "fail-on": (str, "uncredited"),
        "jobs": (int, None),
        "encoding": (str, None),
        "max-file-size": (int, DEFAULT_MAX_FILE_SIZE),
        "max-document-chars": (int, DEFAULT_MAX_DOCUMENT_CHARS),
        "manifest": (Path, None),
        "strict": (bool, False),
    }
    for name, kind in _detection_keys().items():
        keys[name] = (kind, getattr(DetectionSettings, name.replace("-", "_")))
    return keys


KEYS = _keys()


@dataclass
class Config:
    values: dict[str, Any] = field(default_factory=lambda: {k: d for k, (_, d) in KEYS.items()})
    sources: dict[str, str] = field(default_factory=lambda: dict.fromkeys(KEYS, DEFAULT))

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def override(self, key: str, value: Any, source: str) -> None:
        """Set `key` from `source` (a flag), when `value` is not None."""
        if value is not None:
            self.values[key] = value
            self.sources[key] = source

    def detection_settings(self) -> DetectionSettings:
        """The detection settings in force. A lower `min-words` lowers the content-word floor
        with it (never below itself) unless `min-content-words` is set too."""
        values = {name.replace("-", "_"): self.values[name] for name in _detection_keys()}
        if self.sources["min-content-words"] == DEFAULT:
            values["min_content_words"] = min(values["min_words"], DetectionSettings.min_content_words)
        try:
            return DetectionSettings(**values)
        except ValueError as exc:
            raise ConfigError(f"{self._where(('min-words', 'min-content-words'))}: {exc}") from exc

    def _where(self, keys: tuple[str, ...]) -> str:
        named = sorted({self.sources[k] for k in keys if self.sources[k] != DEFAULT})
        return ", ".join(named) or "settings"

    def rows(self) -> list[tuple[str, Any, str]]:
        """(key, value, source) of every setting, for `provenance config`."""
        return [(k, self.values[k], self.sources[k]) for k in KEYS]


def _coerce(key: str, value: Any, base: Path, where: str) -> Any:
    kind, _ = KEYS[key]
    if kind is Path:
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{where}: `{key}` must be a path (a non-empty string)")
        path = Path(value).expanduser()
        return path if path.is_absolute() else base / path
    if key == "max-file-size" and not isinstance(value, bool):
        try:
            return parse_size(value)
        except ValueError as exc:
            raise ConfigError(f"{where}: `{key}`: {exc}") from exc
    if kind is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: `{key}` must be true or false, not {value!r}")
        return value
    if kind is int and isinstance(value, bool):
        raise ConfigError(f"{where}: `{key}` must be int, not {value!r}")
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind):
        raise ConfigError(
            f"{where}: `{key}` must be {'a number' if kind is float else kind.__name__}, not {value!r}"
        )
    if key == "fail-on" and value not in FAIL_ON:
        raise ConfigError(f"{where}: `fail-on` must be one of {', '.join(FAIL_ON)}, not {value!r}")
    if key == "jobs" and value < 1:
        raise ConfigError(f"{where}: `jobs` must be at least 1")
    if key == "max-document-chars" and not 1 <= value <= MAX_DOCUMENT_CHARS:
        raise ConfigError(f"{where}: `max-document-chars` must be between 1 and {MAX_DOCUMENT_CHARS:,}")
    return value


def _apply(config: Config, table: Any, path: Path, label: str) -> None:
    if not isinstance(table, dict):
        raise ConfigError(f"{label}: the settings must be a table")
    for key, value in table.items():
        if key not in KEYS:
            close = difflib.get_close_matches(key.replace("_", "-"), KEYS, n=1)
            hint = f" (did you mean `{close[0]}`?)" if close else ""
            raise ConfigError(f"{label}: unknown setting `{key}`{hint}")
        config.values[key] = _coerce(key, value, path.parent, label)
        config.sources[key] = label


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path.name}: not valid TOML: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"{path.name}: cannot read: {exc.strerror or exc}") from exc


def load_config(folder: Path | None = None) -> Config:
    """The settings in force in `folder` (default: the working directory) before any flag."""
    folder = Path.cwd() if folder is None else Path(folder)
    config = Config()
    pyproject = folder / PYPROJECT
    if pyproject.is_file():
        table = _read_toml(pyproject).get("tool", {}).get("provenance")
        if table is not None:
            _apply(config, table, pyproject, f"{PYPROJECT} [tool.provenance]")
    own = folder / OWN_FILE
    if own.is_file():
        _apply(config, _read_toml(own), own, OWN_FILE)
    return config
