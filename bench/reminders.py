#!/usr/bin/env python3
"""Reminders at scale (issue 13): with PENDING (100,000) reminders waiting in the durable job
queue, crmd's memory stays flat, an idle wake-up does not scan the queue, and each reminder
that comes due goes out within a second of its time.

    bench/reminders.py
    PENDING=20000 DUE=50 bench/reminders.py

crmd (`$CRMD_BIN`, else .build/release/crmd) runs on a temporary database with the SMS
transport pointed at a loopback gateway speaking SMS.ru's format, which notes when each
message arrives. One reminder rule (`beforeStart`, an hour before, `sms` to the client) and:

1. PENDING meetings a month and more ahead (one minute each, a minute apart, booked with
   `allowOutsideHours` through pipelined `activity.add`): PENDING reminder jobs.
2. crmd's RSS (VmRSS) before seeding, after, and after IDLE (10) seconds of waiting, with the
   CPU time crmd used while idle (a scan of 100,000 jobs every second would show there).
3. DUE (100) meetings of USERS (5) users whose reminders fall due over the next DUE/USERS
   seconds, from 15 s after booking: for each, the gateway's arrival time minus the due time.

Prints the figures and one JSON line. Standard library only.
"""
from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Clients" / "python"))
from crmd_client import Client  # noqa: E402

CRMD = os.environ.get("CRMD_BIN") or str(ROOT / ".build" / "release" / "crmd")
PENDING = int(os.environ.get("PENDING", "100000"))
DUE = int(os.environ.get("DUE", "100"))
USERS = int(os.environ.get("USERS", "5"))
IDLE = float(os.environ.get("IDLE", "10"))
LEAD = {"title": "bench", "name": "Клиент", "phones": [{"value": "+7 916 000-00-00"}], "emails": [{"value": "b@e.ru"}], "city": "М", "topic": "т"}


class Gateway(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        self.arrivals: dict[str, float] = {}
        self.lock = threading.Lock()
        gateway = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
                fields = {k: v[0] for k, v in urllib.parse.parse_qs(body).items()}
                with gateway.lock:
                    gateway.arrivals.setdefault(fields.get("msg", ""), time.time())
                data = json.dumps({"status": "OK", "status_code": 100, "sms": {fields.get("to", ""): {
                    "status": "OK", "status_code": 100, "sms_id": str(len(gateway.arrivals))}}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def meeting(user: int, lead: int, start: datetime, subject: str) -> tuple[str, dict]:
    return ("activity.add", {"fields": {"type": "meeting", "subject": subject, "responsibleId": user, "start": iso(start),
                                        "end": iso(start + timedelta(seconds=60 if subject == "pending" else 1)),
                                        "clientContacts": [{"entityType": "lead", "id": lead}]}, "allowOutsideHours": True})


def main() -> None:
    gateway = Gateway()
    with tempfile.TemporaryDirectory(prefix="crmd-rem-") as directory:
        sock = f"{directory}/crmd.sock"
        server = subprocess.Popen([CRMD, "serve", "--db", f"{directory}/crm.sqlite", "--socket", sock], stderr=subprocess.DEVNULL)
        try:
            for _ in range(200):
                if os.path.exists(sock):
                    break
                time.sleep(0.05)
            with Client.connect(sock) as client:
                client.call("settings.sms", {"transport": "smsru", "apiId": "bench", "baseUrl": f"http://127.0.0.1:{gateway.server_address[1]}"})
                client.call("automation.add", {"entityType": "activity", "trigger": "beforeStart", "before": 3600,
                                               "action": {"type": "sms", "text": "{{activity.subject}}"}})
                lead = client.call("lead.add", {"fields": LEAD})["id"]
                users = [client.call("user.add", {"fields": {"name": f"u{i}"}})["id"] for i in range(USERS)]
                rss_start = rss_kib(server.pid)
                far = datetime.now(timezone.utc).replace(second=0, microsecond=0) + timedelta(days=32)
                calls = [meeting(users[0], lead, far + timedelta(minutes=2 * i), "pending") for i in range(PENDING)]
                began = time.perf_counter()
                for offset in range(0, len(calls), 1000):
                    for outcome in client.pipeline(calls[offset:offset + 1000], timeout=300):
                        if isinstance(outcome, BaseException):
                            raise SystemExit(f"seeding failed: {outcome}")
                seeded = time.perf_counter() - began
                rss_seeded = rss_kib(server.pid)
                cpu_before = cpu_seconds(server.pid)
                time.sleep(IDLE)
                idle_cpu = cpu_seconds(server.pid) - cpu_before
                rss_idle = rss_kib(server.pid)
                print(f"seeded {PENDING} pending reminders in {seeded:.1f} s; RSS {rss_start // 1024} -> {rss_seeded // 1024} -> "
                      f"{rss_idle // 1024} MiB after {IDLE:.0f} s idle; idle CPU {idle_cpu * 1000:.0f} ms over {IDLE:.0f} s")
                first_due = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(seconds=15)
                due: dict[str, float] = {}
                booking = []
                for k in range(DUE):
                    when = first_due + timedelta(seconds=k // USERS)
                    subject = f"due-{k}"
                    due[subject] = when.timestamp()
                    booking.append(meeting(users[k % USERS], lead, when + timedelta(hours=1), subject))
                for outcome in client.pipeline(booking, timeout=60):
                    if isinstance(outcome, BaseException):
                        raise SystemExit(f"booking failed: {outcome}")
                deadline = time.time() + 15 + DUE / USERS + 20
                while time.time() < deadline and len(gateway.arrivals) < DUE:
                    time.sleep(0.1)
                rss_end = rss_kib(server.pid)
                lags = sorted(gateway.arrivals[s] - due[s] for s in due if s in gateway.arrivals)
                missing = DUE - len(lags)
                late = sum(1 for lag in lags if lag > 1.0)
                p50 = lags[len(lags) // 2] if lags else float("nan")
                worst = lags[-1] if lags else float("nan")
                ok = missing == 0 and late == 0 and lags[0] >= -0.001
                print(f"{DUE} reminders due over {DUE // USERS} s with {PENDING} pending: arrived after their time by p50 {p50:.3f} s, "
                      f"worst {worst:.3f} s; {late} later than 1 s, {missing} missing; {'PASS' if ok else 'MISS'} (target: each within 1 s)")
                print(f"RSS at the end {rss_end // 1024} MiB")
                print(json.dumps({"pending": PENDING, "seedSeconds": round(seeded, 1), "rssMiB": [rss_start // 1024, rss_seeded // 1024,
                                  rss_idle // 1024, rss_end // 1024], "idleCpuMs": round(idle_cpu * 1000), "due": DUE,
                                  "lagP50": round(p50, 3), "lagWorst": round(worst, 3), "late": late, "missing": missing}))
        finally:
            server.terminate()
            server.wait(timeout=30)
            gateway.shutdown()


if __name__ == "__main__":
    main()
