"""Stream raw RGBA frames into imageio-ffmpeg's bundled ffmpeg, encoding in its own process.

Each frame goes from the caller's buffer (the canvas itself) straight into ffmpeg's stdin with
``os.write``: no copy in Python and no feeder thread (a thread that copies and writes frames
fights the drawing for the GIL; writing in place was ~10% faster, byte-identical). The write
blocks only while the pipe is full: ffmpeg reads each frame whole into its own queue and
encodes on its own threads, so drawing and encoding still overlap. The pipe is enlarged to
hold a frame where the system allows, so a frame is handed over in few system calls. Memory
stays flat in the number of frames.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from race.errors import RenderError
from race.signals import die_with_parent

F_SETPIPE_SZ = 1031      # Linux fcntl: set a pipe's capacity
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
                 what: str = "ffmpeg", loglevel: str = "error") -> None:
        self.width, self.height, self.what = width, height, what
        self.frame_bytes = width * height * 4
        self.cpu_seconds: float | None = None     # ffmpeg's CPU time, once finished
        self.report = ""                          # its messages, kept when finished
        self._keep_report = loglevel != "error"
        self._log = tempfile.TemporaryFile()
        command = [ffmpeg_exe(), "-hide_banner", "-loglevel", loglevel, "-y",
                   *raw_input_args(width, height, fps), *args]
        try:
            self.process = subprocess.Popen(command, stdin=subprocess.PIPE, bufsize=0,
                                            stdout=subprocess.DEVNULL, stderr=self._log,
                                            preexec_fn=die_with_parent,
                                            pass_fds=inherited_files(command))
        except OSError as exc:
            self._log.close()
            raise RenderError(f"cannot start ffmpeg: {exc.strerror or exc}") from None
        self._stdin = self.process.stdin.fileno()
        widen_pipe(self._stdin, self.frame_bytes)
        self.frames = 0

    def write(self, frame: np.ndarray) -> None:
        """Hand ``frame`` (height, width, 4 uint8, read only during the call) to ffmpeg."""
        if self.process.poll() is not None:     # gone (and its stdin with it, if we closed it)
            self._fail("stopped early")
        data = np.ascontiguousarray(frame, dtype=np.uint8)
        if data.nbytes != self.frame_bytes:
            raise RenderError(f"frame is {data.shape}, expected ({self.height}, {self.width}, 4)")
        view = memoryview(data).cast("B")
        try:
            while view:
                view = view[os.write(self._stdin, view):]
        except (BrokenPipeError, ConnectionResetError):   # ffmpeg exited early
            self._fail("stopped early")
        self.frames += 1

    def finish(self) -> None:
        self._close_stdin()
        code = self._reap()
        if code != 0:
            self._fail(f"exited with status {code}")
        if self._keep_report:       # e.g. x264's statistics, at loglevel info
            self._log.seek(0)
            self.report = self._log.read().decode("utf-8", "replace")
        self._log.close()

    def _reap(self) -> int:
        """Wait for ffmpeg to exit, noting the CPU time it used."""
        if self.process.returncode is None:
            _, status, usage = os.wait4(self.process.pid, 0)
            self.process.returncode = os.waitstatus_to_exitcode(status)
            self.cpu_seconds = usage.ru_utime + usage.ru_stime
        return self.process.returncode

    def abort(self) -> None:
        """Kill the encoder (if still running) and reap it; the output is left incomplete."""
        self._stop()
        self._log.close()

    def _stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self._close_stdin()
        self.process.wait()

    def _close_stdin(self) -> None:
        try:
            self.process.stdin.close()
        except OSError:
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


def widen_pipe(fd: int, size: int) -> None:
    """Let the pipe on ``fd`` hold up to ``size`` bytes (Linux; capped by
    /proc/sys/fs/pipe-max-size, 1 MiB by default). Elsewhere, or when refused, it stays as is."""
    if not sys.platform.startswith("linux"):
        return
    import fcntl

    try:
        limit = int(Path("/proc/sys/fs/pipe-max-size").read_text())
    except (OSError, ValueError):
        limit = 1 << 20
    try:
        fcntl.fcntl(fd, F_SETPIPE_SZ, max(min(size, limit), 1 << 16))
    except OSError:
        pass


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
