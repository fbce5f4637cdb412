#!/usr/bin/env python3
"""Calendars and booking (issue 13): `calendar.freeSlots` over crowded calendars, and many
connections booking the same slots at once.

    bench/calendar.py                       # 5 users x 10,000 meetings each
    ACTIVITIES=2000 CONNECTIONS=16 SLOTS=200 bench/calendar.py

crmd (`$CRMD_BIN`, else .build/release/crmd) runs on a temporary database.

1. Free slots. USERS (5) users each get ACTIVITIES (10,000) planned meetings of 5 to 25
   minutes spread over MONTHS (12) months from 2027-03-01, day and night (booked with
   `allowOutsideHours`), through pipelined `activity.add` calls. Then `calendar.freeSlots`
   for all five users over the first month (30-minute slots, working hours Mon-Fri
   09:00-18:00 Moscow) is timed REPEAT (200) times from the client, un-pipelined: p50 and p99
   against the 5 ms target. MONTHS=1 puts all 10,000 in that month (no 30-minute slot is
   left: the worst case of reading busy time). The answer is checked against the meetings the script booked: every slot lies
   in working hours and overlaps none of them.
2. Booking race. CONNECTIONS (16) connections, released together, each try to book each of
   SLOTS (300) one-hour meetings of the same user in the same order. Exactly one booking per
   slot must win, every other attempt must be 1005 `slotBusy`; prints attempts per second.

Prints the figures and one JSON line. Standard library only.
"""
from __future__ import annotations

import bisect
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Clients" / "python"))
from crmd_client import Client, Conflict  # noqa: E402

CRMD = os.environ.get("CRMD_BIN") or str(ROOT / ".build" / "release" / "crmd")
USERS = int(os.environ.get("USERS", "5"))
ACTIVITIES = int(os.environ.get("ACTIVITIES", "10000"))
MONTHS = int(os.environ.get("MONTHS", "12"))
REPEAT = int(os.environ.get("REPEAT", "200"))
CONNECTIONS = int(os.environ.get("CONNECTIONS", "16"))
SLOTS = int(os.environ.get("SLOTS", "300"))
START = datetime(2027, 3, 1, tzinfo=timezone.utc)
MSK = timezone(timedelta(hours=3))


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def seed(client: Client, users: list[int]) -> dict[int, list[tuple[datetime, datetime]]]:
    """ACTIVITIES meetings per user, none overlapping another of the same user."""
    span = timedelta(days=30 * MONTHS)
    booked: dict[int, list[tuple[datetime, datetime]]] = {}
    for n, user in enumerate(users):
        gap = span / ACTIVITIES
        calls, mine = [], []
        for i in range(ACTIVITIES):
            start = START + gap * i + timedelta(minutes=(n * 7 + i * 3) % 11)
            end = start + min(timedelta(minutes=5 + (i * 13 + n) % 21), gap - timedelta(minutes=1))
            mine.append((start, end))
            calls.append(("activity.add", {"fields": {"type": "meeting", "subject": f"m{n}-{i}", "responsibleId": user,
                                                      "start": iso(start), "end": iso(end)}, "allowOutsideHours": True}))
        for offset in range(0, len(calls), 500):
            for outcome in client.pipeline(calls[offset:offset + 500], timeout=120):
                if isinstance(outcome, BaseException):
                    raise SystemExit(f"seeding failed: {outcome}")
        booked[user] = mine
    return booked


def check_slots(slots: list[dict], booked: dict[int, list[tuple[datetime, datetime]]]) -> None:
    every = sorted(b for meetings in booked.values() for b in meetings)
    starts = [s for s, _ in every]
    longest = max((e - s for s, e in every), default=timedelta(0))
    for slot in slots:
        start = datetime.fromisoformat(slot["start"].replace("Z", "+00:00"))
        end = datetime.fromisoformat(slot["end"].replace("Z", "+00:00"))
        local = start.astimezone(MSK)
        assert local.weekday() < 5 and 9 <= local.hour and end.astimezone(MSK) <= local.replace(hour=18, minute=0), slot
        near = every[bisect.bisect_left(starts, start - longest):bisect.bisect_left(starts, end)]
        assert not any(s < end and e > start for s, e in near), slot


