"""Real processes for end-to-end tests: ``landcycle serve`` / ``worker`` on a fresh SQLite
data directory (never the test database), and small Django scripts run against it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(data_dir: Path, **extra: str) -> dict:
    # A server refuses to start without a secret key (LANDCYCLE_DEBUG aside).
    env = {**os.environ, "LANDCYCLE_DATA_DIR": str(data_dir), "LANDCYCLE_SECRET_KEY": "t" * 50}
    env.update(extra)
    env.pop("LANDCYCLE_DATABASE_URL", None)  # a fresh SQLite file, migrated by the command
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def landcycle(env: dict, *args: str, **popen) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "landcycle.cli", *args], env=env, **popen)


def django(env: dict, code: str, timeout: float = 120):
    """Run ``code`` (setup done, database migrated) in a fresh interpreter; it assigns its
    answer to ``result``, returned here (JSON)."""
    script = (
        "import json, sys\n"
        "from landcycle.cli import setup_django\n"
        "setup_django()\n"
        f"{code}\n"
        "print('RESULT=' + json.dumps(result, default=str))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, done.stdout + done.stderr
    line = [x for x in done.stdout.splitlines() if x.startswith("RESULT=")][-1]
    return json.loads(line.removeprefix("RESULT="))


def wait_until(condition, timeout: float, step: float = 0.05, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def answers(url: str, timeout: float = 30) -> bool:
    try:
        return urllib.request.urlopen(url, timeout=timeout).status == 200
    except OSError:
        return False


def children(pid: int) -> list[int]:
    """Direct child processes of ``pid`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z" and int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def command_line(pid: int) -> str:
    try:
        return (Path(f"/proc/{pid}/cmdline").read_bytes()).replace(b"\0", b" ").decode()
    except OSError:
        return ""


def stop(process: subprocess.Popen, timeout: float = 40) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
