from __future__ import annotations

from pathlib import Path

import pytest

from dbmis.errors import ConfigError
from dbmis.settings import Mode, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("DBMIS_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_defaults() -> None:
    s = load_settings()
    assert s.mode is Mode.production
    assert s.resolved_database_url == "sqlite:///instance/dbmis.sqlite"
    assert s.resolved_evidence_dir == Path("instance/evidence")


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DBMIS_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/x")
    monkeypatch.setenv("DBMIS_MODE", "demo")
    monkeypatch.setenv("DBMIS_CATALOG", "/srv/catalogs/sindh")
    s = load_settings()
    assert s.resolved_database_url == "postgresql+psycopg://postgres@127.0.0.1:5432/x"
    assert s.mode is Mode.demo
    assert s.catalog == Path("/srv/catalogs/sindh")


def test_toml_file_and_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    cfg = tmp_path / "site.toml"
    cfg.write_text('[dbmis]\nport = 9000\nmode = "development"\n', encoding="utf-8")
    monkeypatch.setenv("DBMIS_CONFIG", str(cfg))
    assert load_settings().port == 9000
    monkeypatch.setenv("DBMIS_PORT", "9100")
    assert load_settings().port == 9100
    assert load_settings(port=9200).port == 9200


def test_dbmis_toml_in_working_directory_is_read(tmp_path: Path) -> None:
    (tmp_path / "dbmis.toml").write_text('instance_dir = "/var/lib/dbmis"\n', encoding="utf-8")
    assert load_settings().instance_dir == Path("/var/lib/dbmis")


def test_invalid_values_name_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DBMIS_PORT", "eighty")
    with pytest.raises(ConfigError, match="port"):
        load_settings()


def test_unknown_key_in_toml_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text("prot = 1\n", encoding="utf-8")
    monkeypatch.setenv("DBMIS_CONFIG", str(cfg))
    with pytest.raises(ConfigError, match="prot"):
        load_settings()


def test_missing_named_config_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DBMIS_CONFIG", "/no/such.toml")
    with pytest.raises(ConfigError, match="not a file"):
        load_settings()


def test_broken_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text("port = [\n", encoding="utf-8")
    monkeypatch.setenv("DBMIS_CONFIG", str(cfg))
    with pytest.raises(ConfigError, match="cannot read"):
        load_settings()
