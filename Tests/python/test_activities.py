"""Meetings, calls and tasks (issue 13, S5 and S7) against the real crmd on a real socket:

- an activity is booked, moved, completed and cancelled, and each change shows on the timeline
  of every record it is bound to; a lead's meeting follows the deal made from it;
- a meeting on time its responsible, a participant or its resource has given to another
  planned meeting is 1005 `slotBusy` with what takes it; touching ends do not overlap; a
  cancelled meeting frees its time; outside working hours needs `allowOutsideHours`;
- sixteen connections booking the same slot at the same instant: exactly one wins;
- bad input is a clear 1007 with machine-readable data, and leaves nothing;
- lists filter by responsible, type, status, period, binding and overdue, and "my open tasks
  for today" is one call; a manager reads only their own and those they take part in.
"""
from __future__ import annotations

import threading
import zoneinfo
from datetime import datetime, timedelta, timezone

import pytest

from conftest import CheckedClient
from crmd_client import Conflict, Forbidden, InvalidValue, NotFound
from helpers import refused, timeline

MONDAY = "2027-03-01"  # a working Monday (no Russian holiday)


def at(day: str, hhmm: str, offset: str = "+03:00") -> str:
    return f"{day}T{hhmm}:00{offset}"


def utc(text: str) -> str:
    return datetime.fromisoformat(text).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def add_user(crm, name, role="manager", **fields):
    user = crm.call("user.add", {"fields": {"name": name, **fields}})
    role_id = next(r["id"] for r in crm.call("role.list")["items"] if r["code"] == role)
    crm.call("user.setRoles", {"id": user["id"], "roleIds": [role_id]})
    return user


def meeting(crm, start, end, **fields):
    return crm.call("activity.add", {"fields": {"type": "meeting", "subject": "Демонстрация", "start": start, "end": end, **fields}})


def test_a_meeting_is_booked_moved_completed_and_told_on_each_bound_records_timeline(crm):
    lead = crm.call("lead.add", {"fields": {"title": "Камеры", "name": "Иван", "phones": [{"value": "+7 916 123-45-67"}],
                                            "emails": [{"value": "ivan@example.ru"}], "city": "Москва", "topic": "Видеонаблюдение"}})
    m = meeting(crm, at(MONDAY, "11:00"), at(MONDAY, "12:00"), place="Офис, ул. Ленина 1",
                bindings=[{"entityType": "lead", "id": lead["id"]}], clientContacts=[{"entityType": "lead", "id": lead["id"]}])
    assert (m["start"], m["end"], m["status"], m["responsibleId"], m["sequence"]) == (utc(at(MONDAY, "11:00")), utc(at(MONDAY, "12:00")), "planned", 1, 0)
    assert m["timeZone"] == "Europe/Moscow" and crm.call("activity.get", {"id": m["id"]}) == m
    moved = crm.call("activity.update", {"id": m["id"], "fields": {"start": at(MONDAY, "14:00"), "end": at(MONDAY, "15:00")}})
    assert moved["start"] == utc(at(MONDAY, "14:00")) and moved["sequence"] == 1
    done = crm.call("activity.complete", {"id": m["id"], "result": "Клиент думает"})
    assert (done["status"], done["result"], done["sequence"]) == ("completed", "Клиент думает", 2) and done["completedAt"]
    actions = [t["data"]["action"] for t in timeline(crm, "lead", lead["id"]) if t["type"] == "activity"]
    assert actions == ["completed", "moved", "created"]
    entry = next(t for t in timeline(crm, "lead", lead["id"]) if t["type"] == "activity" and t["data"]["action"] == "moved")
    assert entry["data"]["from"]["start"] == utc(at(MONDAY, "11:00")) and entry["data"]["activityId"] == m["id"]
    # Converting the lead keeps the meeting with the deal and contact made from it.
    made = crm.call("lead.convert", {"id": lead["id"]})
    after = crm.call("activity.get", {"id": m["id"]})
    assert {"entityType": "deal", "id": made["dealId"]} in after["bindings"]
    assert {"entityType": "contact", "id": made["contactId"]} in after["clientContacts"]
    assert crm.call("activity.list", {"filter": {"entityType": "deal", "entityId": made["dealId"]}})["items"][0]["id"] == m["id"]


