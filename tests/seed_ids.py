"""The bundled seed articles: where they are and their document ids."""

from __future__ import annotations

from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
D000, D001, D002, D003, D004 = (
    "000_19957e05475877a4",
    "001_2013a25cb4beb990",
    "002_c2a555b54d686add",
    "003_46e3a591079cfa77",
    "004_1006c0dd2bd35970",
)
