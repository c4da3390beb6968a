from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def inventory_file(tmp_path: Path) -> Callable[[Any], Path]:
    def make(data: Any, name: str = "inventory.json") -> Path:
        path = tmp_path / name
        path.write_text(json.dumps(data), encoding="utf-8")
        return path

    return make
