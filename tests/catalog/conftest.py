from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

MINI = Path(__file__).parents[1] / "fixtures" / "catalog_mini"


class CatalogCopy:
    """A writable copy of the mini catalog with helpers to break it on purpose."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def data(self, name: str) -> Any:
        return yaml.safe_load((self.root / name).read_text(encoding="utf-8"))

    def write(self, name: str, data: Any) -> None:
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        (self.root / name).write_text(text, encoding="utf-8")

    def edit(self, name: str, change: Callable[[Any], None]) -> None:
        data = self.data(name)
        change(data)
        self.write(name, data)

    def text(self, name: str) -> str:
        return (self.root / name).read_text(encoding="utf-8")

    def write_text(self, name: str, text: str) -> None:
        (self.root / name).write_text(text, encoding="utf-8")


@pytest.fixture
def mini(tmp_path: Path) -> CatalogCopy:
    root = tmp_path / "catalog"
    shutil.copytree(MINI, root)
    return CatalogCopy(root)
