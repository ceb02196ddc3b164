"""Starting `fogofwar serve` as a process on loopback: a free port, and waiting until it answers
(used by the load test and by the tests that drive a real server)."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

import httpx


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(base: str, proc: subprocess.Popen, log: Path, timeout: float = 60.0) -> None:
    """Poll ``base``/api/health until it answers 200; RuntimeError (with the server's log) if the
    process exits or ``timeout`` seconds pass first."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"fogofwar serve did not come up within {timeout:.0f} s:\n" + log.read_text())
        time.sleep(0.2)
