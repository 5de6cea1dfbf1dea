"""The console fixtures (seeded database per test, app client, demo logins) for the gate ↔ console tests."""

from tests.console.conftest import (  # noqa: F401
    app_client,
    login,
    pg_template,
    runtime,
    seeded_url,
    sqlite_template,
)
