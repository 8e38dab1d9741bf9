"""Stream raw RGBA frames into imageio-ffmpeg's bundled ffmpeg, encoding in its own process.

Frames are copied into a small queue and a feeder thread writes them to ffmpeg's stdin, so the
caller draws the next frame while the previous ones are piped and encoded: drawing, piping and
encoding overlap, and memory stays flat in the number of frames (the queue holds a few frames).
"""

from __future__ import annotations

import queue
import re
import subprocess
import tempfile
import threading
from pathlib import Path

import numpy as np

from race.errors import RenderError
from race.signals import die_with_parent

QUEUE_FRAMES = 4
ANONYMOUS = re.compile(r"^/proc/self/fd/([0-9]+)$")
_PREFIX = re.compile(r"^\[[^\]]* @ 0x[0-9a-f]+\]\s*")   # "[vost#0:0 @ 0x5563...] "


def ffmpeg_exe() -> str:
    """The ffmpeg bundled with imageio-ffmpeg (never a system one)."""
    import imageio_ffmpeg

    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError as exc:   # no bundled binary for this platform
        raise RenderError(f"imageio-ffmpeg has no ffmpeg here: {exc}") from None


def raw_input_args(width: int, height: int, fps: float) -> list[str]:
    return ["-f", "rawvideo", "-pix_fmt", "rgba", "-s", f"{width}x{height}",
            "-framerate", f"{fps:g}", "-i", "pipe:0"]


class FFmpegPipe:
    """One ffmpeg process reading RGBA frames of a fixed size from stdin.

    ``args`` is everything after the raw-video input: extra inputs, filters, codec options and
    the output. ``write`` raises RenderError as soon as ffmpeg has gone away; ``finish`` waits
    for the encoder and raises RenderError (its last message line) if it failed; ``abort`` kills
    it. Either way the process is reaped.
    """

    def __init__(self, width: int, height: int, fps: float, args: list[str],
                 what: str = "ffmpeg") -> None:
        self.width, self.height, self.what = width, height, what
        self.frame_bytes = width * height * 4
        self._log = tempfile.TemporaryFile()
        command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
                   *raw_input_args(width, height, fps), *args]
        try:
            self.process = subprocess.Popen(command, stdin=subprocess.PIPE,
                                            stdout=subprocess.DEVNULL, stderr=self._log,
                                            preexec_fn=die_with_parent,
                                            pass_fds=inherited_files(command))
        except OSError as exc:
            self._log.close()
            raise RenderError(f"cannot start ffmpeg: {exc.strerror or exc}") from None
        self._queue: queue.Queue = queue.Queue(maxsize=QUEUE_FRAMES)
        self._error: BaseException | None = None
        self._feeder = threading.Thread(target=self._feed, name="race-ffmpeg-feeder",
                                        daemon=True)
        self._feeder.start()
        self.frames = 0

    def _feed(self) -> None:
        stdin = self.process.stdin
        while True:
            item = self._queue.get()
            if item is None:
                break
            if self._error is not None:
                continue              # ffmpeg is gone: keep draining so writers never block
            try:
                stdin.write(item)
            except BaseException as exc:   # BrokenPipeError when ffmpeg exits early
                self._error = exc
        try:
            stdin.close()
        except OSError:
            pass

    def write(self, frame: np.ndarray) -> None:
        if self._error is not None or self.process.poll() is not None:
            self._fail("stopped early")
        data = np.ascontiguousarray(frame, dtype=np.uint8)
        if data.nbytes != self.frame_bytes:
            raise RenderError(f"frame is {data.shape}, expected ({self.height}, {self.width}, 4)")
        self._queue.put(data.tobytes())
        self.frames += 1

    def finish(self) -> None:
        self._queue.put(None)
        self._feeder.join()
        code = self.process.wait()
        if code != 0 or self._error is not None:
            self._fail(f"exited with status {code}")
        self._log.close()

    def abort(self) -> None:
        """Kill the encoder (if still running) and reap it; the output is left incomplete."""
        self._stop()
        self._log.close()

    def _stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self._drain()
        self._feeder.join(timeout=5)
        self.process.wait()

    def _drain(self) -> None:
        """Hand the feeder its end marker, discarding queued frames to make room."""
        while self._feeder.is_alive():
            try:
                self._queue.put(None, timeout=0.05)
                return
            except queue.Full:
                try:
                    self._queue.get_nowait()
                except queue.Empty:
                    pass

    def _fail(self, how: str) -> None:
        self._stop()
        message = self.message()
        self._log.close()
        raise RenderError(f"{self.what} {how}: {message}")

    def message(self) -> str:
        """ffmpeg's own words, on one line: its first error (the specific one) and its last."""
        try:
            self._log.seek(0)
            return summarize(self._log.read())
        except (OSError, ValueError):
            return "no message"


class FolderPipe:
    """An FFmpegPipe with a temporary folder of its own (a GIF palette, a lossless master),
    removed however the pipe ends. Subclasses open the pipe in ``start(folder)`` and may do
    more work in ``done()``, after the pipe finished and before the folder goes."""

    def __init__(self, prefix: str) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix=prefix)
        self.folder = Path(self._folder.name)
        try:
            self._pipe = self.start(self.folder)
        except BaseException:
            self._folder.cleanup()
            raise

    def start(self, folder: Path) -> FFmpegPipe:
        raise NotImplementedError

    def done(self) -> None:
        pass

    @property
    def frames(self) -> int:
        return self._pipe.frames

    def write(self, frame: np.ndarray) -> None:
        self._pipe.write(frame)

    def finish(self) -> None:
        try:
            self._pipe.finish()
            self.done()
        finally:
            self._folder.cleanup()

    def abort(self) -> None:
        try:
            self._pipe.abort()
        finally:
            self._folder.cleanup()


def summarize(log: bytes) -> str:
    lines = [_PREFIX.sub("", line).strip()
             for line in log.decode("utf-8", "replace").splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return "no message"
    return lines[0] if len(lines) == 1 or lines[0] == lines[-1] else f"{lines[0]}; {lines[-1]}"


def run_ffmpeg(args: list[str], what: str) -> None:
    """Run ffmpeg to completion on files (no pipe); RenderError with its message on failure."""
    result = subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, preexec_fn=die_with_parent,
                            pass_fds=inherited_files(args))
    if result.returncode != 0:
        raise RenderError(f"{what} failed: {summarize(result.stderr)}")


def path_arg(path: Path) -> str:
    """A path ffmpeg will not read as an option or a protocol ('-x.mp4', 'http:...'). A nameless
    temporary (``/proc/self/fd/N``, see race.atomic) stays as it is: ffmpeg inherits N."""
    text = str(path)
    if ANONYMOUS.match(text):
        return text
    return str(Path(path).resolve())


def inherited_files(args: list[str]) -> tuple[int, ...]:
    """The descriptors named by ``/proc/self/fd/N`` arguments, which ffmpeg must inherit."""
    return tuple(int(match.group(1)) for arg in args if (match := ANONYMOUS.match(str(arg))))
