"""The layering of docs/layering.md: a district session runs no console hook; edge commands load no console;
only devices/ opens cameras."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from district_cloud.config import DistrictSettings
from district_cloud.db import open_district
from district_cloud.models import Community

ROOT = Path(__file__).resolve().parent.parent


def _console_hooks_loaded() -> None:
    """Import every console module that registers session listeners (as a console process does)."""
    import property_console.access_config
    import property_console.events.broadcast
    import property_console.events.relay
    import property_console.uplink.recorder  # noqa: F401


def test_district_session_runs_no_console_listener(tmp_path: Path) -> None:
    _console_hooks_loaded()
    from property_console.events.broadcast import PENDING, publish_after_commit

    d = open_district(DistrictSettings(mode="test", data_dir=tmp_path))
    try:
        with d.sessions() as db:
            for name in ("after_flush", "before_commit", "after_commit", "after_soft_rollback"):
                owners = {fn.__module__ for fn in getattr(db.dispatch, name)}
                assert not [m for m in owners if m.startswith("property_console")], (name, owners)
            # Behaviour, not only registration: the console's live relay would INSERT into live_messages (no such
            # table here) before commit, and its broadcaster would pop the pending messages after commit.
            publish_after_commit(db, {"type": "probe"})
            with db.begin():
                db.add(Community(code="C9", name="九", ha1="x" * 32))
            assert db.info[PENDING] == [{"type": "probe"}]
            assert db.execute(select(Community.code)).scalars().all() == ["C9"]
    finally:
        d.engine.dispose()


def test_console_session_does_run_the_console_listeners(tmp_path: Path) -> None:
    """The control for the test above: the same probe on a console session is consumed at commit."""
    _console_hooks_loaded()
    from property_console.config import Settings
    from property_console.events.broadcast import PENDING, publish_after_commit
    from property_console.models import LiveMessage
    from property_console.runtime import open_runtime

    rt = open_runtime(Settings(mode="test", data_dir=tmp_path))
    try:
        with rt.sessions() as db:
            publish_after_commit(db, {"type": "probe"})
            with db.begin():
                pass
            assert PENDING not in db.info
            rows = db.execute(select(LiveMessage.messages)).scalars().all()
            assert rows == [[{"type": "probe"}]]
    finally:
        rt.engine.dispose()
