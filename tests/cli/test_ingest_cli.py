"""`dbmis ingest` and `dbmis demo` from the shell: exit codes, output, JSON, annotation."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from dbmis.catalog import load_catalog
from dbmis.cli import app
from dbmis.demo import filled_workbook, generate
from dbmis.demo.load import load_demo
from dbmis.ingest.evidence import EvidenceStore
from dbmis.ingest.service import IngestEnv
from dbmis.warehouse import Database, sync_catalog, upgrade
from dbmis.warehouse.queries.observations import count_rows

MINI = Path(__file__).parents[1] / "fixtures" / "catalog_mini"


@pytest.fixture
def shell(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[CliRunner, list[str], Path]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DBMIS_INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.delenv("DBMIS_CATALOG", raising=False)
    base = ["--catalog", str(MINI), "--database-url", f"sqlite:///{tmp_path / 'w.sqlite'}"]
    runner = CliRunner()
    assert runner.invoke(app, [*base, "init"]).exit_code == 0
    return runner, base, tmp_path


def files(tmp_path: Path) -> tuple[Path, Path]:
    catalog = load_catalog(MINI)
    data = generate(catalog, first_month=202401, last_month=202512)
    good = tmp_path / "good.xlsx"
    good.write_bytes(filled_workbook(catalog, data, "ALPHA", "PROSECUTION", 2025))
    wb = load_workbook(good)
    wb["Data"]["E8"] = "n/a"
    bad = tmp_path / "bad.xlsx"
    wb.save(bad)
    return good, bad


def test_accepts_and_rejects_with_exit_status(shell: tuple[CliRunner, list[str], Path]) -> None:
    runner, base, tmp_path = shell
    good, bad = files(tmp_path)
    ok = runner.invoke(app, [*base, "ingest", str(good)])
    assert ok.exit_code == 0, ok.output
    assert "ACCEPTED  good.xlsx: loaded as submission 1" in ok.stdout
    both = runner.invoke(
        app, [*base, "ingest", str(good), str(bad), "--annotate", str(tmp_path / "ann")]
    )
    assert both.exit_code == 1
    assert "already loaded as submission 1" in both.stdout
    assert "REJECTED  bad.xlsx" in both.stdout
    assert "Data!E8" in both.stdout and "[VALUE_NOT_NUMBER]" in both.stdout
    marked = load_workbook(tmp_path / "ann" / "bad.annotated.xlsx")["Data"]["E8"]
    assert "VALUE_NOT_NUMBER" in marked.comment.text


def test_json_and_dry_run_write_nothing(shell: tuple[CliRunner, list[str], Path]) -> None:
    runner, base, tmp_path = shell
    good, _bad = files(tmp_path)
    db = Database(f"sqlite:///{tmp_path / 'w.sqlite'}")
    with db.read() as conn:
        before = count_rows(conn)
    result = runner.invoke(app, [*base, "ingest", str(good), "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout.strip())
    assert payload["ok"] is True and payload["submission_id"] is None
    assert payload["counts"]["values"] > 0
    with db.read() as conn:
        assert count_rows(conn) == before
    db.dispose()


def test_unknown_user_is_a_clear_error(shell: tuple[CliRunner, list[str], Path]) -> None:
    runner, base, tmp_path = shell
    good, _bad = files(tmp_path)
    result = runner.invoke(app, [*base, "ingest", str(good), "--as", "nobody"])
    assert result.exit_code == 1
    assert "NOT_FOUND" in result.stderr and "nobody" in result.stderr


def test_demo_loads_every_file_through_ingest(tmp_path: Path) -> None:
    catalog = load_catalog(MINI)
    db = Database(f"sqlite:///{tmp_path / 'demo.sqlite'}")
    upgrade(db)
    sync_catalog(db, catalog)
    env = IngestEnv(db=db, catalog=catalog, evidence=EvidenceStore(tmp_path / "ev"), is_demo=True)
    report = load_demo(env, today=date(2025, 3, 10))
    assert report.mismatches == []
    assert report.accepted > 0 and report.rejected > 0
    with db.read() as conn:
        rows = count_rows(conn)
    assert rows["submission"] == report.submissions  # a data desk file holds many
    assert rows["observation"] == report.values
    again = load_demo(env, today=date(2025, 3, 10))
    assert again.already_loaded and again.files == 0
    db.dispose()
