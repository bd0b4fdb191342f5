from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dbmis import __version__
from dbmis.cli import app

MINI = Path(__file__).parents[1] / "fixtures" / "catalog_mini"


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    monkeypatch.delenv("DBMIS_CATALOG", raising=False)
    monkeypatch.delenv("DBMIS_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"dbmis {__version__}"


def test_help_explains_first_steps(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for word in ("catalog", "init", "serve", "DBMIS_DATABASE_URL"):
        assert word in result.stdout


def test_check_default_catalog_prints_counts(runner: CliRunner) -> None:
    result = runner.invoke(app, ["catalog", "check"])
    assert result.exit_code == 0, result.output
    for name in (
        "divisions",
        "districts",
        "institutions",
        "indicators",
        "rules",
        "kpis",
        "targets",
    ):
        assert name in result.stdout
    assert "Balochistan" in result.stdout


def test_check_named_folder(runner: CliRunner) -> None:
    result = runner.invoke(app, ["catalog", "check", str(MINI)])
    assert result.exit_code == 0, result.output
    assert "districts" in result.stdout and "4" in result.stdout


def test_dbmis_catalog_environment_variable(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DBMIS_CATALOG", str(MINI))
    result = runner.invoke(app, ["catalog", "check"])
    assert result.exit_code == 0, result.output
    assert str(MINI) in result.stdout


def test_broken_catalog_exits_non_zero_naming_file_and_key(
    runner: CliRunner, tmp_path: Path
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(MINI, broken)
    path = broken / "indicators.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("institution: PRISONS", "institution: JAILS", 1),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["catalog", "check", str(broken)])
    assert result.exit_code == 1
    assert "CATALOG_INVALID" in result.stderr
    assert "indicators.yaml:" in result.stderr
    assert ".institution" in result.stderr and "JAILS" in result.stderr


def test_bad_setting_exits_2(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DBMIS_PORT", "not-a-port")
    result = runner.invoke(app, ["catalog", "check"])
    assert result.exit_code == 2
    assert "CONFIG_INVALID" in result.stderr
