"""Work calendars (issue 13, S5) against the real crmd: each user's zone, hours and days off,
the production calendar loaded as data, free slots of several people and a room, what
occupies someone, and their activities as iCalendar read back by an independent parser.

- free slots lie in every user's working hours (each in their own zone), miss every planned
  meeting of theirs and the room's, skip the production calendar's holidays and end an hour
  early on a shortened day; a day when the clocks change keeps its wall-clock hours;
- the Russian production calendar of 2026 is loaded from `examples/calendars/ru-2026.json`;
- `calendar.export` is parsed by the `icalendar` package: VEVENT/VTODO, TZIDs with their
  VTIMEZONEs, stable UIDs, SEQUENCE raised by a move, STATUS:CANCELLED.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pytest

from crmd_client import InvalidValue
from helpers import refused

ROOT = Path(__file__).resolve().parents[2]


def utc(text: str) -> str:
    return datetime.fromisoformat(text).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def slots(crm, users, start, end, duration, **extra):
    return [(s["start"], s["end"]) for s in crm.call("calendar.freeSlots", {"userIds": users, "from": start, "to": end, "duration": duration,
                                                                             **extra})["slots"]]


def test_free_slots_meet_every_users_hours_in_their_zone_and_miss_meetings_and_the_room(crm):
    # Moscow (UTC+3) works 09-18; Yekaterinburg (UTC+5) 10-19 local, i.e. 08-17 Moscow: common 09-17 Moscow.
    ekb = crm.call("user.add", {"fields": {"name": "Екатеринбург", "timeZone": "Asia/Yekaterinburg"}})
    crm.call("calendar.setSchedule", {"userId": ekb["id"], "hours": {d: [["10:00", "19:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}})
    room = crm.call("resource.add", {"name": "Демозал"})
    day = "2027-03-03"  # a Wednesday
    hourly = slots(crm, [1, ekb["id"]], f"{day}T00:00:00+03:00", f"{day}T23:59:00+03:00", 60)
    assert hourly == [(utc(f"{day}T{h:02d}:00:00+03:00"), utc(f"{day}T{h + 1:02d}:00:00+03:00")) for h in range(9, 17)]
    crm.call("activity.add", {"fields": {"type": "meeting", "subject": "Занят", "responsibleId": ekb["id"],
                                         "start": f"{day}T11:00:00+03:00", "end": f"{day}T12:30:00+03:00"}})
    crm.call("activity.add", {"fields": {"type": "meeting", "subject": "Зал занят", "resourceId": room["id"], "responsibleId": 1,
                                         "start": f"{day}T15:00:00+03:00", "end": f"{day}T16:00:00+03:00"}})
    free = slots(crm, [1, ekb["id"]], f"{day}T00:00:00+03:00", f"{day}T23:59:00+03:00", 60, resourceId=room["id"], step=30)
    starts = [datetime.fromisoformat(s.replace("Z", "+00:00")).astimezone(timezone.utc).strftime("%H:%M") for s, _ in free]
    # Moscow 09:00 is 06:00 UTC; busy 11:00-12:30 and 15:00-16:00 Moscow.
    assert starts == ["06:00", "06:30", "07:00", "09:30", "10:00", "10:30", "11:00", "13:00"]
    error = refused(crm, InvalidValue, "calendar.freeSlots", {"userIds": [1, 999], "from": f"{day}T00:00:00Z", "to": f"{day}T23:00:00Z", "duration": 30})
    assert (error.data["field"], error.data["reason"]) == ("userIds.1", "unknownUser")
    error = refused(crm, InvalidValue, "calendar.freeSlots", {"userIds": [1], "from": f"{day}T10:00:00Z", "to": f"{day}T09:00:00Z", "duration": 30})
    assert error.data["reason"] == "endBeforeStart"


def test_the_production_calendar_is_data_holidays_and_short_days_shape_the_slots(crm):
    data = json.loads((ROOT / "examples" / "calendars" / "ru-2026.json").read_text(encoding="utf-8"))
    loaded = crm.call("calendar.setHolidays", {"year": data["year"], "days": data["days"], "source": data.get("source", "")})
    assert loaded == {"year": 2026, "days": len(data["days"])}
    days = {d["date"]: d["kind"] for d in crm.call("calendar.holidays", {"year": 2026})["days"]}
    assert days["2026-01-07"] == "holiday" and days["2026-06-11"] == "short"
    # The New Year holidays have no slots; the pre-holiday 11 June ends at 17:00, the next day is off.
    assert slots(crm, [1], "2026-01-05T00:00:00+03:00", "2026-01-09T00:00:00+03:00", 60) == []
    june = slots(crm, [1], "2026-06-11T00:00:00+03:00", "2026-06-13T00:00:00+03:00", 60)
    assert june[-1] == (utc("2026-06-11T16:00:00+03:00"), utc("2026-06-11T17:00:00+03:00")) and len(june) == 8
    error = refused(crm, InvalidValue, "calendar.setHolidays", {"year": 2027, "days": [{"date": "2026-12-31", "kind": "holiday"}]})
    assert (error.data["field"], error.data["reason"]) == ("days[0].date", "date")
    # A personal day off empties that day.
    crm.call("calendar.setSchedule", {"userId": 1, "daysOff": ["2026-06-10"]})
    assert slots(crm, [1], "2026-06-10T00:00:00+03:00", "2026-06-11T00:00:00+03:00", 60) == []
    assert crm.call("calendar.getSchedule", {"userId": 1})["daysOff"] == ["2026-06-10"]


def test_a_day_when_the_clocks_change_keeps_its_wall_clock_hours(crm):
    ny = crm.call("user.add", {"fields": {"name": "Нью-Йорк", "timeZone": "America/New_York"}})
    crm.call("calendar.setSchedule", {"userId": ny["id"], "hours": {"sun": [["09:00", "12:00"]]}})
    # 8 March 2026: New York springs forward at 02:00; 09:00 EDT is 13:00 UTC (the Sunday before: 14:00 UTC).
    before = slots(crm, [ny["id"]], "2026-03-01T00:00:00Z", "2026-03-02T00:00:00Z", 180)
    after = slots(crm, [ny["id"]], "2026-03-08T00:00:00Z", "2026-03-09T00:00:00Z", 180)
    assert before == [("2026-03-01T14:00:00Z", "2026-03-01T17:00:00Z")]
    assert after == [("2026-03-08T13:00:00Z", "2026-03-08T16:00:00Z")]
    # A meeting at 10:00 New York time that day is within hours; at 08:00 it is not.
    crm.call("activity.add", {"fields": {"type": "call", "subject": "ok", "responsibleId": ny["id"],
                                         "start": "2026-03-08T10:00:00-04:00", "end": "2026-03-08T11:00:00-04:00"}})
    error = refused(crm, InvalidValue, "activity.add", {"fields": {"type": "call", "subject": "рано", "responsibleId": ny["id"],
                                                                      "start": "2026-03-08T08:00:00-04:00", "end": "2026-03-08T09:30:00-04:00"}})
    assert error.data["reason"] == "outsideWorkingHours"
    error = refused(crm, InvalidValue, "calendar.setSchedule", {"userId": ny["id"], "timeZone": "Mars/Olympus"})
    assert error.data["reason"] == "unknownTimeZone"
    error = refused(crm, InvalidValue, "calendar.setSchedule", {"userId": ny["id"], "hours": {"mon": [["18:00", "09:00"]]}})
    assert error.data["field"].startswith("hours")


def ical(text: str) -> dict:
    pytest.importorskip("icalendar")
    with tempfile.NamedTemporaryFile("w", suffix=".ics", delete=False, encoding="utf-8", newline="") as handle:
        handle.write(text)
    out = subprocess.run([sys.executable, str(Path(__file__).with_name("ical_check.py")), handle.name], capture_output=True, text=True, check=True)
    Path(handle.name).unlink()
    return json.loads(out.stdout)


def test_the_export_is_icalendar_an_independent_parser_reads(crm):
    crm.call("user.update", {"id": 1, "fields": {"email": "admin@example.ru"}})
    anna = crm.call("user.add", {"fields": {"name": "Анна Смирнова", "email": "anna@example.ru", "timeZone": "Europe/Berlin"}})
    meeting = crm.call("activity.add", {"fields": {"type": "meeting", "subject": "Демонстрация, этап 2; камеры", "place": "Москва, ул. Ленина 1",
                                                   "description": "Показать камеры\nи регистратор", "participantIds": [anna["id"]],
                                                   "start": "2026-12-10T11:00:00+03:00", "end": "2026-12-10T12:00:00+03:00"}, "allowOutsideHours": True})
    crm.call("activity.update", {"id": meeting["id"], "fields": {"start": "2026-12-10T13:00:00+03:00", "end": "2026-12-10T14:00:00+03:00"}})
    task = crm.call("activity.add", {"fields": {"type": "task", "subject": "Отправить КП", "deadline": "2026-12-11T18:00:00+03:00"}})
    cancelled = crm.call("activity.add", {"fields": {"type": "call", "subject": "Звонок", "start": "2026-12-10T15:00:00+03:00",
                                                     "end": "2026-12-10T15:30:00+03:00"}})
    crm.call("activity.update", {"id": cancelled["id"], "fields": {"status": "cancelled"}})
    exported = crm.call("calendar.export", {"userId": 1, "from": "2026-12-01T00:00:00Z", "to": "2026-12-31T00:00:00Z"})
    assert exported["count"] == 3 and exported["ics"].startswith("BEGIN:VCALENDAR\r\n")
    parsed = ical(exported["ics"])
    assert parsed["timezones"] == ["Europe/Moscow"]
    items = {i["uid"]: i for i in parsed["items"]}
    event = items[f"activity-{meeting['id']}@crmd"]
    assert (event["kind"], event["summary"], event["location"], event["description"]) == (
        "VEVENT", "Демонстрация, этап 2; камеры", "Москва, ул. Ленина 1", "Показать камеры\nи регистратор")
    assert (event["start"]["utc"], event["end"]["utc"], event["start"]["tzid"]) == ("2026-12-10T10:00:00Z", "2026-12-10T11:00:00Z", "Europe/Moscow")
    assert event["sequence"] == 1 and event["status"] == "CONFIRMED"
    assert event["organizer"][0]["address"].lower() == "mailto:admin@example.ru"
    assert [a["cn"] for a in event["attendees"]] == ["Анна Смирнова"]
    todo = items[f"activity-{task['id']}@crmd"]
    assert (todo["kind"], todo["due"]["utc"], todo["status"]) == ("VTODO", "2026-12-11T15:00:00Z", "NEEDS-ACTION")
    assert items[f"activity-{cancelled['id']}@crmd"]["status"] == "CANCELLED"
    # Anna's calendar shows the meeting she takes part in, the same UID.
    theirs = ical(crm.call("calendar.export", {"userId": anna["id"], "from": "2026-12-01T00:00:00Z", "to": "2026-12-31T00:00:00Z"})["ics"])
    assert [i["uid"] for i in theirs["items"]] == [f"activity-{meeting['id']}@crmd"]
    events = crm.call("calendar.events", {"userId": 1, "from": "2026-12-10T00:00:00Z", "to": "2026-12-11T00:00:00Z"})["items"]
    assert [e["id"] for e in events] == [meeting["id"]]
