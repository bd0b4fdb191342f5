"""``dbmis serve`` refuses unsafe settings before it listens: debug outside development, and
no SECRET_KEY outside demo mode."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from dbmis.cli import app
from tests.app.conftest import MINI


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DBMIS_INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.setenv("DBMIS_CATALOG", str(MINI))

    def no_listening(*args: object, **kwargs: object) -> None:
        raise AssertionError("serve must refuse before it listens")

    monkeypatch.setattr("waitress.serve", no_listening)


@pytest.mark.usefixtures("env")
@pytest.mark.parametrize("mode", ["production", "demo"])
def test_serve_refuses_debug_outside_development(
    monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    monkeypatch.setenv("DBMIS_MODE", mode)
    monkeypatch.setenv("DBMIS_DEBUG", "1")
    monkeypatch.setenv("DBMIS_SECRET_KEY", "k" * 40)
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 1
    assert "CONFIG_INVALID" in result.stderr
    assert "debug mode is only allowed in development" in result.stderr


@pytest.mark.usefixtures("env")
def test_serve_refuses_production_without_a_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DBMIS_MODE", "production")
    monkeypatch.delenv("DBMIS_SECRET_KEY", raising=False)
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 1
    assert "DBMIS_SECRET_KEY is required in production mode" in result.stderr