def test_overlapping_bookings_of_a_person_or_resource_are_slot_busy_and_touching_ones_are_not(crm):
    anna = add_user(crm, "Анна")
    room = crm.call("resource.add", {"name": "Переговорная 2", "place": "2 этаж"})
    first = meeting(crm, at(MONDAY, "10:00"), at(MONDAY, "11:00"), participantIds=[anna["id"]], resourceId=room["id"])
    error = refused(crm, Conflict, "activity.add", {"fields": {"type": "meeting", "subject": "Другая", "start": at(MONDAY, "10:30"),
                                                                  "end": at(MONDAY, "11:30")}})
    assert error.data["reason"] == "slotBusy" and error.data["activityId"] == first["id"]
    assert error.data["conflicts"][0]["userId"] == 1
    # A participant's time and the resource's are taken as well, whoever is responsible.
    bob = add_user(crm, "Борис")
    error = refused(crm, Conflict, "activity.add", {"fields": {"type": "call", "subject": "Звонок", "responsibleId": bob["id"],
                                                                  "participantIds": [anna["id"]], "start": at(MONDAY, "10:45"), "end": at(MONDAY, "11:15")}})
    assert error.data["conflicts"] == [{"activityId": first["id"], "userId": anna["id"], "start": utc(at(MONDAY, "10:00")), "end": utc(at(MONDAY, "11:00"))}]
    error = refused(crm, Conflict, "activity.add", {"fields": {"type": "meeting", "subject": "Комната", "responsibleId": bob["id"],
                                                                  "resourceId": room["id"], "start": at(MONDAY, "09:00"), "end": at(MONDAY, "10:01")}})
    assert error.data["conflicts"][0]["resourceId"] == room["id"]
    # Touching ends are not an overlap; a task takes nobody's time.
    meeting(crm, at(MONDAY, "11:00"), at(MONDAY, "12:00"), resourceId=room["id"])
    crm.call("activity.add", {"fields": {"type": "task", "subject": "Подготовить КП", "deadline": at(MONDAY, "10:30")}})
    # Moving onto taken time is refused and leaves the meeting where it was; cancelling frees it.
    second = meeting(crm, at(MONDAY, "15:00"), at(MONDAY, "16:00"))
    refused(crm, Conflict, "activity.update", {"id": second["id"], "fields": {"start": at(MONDAY, "10:15"), "end": at(MONDAY, "10:45")}})
    assert crm.call("activity.get", {"id": second["id"]})["start"] == utc(at(MONDAY, "15:00"))
    crm.call("activity.update", {"id": first["id"], "fields": {"status": "cancelled"}})
    moved = crm.call("activity.update", {"id": second["id"], "fields": {"start": at(MONDAY, "10:15"), "end": at(MONDAY, "10:45")}})
    assert moved["start"] == utc(at(MONDAY, "10:15"))
    error = refused(crm, Conflict, "resource.delete", {"id": room["id"]})
    assert error.data["reason"] == "inUse"
    # A long booking (a three-day offsite) is found from anywhere inside it, however short the other.
    offsite = crm.call("activity.add", {"fields": {"type": "meeting", "subject": "Выезд", "responsibleId": bob["id"],
                                                   "start": at("2027-03-08", "09:00"), "end": at("2027-03-11", "18:00")}, "allowOutsideHours": True})
    error = refused(crm, Conflict, "activity.add", {"fields": {"type": "call", "subject": "Звонок", "responsibleId": bob["id"],
                                                                  "start": at("2027-03-10", "15:00"), "end": at("2027-03-10", "15:05")}})
    assert error.data["activityId"] == offsite["id"]


