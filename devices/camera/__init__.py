"""Cameras over OpenCV: sources (URL, USB, file, folder), a latest-frame reconnecting reader, JPEG snapshots.

Usage::

    from devices.camera import CameraSource, LatestFrameReader, snapshot
    reader = LatestFrameReader(CameraSource.parse("rtsp://user:pw@10.0.0.8/stream1")).start()
    info = reader.wait_next(0)          # FrameInfo(frame=BGR ndarray, seq, at)
    jpeg = snapshot(reader)

`CameraSimulator(folder_or_video).start().url` serves MJPEG over HTTP on loopback for tests and demos.
"""

from devices.camera.reader import FrameInfo, LatestFrameReader
from devices.camera.ring import CLIP_TYPE, FrameRing, clip_frames, write_clip
from devices.camera.sim import CameraSimulator, synthetic_frames
from devices.camera.snapshot import decode_jpeg, encode_jpeg, snapshot
from devices.camera.sources import CameraSource, Capture, FolderCapture, Frame, VideoCapture, open_source

__all__ = [
    "CLIP_TYPE",
    "CameraSimulator",
    "CameraSource",
    "Capture",
    "FolderCapture",
    "Frame",
    "FrameInfo",
    "FrameRing",
    "LatestFrameReader",
    "VideoCapture",
    "clip_frames",
    "decode_jpeg",
    "encode_jpeg",
    "open_source",
    "snapshot",
    "synthetic_frames",
    "write_clip",
]
