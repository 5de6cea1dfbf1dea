"""The layering of docs/layering.md: a district session runs no console hook; edge commands load no console;
only devices/ opens cameras."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
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
    import property_console.uplink.outbox  # noqa: F401


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


# --- `sc` composed at the top: a command loads only its own deployable ---------------------------------------------

PROBE = """
import atexit, json, sys
atexit.register(lambda: print("\\nMODULES=" + json.dumps(sorted({m.split(".")[0] for m in sys.modules}))))
from sc_cli.main import main
sys.argv = ["sc", *json.loads(sys.argv[1])]
main()
"""
CONSOLE_ONLY = {"property_console", "fastapi", "openpyxl", "sqlalchemy", "alembic", "district_cloud"}


def _top_modules(*args: str) -> set[str]:
    """The top-level packages a fresh `sc ARGS` process has imported when it exits."""
    out = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert out.returncode == 0, out.stderr
    line = next(x for x in out.stdout.splitlines() if x.startswith("MODULES="))
    return set(json.loads(line.removeprefix("MODULES=")))


@pytest.mark.parametrize(
    ("args", "own", "forbidden"),
    [
        (("door", "run", "--help"), "access", CONSOLE_ONLY),
        (("perimeter", "run", "--help"), "perimeter", CONSOLE_ONLY),
        # The gate's LPR push receiver is an HTTP server (devices/lpr_push, on FastAPI): only fastapi is allowed.
        (("gate", "run", "--help"), "plate_gate", CONSOLE_ONLY - {"fastapi"}),
        (("sim", "--help"), "devices", CONSOLE_ONLY),
        (("plates", "--help"), "plate_gate", CONSOLE_ONLY),
        (("faces", "--help"), "access", CONSOLE_ONLY),
        (("district", "serve", "--help"), "district_cloud", {"property_console"}),
    ],
)
def test_a_command_loads_no_other_deployable(args: tuple[str, ...], own: str, forbidden: set[str]) -> None:
    loaded = _top_modules(*args)
    assert own in loaded  # the probe did reach the command
    assert not loaded & forbidden, sorted(loaded & forbidden)


def test_sc_help_lists_every_command_and_imports_none() -> None:
    from sc_cli.main import COMMANDS

    out = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(["--help"])],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert out.returncode == 0, out.stderr
    for name in (
        "init",
        "serve",
        "demo",
        "door",
        "gate",
        "perimeter",
        "district",
        "sim",
        "doorplate",
        "report",
    ):
        entry = COMMANDS[name]
        assert any(name in line and entry.help in line for line in out.stdout.splitlines()), name
    loaded = set(json.loads(out.stdout.split("MODULES=")[1]))
    deployables = {"access", "plate_gate", "perimeter", "qr_doorplate", "devices", "property_console"}
    assert not loaded & (deployables | {"district_cloud"})


def test_every_command_resolves_to_its_deployable() -> None:
    """Each table entry imports and names a real command (the help lines are static, so check they lead somewhere)."""
    from sc_cli.main import COMMANDS, load

    for name, entry in COMMANDS.items():
        command = load(entry)
        assert command.callback is not None or getattr(command, "commands", None), name


def test_console_commands_run_through_the_composer(tmp_path: Path) -> None:
    """`sc init` then `sc users list`, as a user types them, in fresh processes on a new SQLite database."""
    env = {**os.environ, "SC_MODE": "test", "SC_DATA_DIR": str(tmp_path), "SC_DATABASE_URL": ""}
    env["SC_ADMIN_PASSWORD"] = "Str0ng-pass"

    def sc(*args: str) -> subprocess.CompletedProcess[str]:
        run = [sys.executable, "-c", "from sc_cli.main import main; main()", *args]
        return subprocess.run(run, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)

    init = sc("init", "--admin-username", "chief")
    assert init.returncode == 0, init.stderr
    assert "数据库已初始化" in init.stdout
    listed = sc("users", "list")
    assert listed.returncode == 0, listed.stderr
    assert "chief" in listed.stdout and "property_admin" in listed.stdout
    assert sc("no-such-command").returncode == 2


def test_console_commands_and_demo_come_from_the_top() -> None:
    """`sc demo` joins console and district, so it is the composer's; the console app has no demo of its own."""
    import typer

    from property_console.cli import app
    from sc_cli.main import COMMANDS

    console_commands = set(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    assert {"init", "serve", "users", "audit", "import", "export", "template"} <= console_commands
    assert "demo" not in console_commands
    assert COMMANDS["demo"].target.startswith("sc_cli.")


# --- only devices/ opens cameras -----------------------------------------------------------------------------------

PACKAGES = (
    "access",
    "plate_gate",
    "perimeter",
    "qr_doorplate",
    "property_console",
    "district_cloud",
    "sc_core",
    "sc_cli",
)


def cv2_capture_calls(source: str) -> list[int]:
    """Lines where `cv2.VideoCapture` (under any alias of cv2) is used, or imported from cv2."""
    tree = ast.parse(source)
    aliases = {
        a.asname or a.name
        for n in ast.walk(tree)
        if isinstance(n, ast.Import)
        for a in n.names
        if a.name == "cv2"
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "cv2":
            found += [node.lineno for a in node.names if a.name == "VideoCapture"]
        elif (
            isinstance(node, ast.Attribute)
            and node.attr == "VideoCapture"
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
        ):
            found.append(node.lineno)
    return found


def test_the_cv2_capture_finder_sees_every_spelling() -> None:
    assert cv2_capture_calls("import cv2\ncap = cv2.VideoCapture(0)\n") == [2]
    assert cv2_capture_calls("import cv2 as cv\n\n\nx = cv.VideoCapture('rtsp://cam')\n") == [4]
    assert cv2_capture_calls("from cv2 import VideoCapture\n") == [1]
    assert cv2_capture_calls("from devices.camera import VideoCapture\ncap = VideoCapture('x')\n") == []
    assert cv2_capture_calls("import cv2\nimg = cv2.imdecode(b, 1)\n") == []


def test_only_devices_calls_cv2_video_capture() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        for line in cv2_capture_calls(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
    # and devices/ itself does, so the walk reads real files
    assert cv2_capture_calls((ROOT / "devices" / "camera" / "sources.py").read_text(encoding="utf-8"))
