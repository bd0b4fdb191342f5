"""`dbmis init` migrates and syncs; running it twice changes nothing. SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from dbmis.cli import app
from dbmis.warehouse import Database, current_revision, head_revision
from dbmis.warehouse.queries.observations import count_rows


def test_init_twice_is_harmless(
    empty_db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DBMIS_CATALOG", raising=False)
    url = empty_db.url.render_as_string(hide_password=False)
    runner = CliRunner()
    first = runner.invoke(app, ["--database-url", url, "init"])
    assert first.exit_code == 0, first.output
    assert "inserted: 8 division, 37 district, 9 institution, 60 indicator, 12 kpi" in first.stdout
    assert current_revision(empty_db) == head_revision()
    with empty_db.read() as conn:
        before = count_rows(conn)
    second = runner.invoke(app, ["--database-url", url, "init"])
    assert second.exit_code == 0, second.output
    assert "already in sync" in second.stdout
    with empty_db.read() as conn:
        assert count_rows(conn) == before


def test_init_reports_a_broken_catalog(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cat").mkdir()
    result = CliRunner().invoke(app, ["--catalog", str(tmp_path / "cat"), "init"])
    assert result.exit_code == 1
    assert "CATALOG_INVALID" in result.stderr
    assert not (tmp_path / "instance").exists()
