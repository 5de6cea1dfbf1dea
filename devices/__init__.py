"""devices: the hardware layer — the only package that imports paho-mqtt, pymodbus, pyserial or cv2.VideoCapture.

Subpackages (each `__init__` documents its usage):
- `devices.bus`      MQTT event bus: payload models, topics, transports, disk buffer, embedded broker
- `devices.modbus`   Modbus RTU/TCP adapter + perimeter host simulator (register map in modbus/README.md)
- `devices.serial`   sans-I/O codecs (SCAH/1 text protocol, Contact ID, relay board) + simulators
- `devices.camera`   OpenCV sources, latest-frame reader, snapshots, MJPEG camera simulator
- `devices.lpr_push` LPR camera HTTP push receiver + camera simulator
- `devices.faults`   fault injection (TCP proxy, pty link)
- `devices.relay`    relay outputs (pulse/hold) over Modbus coils or a serial board; `devices.relay_sim`
- `devices.registry` device identity, heartbeats, offline/recovery events
- `devices.cli`      `sc sim ...` commands
"""
