"""PostgreSQL batch statements that carry a whole batch as one JSON parameter (one round trip, one plan).

A statement of fixed text whatever the batch size, so psycopg prepares it once; the rows travel as one JSON
document (encoded by the C json encoder) instead of one array per column (psycopg dumps arrays in Python, about
25 µs an event for the events table) or one statement per row (executemany). The server parses the document
with `json_to_recordset`, in order (`WITH ORDINALITY`), so serial keys are assigned in the rows' order.

Types come from the table's own columns, without length limits: a too long value is refused by the INSERT's
assignment (an error, never a silent truncation), as a plain INSERT would.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Table, TextClause, TextualSelect, text
from sqlalchemy.dialects import postgresql

_DIALECT = postgresql.dialect()


def _pg_type(table: Table, column: str) -> str:
    """The column's PostgreSQL type without its length (VARCHAR(64) → VARCHAR)."""
    return re.sub(r"\(\d+(,\s*\d+)?\)", "", table.c[column].type.compile(dialect=_DIALECT))


def recordset(table: Table, columns: Sequence[str], param: str = "rows") -> str:
    """`ROWS FROM (json_to_recordset(:param)) WITH ORDINALITY AS r(<columns>, ord)` for a FROM clause."""
    spec = ", ".join(f"{c} {_pg_type(table, c)}" for c in columns)
    return (
        f"ROWS FROM (json_to_recordset(CAST(:{param} AS json)) AS ({spec})) "
        f"WITH ORDINALITY AS r({', '.join(columns)}, ord)"
    )


def insert_sql(
    table: Table,
    columns: Sequence[str],
    *,
    param: str = "rows",
    where: str | None = None,
    skip_conflicts_on: str | None = None,
    returning: str | None = None,
) -> str:
    """INSERT INTO table (columns) SELECT … FROM the JSON rows (`r`, filtered by `where`), in their order;
    optionally ON CONFLICT (skip_conflicts_on) DO NOTHING and RETURNING one column."""
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) SELECT {', '.join(columns)} "
        f"FROM {recordset(table, columns, param)}"
    )
    sql += f" WHERE {where} ORDER BY ord" if where else " ORDER BY ord"
    if skip_conflicts_on:
        sql += f" ON CONFLICT ({skip_conflicts_on}) DO NOTHING"
    if returning:
        sql += f" RETURNING {returning}"
    return sql


def insert_statement(
    table: Table,
    columns: Sequence[str],
    *,
    skip_conflicts_on: str | None = None,
    returning: str | None = None,
) -> TextClause | TextualSelect:
    """insert_sql() as a statement; with `returning`, a statement whose rows are that column."""
    stmt = text(insert_sql(table, columns, skip_conflicts_on=skip_conflicts_on, returning=returning))
    return stmt.columns(table.c[returning]) if returning else stmt


def _plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def json_rows(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """The rows' values of `columns` as the JSON parameter of a recordset statement.

    ASCII escapes throughout: a character PostgreSQL cannot store (NUL, a lone surrogate) reaches the server
    as an escape and is refused there as a DataError, like any value the database refuses."""
    return json.dumps([{c: row[c] for c in columns} for row in rows], default=_plain)
