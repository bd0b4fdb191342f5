"""Typed settings, read from environment variables (``DBMIS_*``) and an optional TOML file.

Precedence, highest first: keyword arguments, environment variables, the TOML file named by
``DBMIS_CONFIG`` (or ``dbmis.toml`` in the working directory if present), then defaults.
Nothing is read at import time: call :func:`load_settings`.
"""

from __future__ import annotations

import os
import tomllib
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from dbmis.errors import ConfigError

DEFAULT_CONFIG_NAME = "dbmis.toml"


class Mode(StrEnum):
    """How the app runs: ``demo`` and ``development`` relax what production requires."""

    production = "production"
    development = "development"
    demo = "demo"


class Settings(BaseSettings):
    """Everything DBMIS can be configured with. Field names map to ``DBMIS_<NAME>``."""

    model_config = SettingsConfigDict(
        env_prefix="DBMIS_", extra="forbid", frozen=True, case_sensitive=False
    )

    mode: Mode = Field(Mode.production, description="production, development or demo")
    instance_dir: Path = Field(
        Path("instance"), description="Folder for the SQLite file and evidence"
    )
    database_url: str | None = Field(
        None, description="SQLAlchemy URL; default sqlite:///<instance_dir>/dbmis.sqlite"
    )
    catalog: Path | None = Field(
        None, description="Catalog folder; default: the bundled Balochistan"
    )
    evidence_dir: Path | None = Field(
        None, description="Uploaded files by SHA-256; default instance/evidence"
    )
    secret_key: str | None = Field(None, description="Flask secret key; required in production")
    host: str = "127.0.0.1"
    port: int = Field(8050, ge=1, le=65535)
    sqlite_busy_timeout_ms: int = Field(30_000, ge=0)
    max_upload_bytes: int = Field(10 * 1024 * 1024, ge=1024)
    debug: bool = Field(False, description="Flask/Dash debug mode; refused outside development")
    session_idle_minutes: int = Field(
        30, ge=1, le=24 * 60, description="A signed-in session ends after this long unused"
    )
    session_absolute_hours: int = Field(
        12, ge=1, le=24 * 7, description="A signed-in session ends this long after sign-in"
    )
    cookie_secure: bool | None = Field(
        None, description="Send cookies over HTTPS only; default: on outside demo/development"
    )
    ratelimit_storage_uri: str = Field(
        "memory://",
        description="Where failed sign-ins are counted (memory:// per process; "
        "redis://host:6379 shared by all workers)",
    )
    trusted_proxies: int = Field(
        0,
        ge=0,
        le=5,
        description="Reverse proxies in front of the app whose X-Forwarded-For/-Proto to trust",
    )
    sign_in_limit_per_ip: str = Field(
        "30 per 15 minutes", description="Failed sign-ins allowed from one address"
    )
    sign_in_limit_per_account: str = Field(
        "10 per 15 minutes", description="Failed sign-ins allowed for one username"
    )

    @field_validator("database_url")
    @classmethod
    def _normalise_pg_driver(cls, value: str | None) -> str | None:
        if value and value.startswith(("postgres://", "postgresql://")):
            # psycopg 3 is the supported driver.
            return "postgresql+psycopg://" + value.split("://", 1)[1]
        return value

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.instance_dir / 'dbmis.sqlite').as_posix()}"

    @property
    def resolved_evidence_dir(self) -> Path:
        return self.evidence_dir or self.instance_dir / "evidence"

    @property
    def resolved_cookie_secure(self) -> bool:
        """Secure cookies unless set otherwise; off by default in demo and development (which
        are served over plain HTTP on this machine)."""
        if self.cookie_secure is not None:
            return self.cookie_secure
        return self.mode is Mode.production

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _TomlSource(settings_cls))


class _TomlSource(PydanticBaseSettingsSource):
    """Reads ``[dbmis]`` (or top-level keys) from the TOML file named by DBMIS_CONFIG."""

    def __init__(self, settings_cls: type[BaseSettings]) -> None:
        super().__init__(settings_cls)
        self._data = _read_toml()

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return self._data.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(self._data)


def _read_toml() -> dict[str, Any]:
    named = os.environ.get("DBMIS_CONFIG")
    path = Path(named) if named else Path(DEFAULT_CONFIG_NAME)
    if not path.is_file():
        if named:
            raise ConfigError(f"DBMIS_CONFIG names {path}, which is not a file")
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read settings file {path}: {exc}") from exc
    section = data.get("dbmis", data)
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: [dbmis] must be a table")
    return section


def load_settings(**overrides: Any) -> Settings:
    """Build settings from overrides, the environment and the TOML file.

    Raises :class:`ConfigError` naming the setting when a value is invalid.
    """
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg']}"
            for err in exc.errors()
        )
        raise ConfigError(f"invalid settings: {problems}") from exc
