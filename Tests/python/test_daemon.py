"""crmd as a daemon (issue 8), against the real binary:

- a SIGTERM sent at any moment of the start stops crmd with exit status 0, with a socket and
  with --stdio (none is lost between start and serving);
- one server per database: a second `crmd serve` on it exits 1 naming the database and the
  running server's pid, while `crmd backup` and `crmd check` work beside it;
- start-up failures are one readable line (no error domains, errno numbers or Swift dumps);
- a program crmd runs (sendmail) starts with no signal blocked or ignored and none of crmd's
  descriptors;
- registry.import of a FIFO or a directory is refused at once and never holds a stop.
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

from conftest import CrmdServer, popen_retrying
from crmd_client import InvalidValue
from test_local_safety import invoice_ready, wait_sent

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


def run(argv: list[str], timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


# ---------------------------------------------------------------------------- stop signals

def thread_states(pid: int) -> list[str]:
    """What each thread of a process waits in (the kernel's wchan), to tell a hang from a slow disk."""
    states = []
    for task in sorted(Path(f"/proc/{pid}/task").iterdir()):
        try:
            states.append(f"{task.name}:{(task / 'wchan').read_text()}")
        except OSError:
            pass
    return states


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
            # Generous: the machine may be shared, and a start writes the new database with fsync.
            code = process.wait(30)
        except subprocess.TimeoutExpired:
            return f"still running 30 s after SIGTERM sent {delay * 1000:.1f} ms into the start; threads: {thread_states(process.pid)}"
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


# ---------------------------------------------------------------------------- programs crmd runs

def test_sendmail_starts_with_no_signal_blocked_or_ignored_and_none_of_crmds_descriptors(make_server, workdir):
    report = workdir / "report.txt"
    program = workdir / "sendmail.sh"
    # `exec >` redirects the shell for good (no saved copy of stdout); the shell blocks signals
    # while it waits for a child, so its mask is read by the program it finally becomes.
    program.write_text(f"#!/bin/sh\nexec > '{report}'\nls -l /proc/$$/fd\ncat >/dev/null\n"
                       f"exec grep -E '^Sig(Blk|Ign):' /proc/self/status\n")
    program.chmod(0o700)
    server = make_server(config={"mail": {"sendmailPath": str(program)}})
    with server.client() as c:
        invoice_id = invoice_ready(c)
        c.call("settings.update", {"mail": {"transport": "sendmail"}, "publicBaseUrl": "https://crm.example.ru/i/"})
        c.call("invoice.send", {"id": invoice_id, "to": "buh@example.ru", "mode": "link"})
        assert wait_sent(c, invoice_id)["status"] == "sent"
    lines = report.read_text().splitlines()
    masks = {line.split(":")[0]: int(line.split()[1], 16) for line in lines if line.startswith("Sig")}
    # Signals 1-31; glibc keeps 32 and 33 to itself.
    assert {name: mask & 0x7FFF_FFFF for name, mask in masks.items()} == {"SigBlk": 0, "SigIgn": 0}, lines
    # stdin, stdout, stderr, and the shell's own hold on its script; nothing of crmd's.
    open_files = dict(line.split()[-3::2] for line in lines if " -> " in line)
    others = {fd: target for fd, target in open_files.items() if fd not in ("0", "1", "2") and target != str(program)}
    assert not others, open_files


# ---------------------------------------------------------------------------- readable start-up failures

def failure_line(argv: list[str]) -> str:
    done = run(argv, timeout=15)
    message = done.stderr.strip()
    assert done.returncode == 1, (done.returncode, message)
    assert len(message.splitlines()) == 1, message
    for unreadable in ("Error Domain", "errno", "system(", "SQLite error", "[SQL:", "Code="):
        assert unreadable not in message, message
    return message


def test_a_database_directory_that_cannot_be_made_is_named(crmd_bin, workdir):
    (workdir / "file").write_text("")
    message = failure_line([crmd_bin, "serve", "--socket", str(workdir / "s.sock"), "--db", str(workdir / "file" / "data" / "crmd.sqlite")])
    assert message == f"crmd: cannot create the database directory: not a directory: {workdir / 'file'}"


def test_a_socket_directory_that_cannot_be_made_is_named(crmd_bin, workdir):
    (workdir / "file").write_text("")
    message = failure_line([crmd_bin, "serve", "--socket", str(workdir / "file" / "s.sock"), "--db", str(workdir / "crmd.sqlite")])
    assert message == f"crmd: cannot create the socket directory: not a directory: {workdir / 'file'}"


def test_a_database_that_cannot_be_opened_is_named(crmd_bin, workdir):
    (workdir / "dir.sqlite").mkdir()
    message = failure_line([crmd_bin, "serve", "--socket", str(workdir / "s.sock"), "--db", str(workdir / "dir.sqlite")])
    assert message == f"crmd: cannot open the database {workdir / 'dir.sqlite'}: is a directory"
    (workdir / "text.sqlite").write_text("not a database, but long enough to be read as one. " * 20)
    message = failure_line([crmd_bin, "serve", "--socket", str(workdir / "s.sock"), "--db", str(workdir / "text.sqlite")])
    assert message == f"crmd: cannot open the database {workdir / 'text.sqlite'}: file is not a database"


def test_check_and_backup_name_what_is_wrong_with_the_file(crmd_bin, workdir):
    text = workdir / "text.sqlite"
    text.write_text("not a database, but long enough to be read as one. " * 20)
    assert failure_line([crmd_bin, "check", "--db", str(text)]) == f"crmd: cannot check {text}: file is not a database"
    assert failure_line([crmd_bin, "backup", "--db", str(text), "--to", str(workdir / "copy.sqlite")]) == \
        f"crmd: backup of {text} failed: file is not a database"
    assert not (workdir / "copy.sqlite").exists()
    assert failure_line([crmd_bin, "check", "--db", str(workdir)]) == f"crmd: {workdir} is a directory, not a database"


def test_a_socket_in_use_is_named(make_server, crmd_bin, workdir):
    first = make_server()
    message = failure_line([crmd_bin, "serve", "--socket", str(first.socket_path), "--db", str(workdir / "other.sqlite")])
    assert message == f"crmd: socket in use: {first.socket_path}"
    with first.client() as c:
        assert c.call("server.info", {})


def test_a_socket_path_taken_by_a_file_is_named(crmd_bin, workdir):
    (workdir / "taken").write_text("")
    message = failure_line([crmd_bin, "serve", "--socket", str(workdir / "taken"), "--db", str(workdir / "crmd.sqlite")])
    assert message.startswith(f"crmd: cannot listen on {workdir / 'taken'}: ") and "is not a socket" in message, message
    assert (workdir / "taken").read_text() == ""


# ---------------------------------------------------------------------------- one server per database

def test_a_second_server_on_the_same_database_is_refused(make_server, crmd_bin, workdir):
    first = make_server()
    lock = Path(str(first.db_path) + ".lock")
    assert lock.read_text().strip() == str(first.process.pid)
    assert oct(os.stat(lock).st_mode & 0o777) == "0o600"
    expected = f"crmd: the database {first.db_path} is in use by another crmd (pid {first.process.pid})"
    for argv in ([crmd_bin, "serve", "--socket", str(workdir / "second.sock"), "--db", str(first.db_path)],
                 [crmd_bin, "serve", "--stdio", "--db", str(first.db_path)]):
        done = run(argv, timeout=15)
        assert (done.returncode, done.stderr.strip()) == (1, expected), argv
    assert not (workdir / "second.sock").exists()
    with first.client() as c:
        assert c.call("lead.list", {})["items"] == []


def test_backup_and_check_run_beside_the_server(make_server, crmd_bin, workdir):
    server = make_server()
    with server.client() as c:
        c.call("user.add", {"fields": {"name": "Тихон"}})
    check = run([crmd_bin, "check", "--db", str(server.db_path)])
    assert check.returncode == 0, check.stderr
    backup = run([crmd_bin, "backup", "--db", str(server.db_path), "--to", str(workdir / "copy.sqlite")])
    assert backup.returncode == 0, backup.stderr
    assert (workdir / "copy.sqlite").stat().st_size > 0
    assert server.running


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["stopped", "killed"])
def test_the_lock_goes_with_the_server(make_server, crmd_bin, workdir, how):
    first = CrmdServer(crmd_bin, workdir).start()  # not make_server's: it may be killed
    assert first.stop(how) == (0 if how == signal.SIGTERM else -how)
    second = make_server()  # the same database; the lock file left behind holds a dead pid
    assert Path(str(second.db_path) + ".lock").read_text().strip() == str(second.process.pid)
    with second.client() as c:
        assert c.call("server.info", {})


# ---------------------------------------------------------------------------- imports that could block

def test_registry_import_of_a_fifo_or_a_directory_is_refused_at_once(make_server, workdir):
    imports = workdir / "imports"
    imports.mkdir()
    os.mkfifo(imports / "registry.xml")
    (imports / "folder.zip").mkdir()
    server = make_server(config={"importDirs": [str(imports)]})
    with server.client() as c:
        for name in ("registry.xml", "folder.zip"):
            started = time.monotonic()
            with pytest.raises(InvalidValue) as caught:
                c.call("registry.import", {"path": str(imports / name), "format": "rsmp"}, timeout=10)
            assert time.monotonic() - started < 5
            assert caught.value.data == {"field": "path", "reason": "notAFile"}, caught.value.data
            assert str(imports / name) in caught.value.message
        assert c.call("server.info", {})
    started = time.monotonic()
    assert server.stop(timeout=10) == 0
    assert time.monotonic() - started < 5
