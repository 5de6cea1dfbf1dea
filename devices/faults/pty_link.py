"""Two pseudo-terminals joined by a relay thread: a virtual RS-485 cable with fault hooks and baud pacing."""

from __future__ import annotations

import contextlib
import os
import select
import threading
import time
import tty

from devices.faults.plan import FaultPlan


class PtyLink:
    """`device_port` is opened by the simulator, `host_port` by our adapter; bytes cross the relay.

    `to_device`/`to_host` are FaultPlans; `cut = True` pulls the cable (everything is discarded);
    `echo = True` returns the host's own bytes to it, like a 2-wire RS-485 adapter;
    `baudrate` paces the relay at 10 bits per byte so timings resemble a real 8N1 line.
    """

    def __init__(self, *, baudrate: int | None = None) -> None:
        self.baudrate = baudrate
        self.to_device = FaultPlan()
        self.to_host = FaultPlan()
        self.cut = False
        self.echo = False
        self._dev_master, dev_slave = os.openpty()
        self._host_master, host_slave = os.openpty()
        for fd in (dev_slave, host_slave, self._dev_master, self._host_master):
            tty.setraw(fd)
        self.device_port = os.ttyname(dev_slave)
        self.host_port = os.ttyname(host_slave)
        self._slaves = (dev_slave, host_slave)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pty-link", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        routes = {
            self._host_master: (self._dev_master, self.to_device),
            self._dev_master: (self._host_master, self.to_host),
        }
        while not self._stop.is_set():
            try:
                ready, _w, _x = select.select(list(routes), [], [], 0.05)
            except (OSError, ValueError):
                return
            for fd in ready:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:
                    continue
                dst, plan = routes[fd]
                if self.echo and fd == self._host_master:
                    os.write(self._host_master, chunk)  # 2-wire RS-485 adapters hear themselves
                self._forward(chunk, dst, plan)

    def _forward(self, chunk: bytes, dst: int, plan: FaultPlan) -> None:
        if self.cut:
            return
        if plan.delay:
            time.sleep(plan.delay)
        for i, piece in enumerate(plan.apply(chunk)):
            if i:
                time.sleep(plan.split_gap)
            if self.baudrate:
                time.sleep(len(piece) * 10 / self.baudrate)
            try:
                os.write(dst, piece)
            except OSError:
                return

    def close(self) -> None:
        """Stop the relay and close every descriptor."""
        self._stop.set()
        self._thread.join(2)
        for fd in (self._dev_master, self._host_master, *self._slaves):
            with contextlib.suppress(OSError):
                os.close(fd)
