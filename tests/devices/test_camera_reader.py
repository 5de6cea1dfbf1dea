"""Camera sources, the latest-frame reader against the MJPEG simulator (with faults), snapshots."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import cv2
import pytest

from devices.camera import (
    CameraSimulator,
    CameraSource,
    FolderCapture,
    LatestFrameReader,
    decode_jpeg,
    open_source,
    snapshot,
    synthetic_frames,
)
from devices.faults import TcpFaultProxy


@pytest.fixture
def sim() -> Iterator[CameraSimulator]:
    camera = CameraSimulator(fps=25).start()
    yield camera
    camera.stop()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for i, frame in enumerate(synthetic_frames(5)):
        cv2.imwrite(str(tmp_path / f"{i:03d}.jpg"), frame)
    (tmp_path / "notes.txt").write_text("ignored")
    return tmp_path


def test_source_parsing(folder: Path) -> None:
    assert CameraSource.parse("rtsp://10.0.0.8/ch1").kind == "url"
    assert CameraSource.parse("0") == CameraSource(kind="usb", index=0)
    assert CameraSource.parse(str(folder)).kind == "folder"
    assert CameraSource.parse("/tmp/x.mp4").kind == "file"


def test_folder_capture_in_name_order_and_loops(folder: Path) -> None:
    cap = FolderCapture(str(folder), fps=1000, loop=True)
    assert [p.name for p in cap.files] == [f"{i:03d}.jpg" for i in range(5)]
    frames = [cap.read() for _ in range(6)]
    assert all(ok for ok, _ in frames)
    once = FolderCapture(str(folder), fps=1000, loop=False)
    assert [once.read()[0] for _ in range(6)] == [True] * 5 + [False]


def test_video_file_source(tmp_path: Path) -> None:
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (320, 240))
    for frame in synthetic_frames(8):
        writer.write(frame)
    writer.release()
    cap = open_source(CameraSource(kind="file", path=str(path), fps=1000))
    reads = [cap.read() for _ in range(10)]  # loops past the end
    cap.release()
    assert all(ok for ok, _ in reads) and reads[0][1] is not None and reads[0][1].shape == (240, 320, 3)


def test_missing_source_raises(tmp_path: Path) -> None:
    with pytest.raises(ConnectionError):
        open_source(CameraSource(kind="file", path=str(tmp_path / "none.mp4")))
    with pytest.raises(FileNotFoundError):
        open_source(CameraSource(kind="folder", path=str(tmp_path)))


def test_reader_hands_out_latest_frame_not_a_backlog(sim: CameraSimulator) -> None:
    reader = LatestFrameReader(CameraSource.parse(sim.url)).start()
    try:
        first = reader.wait_next(0, 10)
        assert first is not None and first.frame.shape == (240, 320, 3)
        time.sleep(0.5)  # a slow consumer: frames keep arriving meanwhile
        later = reader.wait_next(first.seq, 10)
        assert later is not None and later.seq > first.seq + 1  # skipped ahead, no queue
        jpeg = snapshot(reader)
        assert jpeg[:2] == b"\xff\xd8" and decode_jpeg(jpeg).shape == (240, 320, 3)
    finally:
        reader.stop()


def test_reader_reconnects_after_camera_reboot_and_cut_link(sim: CameraSimulator) -> None:
    proxy = TcpFaultProxy(sim.host, sim.port)
    reader = LatestFrameReader(
        CameraSource.parse(f"http://{proxy.host}:{proxy.port}/stream.mjpg"), backoff=0.1
    )
    reader.start()
    try:
        first = reader.wait_next(0, 10)
        assert first is not None
        proxy.disconnect()
        after_cut = reader.wait_next(first.seq, 15)
        assert after_cut is not None and reader.reconnects >= 1
        sim.go_down()
        deadline = time.monotonic() + 10
        while reader.connected and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not reader.connected
        sim.come_back()
        back = reader.wait_next(reader.latest().seq, 15)  # type: ignore[union-attr]
        assert back is not None and reader.reconnects >= 2
    finally:
        reader.stop()
        proxy.close()


def test_snapshot_times_out_without_frames() -> None:
    reader = LatestFrameReader(CameraSource(kind="url", url="http://127.0.0.1:9/none"), backoff=0.05)
    reader.start()
    try:
        with pytest.raises(TimeoutError):
            snapshot(reader, timeout=0.3)
    finally:
        reader.stop()


def test_stalled_stream_times_out_and_reconnects(sim: CameraSimulator) -> None:
    proxy = TcpFaultProxy(sim.host, sim.port)
    url = f"http://{proxy.host}:{proxy.port}/stream.mjpg"
    reader = LatestFrameReader(CameraSource(kind="url", url=url, timeout_s=1.0), backoff=0.1).start()
    try:
        first = reader.wait_next(0, 10)
        assert first is not None
        proxy.down.delay = 60  # the camera stops sending but keeps the connection open
        deadline = time.monotonic() + 15
        while reader.reconnects == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert reader.reconnects >= 1  # the read timeout fired instead of blocking forever
        proxy.down.delay = 0
        proxy.disconnect()
        assert reader.wait_next(reader.latest().seq, 15) is not None  # type: ignore[union-attr]
    finally:
        reader.stop()
        proxy.close()
