"""Fault injection for every link: `TcpFaultProxy` (loopback TCP) and `PtyLink` (virtual serial cable).

Both expose `FaultPlan`s per direction (drop, delay, corrupt last byte = CRC, split into pieces) and a way to
disconnect (`proxy.disconnect()`, `link.cut = True`). Point the adapter at the proxy/host port, the simulator
at the target/device port.
"""

from devices.faults.plan import FaultPlan
from devices.faults.pty_link import PtyLink
from devices.faults.tcp_proxy import TcpFaultProxy

__all__ = ["FaultPlan", "PtyLink", "TcpFaultProxy"]
