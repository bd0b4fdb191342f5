"""Named query functions, one module per area.

Every function takes a :class:`~sqlalchemy.Connection` first and never commits: the caller
owns the transaction (``with db.write() as conn: ...``), so several calls form one unit.
"""
