"""LPR camera HTTP push (common Chinese camera style): receiver router, reply builder, camera simulator.

Usage (plate_gate plugs its decision in)::

    from devices.lpr_push import GateDecision, PlateRead, create_lpr_router
    def decide(read: PlateRead) -> GateDecision:
        return GateDecision(open=read.plate in whitelist, display=read.plate, voice="欢迎光临")
    app.include_router(create_lpr_router(decide, on_heartbeat=registry_heartbeat))   # POST /lpr/push

Point the camera's "HTTP push" URL at http://<edge>:<port>/lpr/push. `LprCameraSimulator(url)` plays a camera.
"""

from devices.lpr_push.models import COLOURS, AlarmInfoPlate, GateDecision, PlateRead, to_plate_read
from devices.lpr_push.receiver import HeartbeatHandler, PlateHandler, create_lpr_app, create_lpr_router
from devices.lpr_push.reply import build_plate_reply, gb2312_text, heartbeat_reply
from devices.lpr_push.serve import ServerThread
from devices.lpr_push.sim import LprCameraSimulator, PushResult

__all__ = [
    "COLOURS",
    "AlarmInfoPlate",
    "GateDecision",
    "HeartbeatHandler",
    "LprCameraSimulator",
    "PlateHandler",
    "PlateRead",
    "PushResult",
    "ServerThread",
    "build_plate_reply",
    "create_lpr_app",
    "create_lpr_router",
    "gb2312_text",
    "heartbeat_reply",
    "to_plate_read",
]
