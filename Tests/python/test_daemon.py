"""crmd as a daemon (issue 8), against the real binary:

- a SIGTERM sent at any moment of the start stops crmd with exit status 0, with a socket and
  with --stdio (none is lost between start and serving);
"""
from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import popen_retrying

SIGTERM_BIT = 1 << (signal.SIGTERM - 1)


def blocked_signals(pid: int) -> int | None:
    """The signals the process's main thread blocks, from /proc (None once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("SigBlk:"):
                return int(line.split()[1], 16)
    except OSError:
        pass
    return None


# ---------------------------------------------------------------------------- stop signals

def start_and_stop(crmd_bin: str, stdio: bool, delay: float) -> str | None:
    """Starts crmd in a fresh directory, sends SIGTERM `delay` seconds after crmd has blocked
    the signal (the first thing it does), and says what went wrong, if anything."""
    directory = Path(tempfile.mkdtemp(prefix="crmd-sig-", dir="/tmp"))
    db = str(directory / "crmd.sqlite")
    argv = [crmd_bin, "serve", "--stdio", "--db", db] if stdio else \
        [crmd_bin, "serve", "--socket", str(directory / "crmd.sock"), "--db", db]
    with open(directory / "stderr", "wb") as err:
        process = popen_retrying(argv, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=err)
    try:
        deadline = time.monotonic() + 5
        while (blocked_signals(process.pid) or 0) & SIGTERM_BIT == 0:
            if process.poll() is not None or time.monotonic() > deadline:
                return f"crmd never blocked SIGTERM (exit {process.poll()})"
            time.sleep(0.0005)
        time.sleep(delay)
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(10)
        except subprocess.TimeoutExpired:
            return f"still running 10 s after SIGTERM sent {delay * 1000:.1f} ms into the start"
        if code != 0:
            return f"exit {code} at SIGTERM {delay * 1000:.1f} ms into the start: {(directory / 'stderr').read_text()[-500:]}"
        return None
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        if process.stdin:
            process.stdin.close()
        subprocess.run(["rm", "-rf", str(directory)])


@pytest.mark.parametrize("stdio", [False, True], ids=["socket", "stdio"])
def test_a_sigterm_at_any_moment_of_the_start_stops_crmd_cleanly(crmd_bin, stdio):
    # Half the signals land in the first milliseconds (options, config, database), the rest
    # spread over the whole start, listening included.
    assert signal.SIGTERM not in signal.pthread_sigmask(signal.SIG_BLOCK, []), "the test itself must not block SIGTERM"
    delays = [0.0004 * i for i in range(50)] + [0.006 * i for i in range(50)]
    with ThreadPoolExecutor(4) as pool:
        problems = [p for p in pool.map(lambda d: start_and_stop(crmd_bin, stdio, d), delays) if p]
    assert not problems, f"{len(problems)} of {len(delays)} starts: {problems[:5]}"


def test_sigint_stops_crmd_as_sigterm_does(make_server):
    server = make_server()
    with server.client() as c:
        assert c.call("server.info", {})
    assert server.stop(signal.SIGINT) == 0
    assert not server.socket_path.exists()
