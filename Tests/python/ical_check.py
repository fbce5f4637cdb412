#!/usr/bin/env python3
"""Reads an .ics file with the `icalendar` package (an independent RFC 5545 parser) and prints
a JSON summary of its events and tasks, for tests to compare with what crmd meant to write:

    python3 Tests/python/ical_check.py calendar.ics
    {"timezones": ["Europe/Moscow"], "items": [{"kind": "VEVENT", "uid": "...", "summary": "...",
     "start": "2026-12-04T10:00:00+03:00", "end": ..., "due": null, "status": "CONFIRMED",
     "sequence": 2, ...}]}

Times are ISO 8601 with the offset of their zone (from TZID), plus the same instant in UTC.
Exit status 1 and the parser's complaint on stderr when the file does not parse.
"""
from __future__ import annotations

import datetime as dt
import json
import sys

import icalendar


def when(component, name: str) -> dict | None:
    if name not in component:
        return None
    value = component.decoded(name)
    if not isinstance(value, dt.datetime):
        return {"date": value.isoformat()}
    if value.tzinfo is None:
        return {"local": value.isoformat(), "floating": True}
    return {"local": value.isoformat(), "utc": value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "tzid": component[name].params.get("TZID")}


def text(component, name: str) -> str | None:
    return str(component[name]) if name in component else None


def people(component, name: str) -> list[dict]:
    values = component.get(name, [])
    if not isinstance(values, list):
        values = [values]
    return [{"cn": value.params.get("CN"), "address": str(value)} for value in values]


def summary(path: str) -> dict:
    with open(path, "rb") as handle:
        calendar = icalendar.Calendar.from_ical(handle.read())
    items = []
    for component in calendar.walk():
        if component.name not in ("VEVENT", "VTODO"):
            continue
        raw = component.get("CATEGORIES")
        values = raw if isinstance(raw, list) else ([] if raw is None else [raw])
        categories = [str(category) for value in values for category in value.cats]
        items.append({
            "kind": component.name,
            "uid": text(component, "UID"),
            "summary": text(component, "SUMMARY"),
            "description": text(component, "DESCRIPTION"),
            "location": text(component, "LOCATION"),
            "start": when(component, "DTSTART"),
            "end": when(component, "DTEND"),
            "due": when(component, "DUE"),
            "completed": when(component, "COMPLETED"),
            "status": text(component, "STATUS"),
            "sequence": int(component["SEQUENCE"]) if "SEQUENCE" in component else None,
            "organizer": people(component, "ORGANIZER"),
            "attendees": people(component, "ATTENDEE"),
            "categories": categories,
        })
    return {
        "version": text(calendar, "VERSION"),
        "prodid": text(calendar, "PRODID"),
        "method": text(calendar, "METHOD"),
        "timezones": [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")],
        "items": items,
    }


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: ical_check.py FILE.ics", file=sys.stderr)
        return 2
    try:
        result = summary(sys.argv[1])
    except ValueError as error:
        print(f"ical_check: {sys.argv[1]}: {error}", file=sys.stderr)
        return 1
    json.dump(result, sys.stdout, ensure_ascii=False, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
