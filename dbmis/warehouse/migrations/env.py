"""Alembic environment: runs on the connection handed over in ``config.attributes``.

There is no alembic.ini: :mod:`dbmis.warehouse.migrate` builds the Config, opens a write
transaction and passes its connection here, so the migrations and the version table commit or
roll back together.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from dbmis.errors import WarehouseError
from dbmis.warehouse.schema import metadata


def run_migrations_online(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    if context.is_offline_mode():
        raise WarehouseError("offline (--sql) migrations are not supported; use dbmis init")
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise WarehouseError("run migrations through dbmis.warehouse.migrate.upgrade()")
    run_migrations_online(connection)


_main()