def test_outside_working_hours_needs_allow_and_bad_input_is_a_clear_error_that_leaves_nothing(crm):
    before = crm.call("activity.list", {})["items"]
    error = refused(crm, InvalidValue, "activity.add", {"fields": {"type": "meeting", "subject": "Поздно", "start": at(MONDAY, "19:00"),
                                                                      "end": at(MONDAY, "20:00")}})
    assert (error.data["field"], error.data["reason"]) == ("start", "outsideWorkingHours")
    late = crm.call("activity.add", {"fields": {"type": "meeting", "subject": "Поздно", "start": at(MONDAY, "19:00"), "end": at(MONDAY, "20:00")},
                                     "allowOutsideHours": True})
    assert late["status"] == "planned"
    cases = [
        ({"type": "meeting", "subject": "x", "start": at(MONDAY, "12:00"), "end": at(MONDAY, "11:00")}, "end", "endBeforeStart"),
        ({"type": "meeting", "subject": "x", "start": at(MONDAY, "12:00")}, "end", "required"),
        ({"type": "meeting", "subject": "x", "start": at(MONDAY, "12:00"), "end": at(MONDAY, "13:00"), "responsibleId": 999}, "responsibleId", "unknownUser"),
        ({"type": "meeting", "subject": "x", "start": at(MONDAY, "12:00"), "end": at(MONDAY, "13:00"), "participantIds": [998]}, "participantIds.0", "unknownUser"),
        ({"type": "meeting", "subject": "x", "start": at(MONDAY, "12:00"), "end": at(MONDAY, "13:00"), "resourceId": 77}, "resourceId", "unknownResource"),
        ({"type": "task", "subject": "x", "start": at(MONDAY, "12:00")}, "start", "notApplicable"),
        ({"type": "meeting", "subject": "x", "start": at(MONDAY, "12:00"), "end": at(MONDAY, "13:00"),
          "bindings": [{"entityType": "deal", "id": 4242}]}, "bindings.0", "unknownRecord"),
        ({"type": "meeting", "subject": "x", "start": at(MONDAY, "12:00"), "end": at(MONDAY, "13:00"), "clientTimeZone": "Mars/Olympus"},
         "clientTimeZone", "unknownTimeZone"),
    ]
    for fields, field, reason in cases:
        error = refused(crm, InvalidValue, "activity.add", {"fields": fields})
        assert (error.data["field"], error.data["reason"]) == (field, reason), fields
    assert [a["id"] for a in crm.call("activity.list", {})["items"]] == [a["id"] for a in before] + [late["id"]]
    with pytest.raises(NotFound):
        crm.call("activity.get", {"id": 9999})


