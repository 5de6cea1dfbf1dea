"""A console delivery process for the SIGKILL test: prints SENT <n> after each upload, may pause after batch N."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from property_console.config import Settings
from property_console.runtime import open_runtime
from property_console.uplink.delivery import UplinkWorker
from property_console.uplink.settings import UplinkSettings
from property_console.uplink.transport import HttpTransport


def main(console_url: str, district_url: str, password: str, pause_after: int) -> None:
    rt = open_runtime(Settings(mode="test", data_dir=Path("/tmp"), database_url=console_url))
    s = UplinkSettings(url=district_url, password=password, batch_size=20)
    batches = 0

    def after_send(n: int) -> None:
        nonlocal batches
        batches += 1
        print(f"SENT {batches} {n}", flush=True)
        if batches == pause_after:
            time.sleep(60)  # the district has stored this batch; the console has not marked it: kill here

    w = UplinkWorker(rt.sessions, s, HttpTransport(s, "C0001"), "C0001", after_send=after_send)
    while w.run_once():
        pass
    print("DONE", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
