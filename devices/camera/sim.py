"""Camera simulator: an MJPEG-over-HTTP server on loopback fed from a folder, a video file or test frames."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import cv2
import numpy as np

from devices.camera.snapshot import encode_jpeg
from devices.camera.sources import IMAGE_SUFFIXES, Frame

BOUNDARY = "scframe"


def synthetic_frames(count: int = 30, size: tuple[int, int] = (320, 240)) -> list[Frame]:
    """Numbered test frames (a moving bar plus the frame number)."""
    w, h = size
    frames = []
    for i in range(count):
        img = np.full((h, w, 3), 40, np.uint8)
        x = int(i * w / count)
        img[:, x : x + 12] = (0, 200, 255)
        cv2.putText(img, f"SC {i:03d}", (10, h // 2), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (255, 255, 255), 2)
        frames.append(img)
    return frames


def load_frames(path: str | None, limit: int = 300) -> list[Frame]:
    """Frames from a folder of images or a video file; synthetic ones when `path` is None."""
    if path is None:
        return synthetic_frames()
    p = Path(path)
    if p.is_dir():
        files = sorted(f for f in p.iterdir() if f.suffix.lower() in IMAGE_SUFFIXES)[:limit]
        frames = [img for f in files if (img := cv2.imread(str(f))) is not None]
    else:
        cap = cv2.VideoCapture(str(p))
        frames = []
        while len(frames) < limit:
            ok, img = cap.read()
            if not ok:
                break
            frames.append(img)
        cap.release()
    if not frames:
        raise FileNotFoundError(f"no frames in {path}")
    return frames


class CameraSimulator:
    """Serves `/stream.mjpg` and `/snapshot.jpg`; `go_down()` ends streams, 503 until `come_back()`."""

    def __init__(self, path: str | None = None, *, fps: float = 15.0, host: str = "127.0.0.1", port: int = 0):
        self.jpegs = [encode_jpeg(f, 80) for f in load_frames(path)]
        self.fps = fps
        self.down = False
        self.served = 0
        self._stop = threading.Event()
        self._server = ThreadingHTTPServer((host, port), self._handler_class())
        self._server.daemon_threads = True
        address = self._server.server_address
        self.host, self.port = str(address[0]), int(address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, name="camera-sim", daemon=True)

    @property
    def url(self) -> str:
        """The MJPEG stream URL for cv2.VideoCapture / CameraSource."""
        return f"http://{self.host}:{self.port}/stream.mjpg"

    def start(self) -> CameraSimulator:
        """Start serving."""
        self._thread.start()
        return self

    def go_down(self) -> None:
        """Camera reboot: current streams end, new requests get 503."""
        self.down = True

    def come_back(self) -> None:
        """Camera serves again."""
        self.down = False

    def frame_at(self, n: int) -> bytes:
        """JPEG number n (cycling)."""
        return self.jpegs[n % len(self.jpegs)]

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        sim = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: object) -> None:
                pass

            def do_GET(self) -> None:
                if sim.down:
                    self.send_error(503)
                    return
                if self.path.startswith("/snapshot.jpg"):
                    self._send_jpeg(sim.frame_at(sim.served))
                elif self.path.startswith("/stream.mjpg"):
                    self._stream()
                else:
                    self.send_error(404)

            def _send_jpeg(self, data: bytes) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "image/jpeg")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", f"multipart/x-mixed-replace; boundary={BOUNDARY}")
                self.end_headers()
                n = 0
                try:
                    while not sim.down and not sim._stop.is_set():
                        data = sim.frame_at(n)
                        head = (
                            f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: {len(data)}\r\n\r\n"
                        )
                        self.wfile.write(head.encode() + data + b"\r\n")
                        n += 1
                        sim.served += 1
                        time.sleep(1.0 / sim.fps)
                except (BrokenPipeError, ConnectionResetError):
                    return

        return Handler

    def stop(self) -> None:
        """Stop serving."""
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()
