"""Start the app's server in a child process and wait until it answers (tests, screenshots).

`with AppServer() as url:` starts `python -m sim.app` on a free local port, waits for the
page to answer, and stops the server (its whole process group) on exit.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

__all__ = ["AppServer", "free_port"]


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class AppServer:
    """The app served on localhost for as long as the `with` block runs."""

    def __init__(self, host: str = "127.0.0.1", port: int | None = None, timeout: float = 90.0):
        self.host, self.port, self.timeout = host, port or free_port(host), timeout
        self.url = f"http://{self.host}:{self.port}/"
        self.log_path: Path | None = None
        self._process: subprocess.Popen | None = None

    def __enter__(self) -> str:
        import tempfile

        log = tempfile.NamedTemporaryFile("w+", prefix="nsim-app-", suffix=".log", delete=False)
        self.log_path = Path(log.name)
        self._process = subprocess.Popen(
            [sys.executable, "-m", "sim.app", "--host", self.host, "--port", str(self.port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false"},
            start_new_session=True,  # its own process group, stopped whole on exit
        )
        log.close()
        try:
            self._wait()
        except BaseException:
            self.stop()
            raise
        return self.url

    def _wait(self) -> None:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(
                    f"the app server exited ({self._process.returncode}):\n{self.log()}"
                )
            try:
                with urllib.request.urlopen(self.url, timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.25)
        raise TimeoutError(f"the app server did not answer on {self.url} in {self.timeout:.0f} s")

    def log(self) -> str:
        """What the server printed so far."""
        return self.log_path.read_text(errors="replace") if self.log_path else ""

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)

    def __exit__(self, *exc: object) -> None:
        self.stop()