def test_sixteen_connections_booking_the_same_slot_at_once_have_exactly_one_winner(server):
    admin = CheckedClient(server.client())
    clients = [server.client() for _ in range(16)]
    barrier = threading.Barrier(len(clients))
    outcomes: list = [None] * len(clients)

    def book(index, client):
        barrier.wait()
        try:
            outcomes[index] = client.call("activity.add", {"fields": {"type": "meeting", "subject": f"Встреча {index}",
                                                                     "start": at(MONDAY, "13:00"), "end": at(MONDAY, "14:00")}})["id"]
        except Conflict as error:
            outcomes[index] = error.data["reason"]

    threads = [threading.Thread(target=book, args=(i, c)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [o for o in outcomes if isinstance(o, int)]
    assert len(winners) == 1 and outcomes.count("slotBusy") == 15
    assert [a["id"] for a in admin.call("activity.list", {})["items"]] == winners
    for client in clients:
        client.close()
    admin.close()


def test_lists_filter_and_my_open_tasks_for_today_is_one_call(crm):
    anna = add_user(crm, "Анна")
    now = datetime.now(timezone.utc)
    today_task = crm.call("activity.add", {"fields": {"type": "task", "subject": "Сегодня", "deadline": (now + timedelta(minutes=1)).isoformat()}})
    crm.call("activity.add", {"fields": {"type": "task", "subject": "Через неделю", "deadline": (now + timedelta(days=7)).isoformat()}})
    overdue = crm.call("activity.add", {"fields": {"type": "task", "subject": "Просрочена", "deadline": (now - timedelta(days=2)).isoformat()}})
    crm.call("activity.add", {"fields": {"type": "task", "subject": "Анне", "responsibleId": anna["id"], "deadline": (now + timedelta(minutes=1)).isoformat()}})
    mine = crm.call("activity.list", {"filter": {"responsibleId": "me", "type": "task", "status": "planned", "today": True}})["items"]
    # "Today" is the caller's calendar day (Moscow): the task due in a minute, unless the day ends first.
    moscow = now.astimezone(zoneinfo.ZoneInfo("Europe/Moscow"))
    if (moscow + timedelta(minutes=1)).date() == moscow.date():
        assert today_task["id"] in [a["id"] for a in mine]
    assert all(a["responsibleId"] == 1 for a in mine)
    late = crm.call("activity.list", {"filter": {"overdue": True}})["items"]
    assert [a["id"] for a in late] == [overdue["id"]] and late[0]["overdue"] is True
    page = crm.call("activity.list", {"limit": 2})
    assert len(page["items"]) == 2 and page["next"]
    rest = crm.call("activity.list", {"limit": 10, "cursor": page["next"]})
    assert len(page["items"]) + len(rest["items"]) == 4 and rest["next"] is None


def test_a_manager_reads_their_own_activities_and_those_they_take_part_in_only(server):
    admin = CheckedClient(server.client())
    anna = add_user(admin, "Анна")
    bob = add_user(admin, "Борис")
    theirs = admin.call("activity.add", {"fields": {"type": "task", "subject": "Борису", "responsibleId": bob["id"]}})
    joint = admin.call("activity.add", {"fields": {"type": "meeting", "subject": "Вместе", "responsibleId": bob["id"], "participantIds": [anna["id"]],
                                                   "start": at(MONDAY, "10:00"), "end": at(MONDAY, "11:00")}})
    own = admin.call("activity.add", {"fields": {"type": "task", "subject": "Анне", "responsibleId": anna["id"]}})
    secret = admin.call("token.add", {"userId": anna["id"], "name": "t"})["token"]
    a = CheckedClient(server.client())
    a.call("session.login", {"token": secret})
    assert sorted(x["id"] for x in a.call("activity.list", {})["items"]) == sorted([joint["id"], own["id"]])
    assert a.call("activity.get", {"id": joint["id"]})["subject"] == "Вместе"
    with pytest.raises(Forbidden):
        a.call("activity.get", {"id": theirs["id"]})
    with pytest.raises(Forbidden):
        a.call("activity.update", {"id": joint["id"], "fields": {"subject": "Моё"}})
    mine = a.call("activity.add", {"fields": {"type": "call", "subject": "Звонок", "start": at(MONDAY, "12:00"), "end": at(MONDAY, "12:15")}})
    assert mine["responsibleId"] == anna["id"] and mine["createdBy"] == anna["id"]
    with pytest.raises(Forbidden):
        a.call("activity.add", {"fields": {"type": "task", "subject": "Борису от Анны", "responsibleId": bob["id"]}})
    a.close()
    admin.close()


def test_the_people_of_a_moved_or_cancelled_meeting_are_notified_but_not_who_moved_it(server):
    admin = CheckedClient(server.client())
    anna = add_user(admin, "Анна", timeZone="Asia/Yekaterinburg")
    m = admin.call("activity.add", {"fields": {"type": "meeting", "subject": "Демо", "participantIds": [anna["id"]],
                                               "start": at(MONDAY, "12:00"), "end": at(MONDAY, "13:00")}})
    admin.call("activity.update", {"id": m["id"], "fields": {"start": at(MONDAY, "14:00"), "end": at(MONDAY, "15:00")}})
    admin.call("activity.update", {"id": m["id"], "fields": {"subject": "Демо камер"}})  # not a move: nobody is told
    admin.call("activity.update", {"id": m["id"], "fields": {"status": "cancelled"}})
    a = CheckedClient(server.client())
    a.call("session.login", {"token": admin.call("token.add", {"userId": anna["id"], "name": "t"})["token"]})
    told = [n for n in a.call("notification.list", {})["items"] if n["kind"] == "meetingMoved"]
    # Newest first, in Anna's zone (UTC+5): 12:00 Moscow is 14:00 in Yekaterinburg.
    assert [n["text"] for n in told] == ["Отменена встреча «Демо камер» (1 марта 2027 г. в 16:00)",
                                         "Встреча «Демо» перенесена: 1 марта 2027 г. в 14:00 → 1 марта 2027 г. в 16:00"]
    assert told[1]["data"]["activityId"] == m["id"]
    assert not [n for n in admin.call("notification.list", {})["items"] if n["kind"] == "meetingMoved"]
    a.close()
    admin.close()
