"""The warehouse: SQLAlchemy Core schema, engine, Alembic migrations and named queries.

The only package that speaks SQL. Typical use::

    db = Database(settings)
    upgrade(db)
    sync_catalog(db, catalog)
    with db.write() as conn:
        submissions.insert_submission(conn, ...)
"""

from dbmis.warehouse.engine import Database
from dbmis.warehouse.migrate import current_revision, head_revision, upgrade
from dbmis.warehouse.sync import SyncReport, sync_catalog

__all__ = ["Database", "SyncReport", "current_revision", "head_revision", "sync_catalog", "upgrade"]