def race(sock: str, user: int) -> dict:
    clients = [Client.connect(sock) for _ in range(CONNECTIONS)]
    barrier = threading.Barrier(CONNECTIONS)
    wins = [0] * SLOTS
    busy = [0]
    other: list[str] = []
    lock = threading.Lock()
    first = START + timedelta(days=400)

    def book(client: Client) -> None:
        barrier.wait()
        for k in range(SLOTS):
            start = first + timedelta(hours=k)
            try:
                client.call("activity.add", {"fields": {"type": "meeting", "subject": f"race {k}", "responsibleId": user,
                                                        "start": iso(start), "end": iso(start + timedelta(hours=1))},
                                             "allowOutsideHours": True})
                with lock:
                    wins[k] += 1
            except Conflict as error:
                with lock:
                    if error.data.get("reason") == "slotBusy":
                        busy[0] += 1
                    else:
                        other.append(repr(error))

    threads = [threading.Thread(target=book, args=(c,)) for c in clients]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    for client in clients:
        client.close()
    attempts = CONNECTIONS * SLOTS
    return {"attempts": attempts, "seconds": round(elapsed, 3), "attemptsPerSecond": round(attempts / elapsed),
            "slotsWithOneWinner": sum(1 for w in wins if w == 1), "slots": SLOTS, "slotBusy": busy[0], "otherErrors": other[:3]}


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="crmd-cal-") as directory:
        sock = f"{directory}/crmd.sock"
        server = subprocess.Popen([CRMD, "serve", "--db", f"{directory}/crm.sqlite", "--socket", sock], stderr=subprocess.DEVNULL)
        try:
            for _ in range(200):
                if os.path.exists(sock):
                    break
                time.sleep(0.05)
            with Client.connect(sock) as client:
                users = [client.call("user.add", {"fields": {"name": f"Менеджер {i}", "timeZone": "Europe/Moscow"}})["id"] for i in range(USERS)]
                began = time.perf_counter()
                booked = seed(client, users)
                seeded = time.perf_counter() - began
                print(f"seeded {USERS} x {ACTIVITIES} meetings in {seeded:.1f} s ({USERS * ACTIVITIES / seeded:.0f}/s)")
                params = {"userIds": users, "from": iso(START), "to": iso(START + timedelta(days=30)), "duration": 30, "limit": 1000}
                slots = client.call("calendar.freeSlots", params)["slots"]
                check_slots(slots, booked)
                times = []
                for _ in range(REPEAT):
                    t = time.perf_counter()
                    client.call("calendar.freeSlots", params)
                    times.append((time.perf_counter() - t) * 1000)
                times.sort()
                p50, p99 = statistics.median(times), times[int(len(times) * 0.99) - 1]
                print(f"calendar.freeSlots, {USERS} users x {ACTIVITIES} meetings over {MONTHS} month(s), one month asked: {len(slots)} slots, "
                      f"p50 {p50:.2f} ms, p99 {p99:.2f} ms (target < 5 ms) {'PASS' if p99 < 5 else 'MISS'}")
                raced = race(sock, users[0])
                ok = raced["slotsWithOneWinner"] == SLOTS and raced["slotBusy"] == (CONNECTIONS - 1) * SLOTS and not raced["otherErrors"]
                print(f"booking race: {CONNECTIONS} connections x {SLOTS} slots: {raced['attemptsPerSecond']} attempts/s, "
                      f"one winner per slot: {raced['slotsWithOneWinner']}/{SLOTS} {'PASS' if ok else 'MISS'}")
                print(json.dumps({"freeSlots": {"users": USERS, "activities": ACTIVITIES, "slots": len(slots), "p50Ms": round(p50, 3),
                                                "p99Ms": round(p99, 3)}, "race": raced}))
        finally:
            server.terminate()
            server.wait(timeout=20)


if __name__ == "__main__":
    main()
