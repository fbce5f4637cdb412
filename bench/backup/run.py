#!/usr/bin/env python3
"""How long an online backup holds up writers: `crmd backup` of a large database while a
client keeps calling `lead.add`, against the same client with no backup running.

    bench/backup/run.py                  # a 1 GiB database
    SIZE_MIB=200 bench/backup/run.py     # a quick run

The database is made by crmd (its schema), then padded to SIZE_MIB with leads' timeline-sized
rows written by SQLite directly (a padding table; crmd reads none of it, the backup copies it).
Prints the write latencies (p50, p99, max) without and during the backup, and the backup's
duration and size. Only the standard library; the crmd binary: $CRMD_BIN, else .build/release/crmd.
"""
from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CRMD = os.environ.get("CRMD_BIN") or str(ROOT / ".build" / "release" / "crmd")
SIZE_MIB = int(os.environ.get("SIZE_MIB", "1024"))
slow: list[tuple[float, float]] = []  # (start, seconds) of writes over 20 ms
FIELDS = {"phones": [{"value": "+7 912 000-00-00"}], "emails": [{"value": "b@example.ru"}], "city": "Омск", "topic": "копия"}


def wait_for(path: str) -> None:
    for _ in range(500):
        try:
            with socket.socket(socket.AF_UNIX) as probe:
                probe.connect(path)
                return
        except OSError:
            time.sleep(0.02)
    sys.exit("crmd did not start")


def writes(path: str, stop: threading.Event, latencies: list[float]) -> None:
    with socket.socket(socket.AF_UNIX) as s:
        s.connect(path)
        reader = s.makefile("rb")
        n = 0
        while not stop.is_set():
            n += 1
            message = {"jsonrpc": "2.0", "id": n, "method": "lead.add", "params": {"fields": dict(FIELDS, title=f"b{n}")}}
            started = time.perf_counter()
            s.sendall(json.dumps(message).encode() + b"\n")
            reply = json.loads(reader.readline())
            latencies.append(time.perf_counter() - started)
            if latencies[-1] > 0.02:
                slow.append((started, latencies[-1]))
            if "result" not in reply:
                sys.exit(f"lead.add failed: {reply}")


def summary(latencies: list[float]) -> str:
    ordered = sorted(latencies)
    p = lambda q: ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000
    return f"{len(ordered)} writes, p50 {p(0.5):.2f} ms, p99 {p(0.99):.2f} ms, max {ordered[-1] * 1000:.2f} ms"


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="crmd-backup-bench-") as directory:
        db, sock = f"{directory}/crm.sqlite", f"{directory}/crm.sock"
        server = subprocess.Popen([CRMD, "serve", "--db", db, "--socket", sock], stderr=subprocess.DEVNULL)
        wait_for(sock)
        server.terminate()
        server.wait()
        print(f"padding the database to {SIZE_MIB} MiB", flush=True)
        with sqlite3.connect(db) as padding:
            padding.execute("CREATE TABLE bench_padding(id INTEGER PRIMARY KEY, body BLOB)")
            for _ in range(SIZE_MIB):
                padding.executemany("INSERT INTO bench_padding(body) VALUES (randomblob(4000))", [()] * 256)
        padding.close()
        print(f"database: {os.path.getsize(db) / 2**20:.0f} MiB", flush=True)
        server = subprocess.Popen([CRMD, "serve", "--db", db, "--socket", sock], stderr=subprocess.DEVNULL)
        wait_for(sock)
        try:
            quiet: list[float] = []
            stop = threading.Event()
            writer = threading.Thread(target=writes, args=(sock, stop, quiet))
            writer.start()
            time.sleep(5)
            stop.set()
            writer.join()
            print(f"without a backup: {summary(quiet)}", flush=True)
            during: list[float] = []
            stop = threading.Event()
            writer = threading.Thread(target=writes, args=(sock, stop, during))
            writer.start()
            time.sleep(0.5)
            started = time.monotonic()
            backup_started = time.perf_counter()
            slow.clear()
            backup = subprocess.run([CRMD, "backup", "--db", db, "--to", f"{directory}/copy.sqlite"], capture_output=True, text=True)
            took = time.monotonic() - started
            stop.set()
            writer.join()
            if backup.returncode != 0:
                sys.exit(f"crmd backup failed: {backup.stderr}")
            size = os.path.getsize(f"{directory}/copy.sqlite") / 2**20
            check = subprocess.run([CRMD, "check", "--db", f"{directory}/copy.sqlite"], capture_output=True, text=True)
            if check.returncode != 0:
                sys.exit(f"crmd check of the copy failed: {check.stderr}")
            with open(f"{directory}/copy.sqlite", "rb") as copy:
                header = copy.read(20)
            if header[18:20] != b"\x01\x01":
                sys.exit(f"the copy is not a plain rollback-journal file: {header[18:20]!r}")
            print(f"during the backup ({took:.1f} s, {size:.0f} MiB copy): {summary(during)}", flush=True)
            for at, seconds in slow:
                print(f"  a write of {seconds * 1000:.0f} ms began {at - backup_started:+.2f} s after the backup started", flush=True)
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
