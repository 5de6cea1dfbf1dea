"""statement_guard(): run a statement so that its failure leaves the surrounding transaction usable."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection


@contextmanager
def statement_guard(conn: Connection) -> Iterator[None]:
    """PostgreSQL: a (Core) savepoint, as an error aborts the whole transaction there. SQLite needs none: a
    failed statement is rolled back alone and the transaction stays active (and a savepoint costs a round of
    the session machinery per event)."""
    if conn.dialect.name == "postgresql":
        with conn.begin_nested():
            yield
    else:
        yield
