"""Leads through the Python client against the real server (seed scenarios S1-S4): required
fields, stage moves, refusals that change nothing, versions, idempotency, custom fields, lists
and the timeline. Every result is checked against its method's schema (the `crm` fixture)."""
import re
import threading
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from jsonschema import Draft202012Validator

from conftest import BASE, REGISTRY
from crmd_client import (Conflict, CrmdError, InvalidParams, InvalidValue, NotFound, RequiredFieldsMissing)

STAGES = ["NEW", "QUALIFICATION", "OFFER_SENT", "MEETING_SCHEDULED", "FEEDBACK", "OBJECTIONS", "MEETING_HELD",
          "CONSENT", "CONVERTED", "JUNK"]
TITLES = {"NEW": "Новый", "QUALIFICATION": "Квалификация", "OFFER_SENT": "КП отправлено",
          "MEETING_SCHEDULED": "Встреча назначена", "FEEDBACK": "Ожидание обратной связи",
          "OBJECTIONS": "Работа с возражениями", "MEETING_HELD": "Встреча проведена",
          "CONSENT": "Согласие получено", "CONVERTED": "Сконвертирован", "JUNK": "Некачественный"}
NEW_REQUIRED = {"phones", "emails", "city", "topic"}


def contacts(n: int = 1, **more) -> dict:
    fields = {"phones": [{"value": f"+7 916 000-00-{n % 100:02d}", "type": "MOBILE"}],
              "emails": [{"value": f"client{n}@example.ru"}], "city": "Москва", "topic": "Охрана"}
    fields.update(more)
    return fields


def add(crm, n: int = 1, **more) -> dict:
    return crm.call("lead.add", {"fields": {"title": f"Лид {n}", **contacts(n, **more)}})


def move(crm, lead: dict, stage: str, **fields) -> dict:
    return crm.call("lead.update", {"id": lead["id"], "fields": {"stageId": stage, **fields}})


def default_pipeline(crm) -> dict:
    return next(p for p in crm.call("pipeline.list", {"entityType": "lead"})["items"] if p["isDefault"])


def timeline(crm, lead_id: int, limit: int = 500) -> list:
    entries, cursor = [], None
    while True:
        page = crm.call("timeline.list", {"entityType": "lead", "id": lead_id, "limit": limit, "cursor": cursor})
        entries += page["items"]
        cursor = page["next"]
        if cursor is None:
            return entries


def assert_error_data(error: CrmdError) -> None:
    """`data` of an application error has the shape common.json gives for its code."""
    name = {1001: "RequiredFieldsMissingData", 1002: "NotFoundData", 1005: "ConflictData",
            1007: "InvalidValueData", -32602: "InvalidParamsData"}[error.code]
    validator = Draft202012Validator({"$ref": f"{BASE}common.json#/$defs/{name}"}, registry=REGISTRY)
    problems = [e.message for e in validator.iter_errors(error.data)]
    assert not problems, (error.data, problems)


def refused(crm, exception, method, params) -> CrmdError:
    with pytest.raises(exception) as caught:
        crm.call(method, params)
    assert_error_data(caught.value)
    return caught.value


def require(crm, stage: str, *fields: str) -> dict:
    pipeline = default_pipeline(crm)
    return crm.call("stage.update", {"pipelineId": pipeline["id"], "stageId": stage, "requiredFields": list(fields)})


def timestamp(text: str) -> datetime:
    return datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)


# ---------------------------------------------------------------------------- pipeline and S1/S2

def test_default_lead_pipeline(crm):
    pipelines = crm.call("pipeline.list", {"entityType": "lead"})["items"]
    assert [p["isDefault"] for p in pipelines].count(True) == 1
    pipeline = default_pipeline(crm)
    assert pipeline["entityType"] == "lead"
    stages = pipeline["stages"]
    assert [s["id"] for s in stages] == STAGES
    assert {s["id"]: s["title"] for s in stages} == TITLES
    semantics = {s["id"]: s["semantic"] for s in stages}
    assert semantics.pop("CONVERTED") == "success" and semantics.pop("JUNK") == "failure"
    assert set(semantics.values()) == {"process"}
    sorts = [s["sort"] for s in stages]
    assert sorts == sorted(sorts) and len(set(sorts)) == len(sorts)
    assert set(stages[0]["requiredFields"]) == NEW_REQUIRED


def test_add_without_required_fields_lists_exactly_them(crm):
    error = refused(crm, RequiredFieldsMissing, "lead.add", {"fields": {"title": "Ремонт офиса", "name": "Иван"}})
    assert error.data["entityType"] == "lead" and error.data["id"] is None and error.data["stageId"] == "NEW"
    fields = [m["field"] for m in error.missing]
    assert sorted(fields) == sorted(NEW_REQUIRED) and len(fields) == 4
    described = crm.call("lead.fields")
    for item in error.missing:
        assert isinstance(item["title"], str) and item["title"].strip()
        assert item["title"] == described[item["field"]]["title"]
    assert crm.call("lead.list", {"count": True})["total"] == 0


@pytest.mark.parametrize("given,missing", [
    ({"phones": [{"value": "+79160000000"}], "city": "Тула"}, {"emails", "topic"}),
    ({"emails": [{"value": "a@b.ru"}], "topic": "x", "city": "Тула"}, {"phones"}),
    ({"phones": [], "emails": [{"value": "a@b.ru"}], "topic": "x", "city": "Тула"}, {"phones"}),
    ({"phones": [{"value": "1"}], "emails": [{"value": "a@b.ru"}], "topic": "x", "city": ""}, {"city"}),
    ({"phones": [{"value": "1"}], "emails": [{"value": "a@b.ru"}], "topic": None, "city": "Тула"}, {"topic"}),
    ({"phones": [{"value": "   "}], "emails": [{"value": "a@b.ru"}], "topic": "x", "city": "Тула"}, {"phones"}),
])
def test_add_lists_only_what_is_still_missing(crm, given, missing):
    error = refused(crm, RequiredFieldsMissing, "lead.add", {"fields": given})
    assert {m["field"] for m in error.missing} == missing


def test_add_returns_the_whole_lead(crm):
    pipeline = default_pipeline(crm)
    lead = crm.call("lead.add", {"fields": {
        "title": "Ремонт офиса", "name": "Иван", "lastName": "Петров",
        "phones": [{"value": "+7 (916) 123-45-67"}, {"value": "8 495 000 00 00", "type": "HOME"}],
        "emails": [{"value": "ivan@example.ru", "type": "WORK"}], "city": "Москва", "topic": "Охрана"}})
    assert lead["stageId"] == "NEW" and lead["pipelineId"] == pipeline["id"] and lead["stageSemantic"] == "process"
    assert lead["version"] == 1 and lead["createdAt"] == lead["updatedAt"]
    assert lead["phones"] == [{"value": "+7 (916) 123-45-67", "type": "WORK"}, {"value": "8 495 000 00 00", "type": "HOME"}]
    assert lead["custom"] == {} and lead["requisites"] is None and lead["convertedAt"] is None
    assert lead["secondName"] is None and lead["comments"] is None and lead["clientType"] is None
    assert abs((timestamp(lead["createdAt"]) - datetime.now(timezone.utc)).total_seconds()) < 120
    assert crm.call("lead.get", {"id": lead["id"]}) == lead


def test_add_with_requisites_and_client_type(crm):
    lead = add(crm, clientType="company", companyTitle="ООО «Ромашка»",
               requisites={"inn": "7707083893", "kpp": "773601001", "opf": "ООО"})
    assert lead["clientType"] == "company" and lead["companyTitle"] == "ООО «Ромашка»"
    assert lead["requisites"] == {"inn": "7707083893", "kpp": "773601001", "opf": "ООО"}


def test_add_in_a_later_stage_needs_the_earlier_requirements_too(crm):
    error = refused(crm, RequiredFieldsMissing, "lead.add", {"fields": {"title": "x", "stageId": "QUALIFICATION"}})
    assert error.stage_id == "QUALIFICATION"
    assert {m["field"] for m in error.missing} == NEW_REQUIRED
    lead = add(crm, stageId="QUALIFICATION")
    assert lead["stageId"] == "QUALIFICATION"


def test_add_to_an_unknown_stage(crm):
    error = refused(crm, (InvalidValue, NotFound), "lead.add", {"fields": {"title": "x", **contacts(), "stageId": "NOPE"}})
    if error.code == 1007:
        assert error.field == "stageId"


def test_assigned_user(crm):
    user = crm.call("user.add", {"fields": {"name": "Анна Менеджер", "email": "anna@example.ru"}})
    assert crm.call("user.get", {"id": user["id"]}) == user
    assert user in crm.call("user.list")["items"]
    lead = add(crm, assignedTo=user["id"])
    assert lead["assignedTo"] == user["id"]
    error = refused(crm, (InvalidValue, NotFound), "lead.update", {"id": lead["id"], "fields": {"assignedTo": 987654}})
    if error.code == 1007:
        assert error.field == "assignedTo"
    assert crm.call("lead.get", {"id": lead["id"]}) == lead


# ---------------------------------------------------------------------------- S3: stage moves

def test_move_through_every_stage_up_to_consent(crm):
    lead = add(crm)
    path = STAGES[:STAGES.index("CONSENT") + 1]
    for stage in path[1:]:
        before = lead
        lead = move(crm, lead, stage)
        assert lead["stageId"] == stage and lead["stageSemantic"] == "process"
        assert lead["version"] == before["version"] + 1
        assert lead["updatedAt"] >= before["updatedAt"]
        assert lead["createdAt"] == before["createdAt"]
    moves = [(e["data"]["from"], e["data"]["to"]) for e in reversed(timeline(crm, lead["id"])) if e["type"] == "stageChanged"]
    assert moves == list(zip(path, path[1:]))


@pytest.mark.parametrize("target,semantic", [("CONSENT", "process"), ("MEETING_HELD", "process"), ("JUNK", "failure")])
def test_moves_may_skip_stages(crm, target, semantic):
    lead = move(crm, add(crm), target)
    assert lead["stageId"] == target and lead["stageSemantic"] == semantic and lead["version"] == 2


def test_move_and_fill_fields_in_one_call(crm):
    lead = move(crm, add(crm), "QUALIFICATION", source="Сайт", comments="Просит перезвонить")
    assert (lead["stageId"], lead["source"], lead["comments"], lead["version"]) == \
        ("QUALIFICATION", "Сайт", "Просит перезвонить", 2)


def test_move_to_an_unknown_stage_changes_nothing(crm):
    lead = add(crm)
    refused(crm, (InvalidValue, NotFound), "lead.update", {"id": lead["id"], "fields": {"stageId": "NO_SUCH_STAGE"}})
    assert crm.call("lead.get", {"id": lead["id"]}) == lead


# ---------------------------------------------------------------------------- S4: stage requirements

@pytest.fixture
def site_field(crm):
    field = crm.call("field.add", {"entityType": "lead", "code": "site_address", "title": "Адрес объекта",
                                   "type": "address"})
    pipeline = require(crm, "MEETING_SCHEDULED", "custom.site_address")
    stage = next(s for s in pipeline["stages"] if s["id"] == "MEETING_SCHEDULED")
    assert stage["requiredFields"] == ["custom.site_address"]
    assert default_pipeline(crm) == pipeline
    return field


def test_refused_move_lists_the_custom_field_and_changes_nothing(crm, site_field):
    lead = move(crm, move(crm, add(crm), "QUALIFICATION"), "OFFER_SENT")
    history = timeline(crm, lead["id"])
    error = refused(crm, RequiredFieldsMissing, "lead.update",
                    {"id": lead["id"], "fields": {"stageId": "MEETING_SCHEDULED", "city": "Тверь", "source": "Звонок"}})
    assert error.data == {"entityType": "lead", "id": lead["id"], "stageId": "MEETING_SCHEDULED",
                          "missing": [{"field": "custom.site_address", "title": "Адрес объекта"}]}
    assert crm.call("lead.get", {"id": lead["id"]}) == lead
    assert timeline(crm, lead["id"]) == history


def test_skipping_stages_does_not_skip_a_requirement(crm, site_field):
    lead = move(crm, add(crm), "QUALIFICATION")
    for target in ["FEEDBACK", "CONSENT", "MEETING_SCHEDULED"]:
        error = refused(crm, RequiredFieldsMissing, "lead.update", {"id": lead["id"], "fields": {"stageId": target}})
        assert error.stage_id == target
        assert [m["field"] for m in error.missing] == ["custom.site_address"]
    assert move(crm, lead, "OFFER_SENT")["stageId"] == "OFFER_SENT"  # before the requirement: fine
    assert crm.call("lead.get", {"id": lead["id"]})["version"] == lead["version"] + 1


def test_filling_the_field_in_the_move_call(crm, site_field):
    lead = move(crm, add(crm), "OFFER_SENT")
    moved = move(crm, lead, "MEETING_SCHEDULED", custom={"site_address": "Москва, ул. Ленина, 1"})
    assert moved["stageId"] == "MEETING_SCHEDULED" and moved["version"] == lead["version"] + 1
    assert moved["custom"] == {"site_address": "Москва, ул. Ленина, 1"}
    assert move(crm, moved, "CONSENT")["stageId"] == "CONSENT"


def test_stage_change_entry_carries_the_fields_filled_in_the_same_call(crm, site_field):
    """common.json TimelineEntry: `stageChanged` → {from, to} plus `changes` if fields were filled in the same call."""
    lead = move(crm, add(crm), "OFFER_SENT")
    move(crm, lead, "MEETING_SCHEDULED", custom={"site_address": "Тверь, ул. Советская, 5"})
    entry = next(e for e in timeline(crm, lead["id"]) if e["type"] == "stageChanged")
    assert (entry["data"]["from"], entry["data"]["to"]) == ("OFFER_SENT", "MEETING_SCHEDULED")
    assert {"field": "custom.site_address", "old": None, "new": "Тверь, ул. Советская, 5"} in entry["data"].get("changes", []), entry


def test_a_required_field_cannot_be_emptied_once_required(crm, site_field):
    lead = move(crm, move(crm, add(crm), "OFFER_SENT"), "MEETING_SCHEDULED", custom={"site_address": "Адрес"})
    error = refused(crm, RequiredFieldsMissing, "lead.update", {"id": lead["id"], "fields": {"custom": {"site_address": None}}})
    assert [m["field"] for m in error.missing] == ["custom.site_address"]
    error = refused(crm, RequiredFieldsMissing, "lead.update", {"id": lead["id"], "fields": {"city": None}})
    assert [m["field"] for m in error.missing] == ["city"]
    assert crm.call("lead.get", {"id": lead["id"]}) == lead


def test_several_requirements_are_listed_together(crm):
    crm.call("field.add", {"entityType": "lead", "code": "budget", "title": "Бюджет", "type": "money"})
    crm.call("field.add", {"entityType": "lead", "code": "deadline", "title": "Срок", "type": "date"})
    require(crm, "OFFER_SENT", "custom.budget", "source", "custom.deadline")
    lead = add(crm)
    error = refused(crm, RequiredFieldsMissing, "lead.update", {"id": lead["id"], "fields": {"stageId": "OFFER_SENT"}})
    assert {m["field"]: m["title"] for m in error.missing} == \
        {"custom.budget": "Бюджет", "source": crm.call("lead.fields")["source"]["title"], "custom.deadline": "Срок"}
    lead = move(crm, lead, "OFFER_SENT", source="Сайт", custom={"budget": {"amount": "150000.00", "currency": "RUB"},
                                                               "deadline": "2026-12-31"})
    assert lead["stageId"] == "OFFER_SENT"


def test_stage_update_refuses_unknown_fields_and_stages(crm):
    pipeline = default_pipeline(crm)
    with pytest.raises((InvalidParams, InvalidValue)):
        crm.call("stage.update", {"pipelineId": pipeline["id"], "stageId": "FEEDBACK", "requiredFields": ["custom.nope"]})
    with pytest.raises((InvalidParams, InvalidValue)):
        crm.call("stage.update", {"pipelineId": pipeline["id"], "stageId": "FEEDBACK", "requiredFields": ["noSuchField"]})
    refused(crm, NotFound, "stage.update", {"pipelineId": pipeline["id"], "stageId": "NO_STAGE", "title": "x"})
    refused(crm, NotFound, "stage.update", {"pipelineId": 9999, "stageId": "NEW", "title": "x"})
    assert default_pipeline(crm) == pipeline


def test_stage_update_changes_only_what_is_given(crm):
    pipeline = require(crm, "FEEDBACK", "source")
    pipeline = crm.call("stage.update", {"pipelineId": pipeline["id"], "stageId": "FEEDBACK", "title": "Ждём ответа"})
    stage = next(s for s in pipeline["stages"] if s["id"] == "FEEDBACK")
    assert stage["title"] == "Ждём ответа" and stage["requiredFields"] == ["source"]


def test_pipeline_add_and_stage_add(crm):
    pipeline = crm.call("pipeline.add", {"entityType": "lead", "title": "Монтаж"})
    assert not pipeline["isDefault"] and pipeline["title"] == "Монтаж"
    assert [s["semantic"] for s in pipeline["stages"]] == ["process", "success", "failure"]
    pipeline = crm.call("stage.add", {"pipelineId": pipeline["id"], "id": "MOUNT_CHECK", "title": "Проверка",
                                      "sort": 15, "requiredFields": ["city"]})
    ids = [s["id"] for s in pipeline["stages"]]
    assert ids.index("MOUNT_CHECK") == 1, ids
    assert len(crm.call("pipeline.list", {"entityType": "lead"})["items"]) == 2
    lead = add(crm, stageId="MOUNT_CHECK")
    assert lead["pipelineId"] == pipeline["id"] and lead["stageId"] == "MOUNT_CHECK"
    error = refused(crm, Conflict, "stage.add", {"pipelineId": pipeline["id"], "id": "MOUNT_CHECK", "title": "x"})
    assert error.reason == "exists"
    refused(crm, NotFound, "stage.add", {"pipelineId": 9999, "title": "x"})


# ---------------------------------------------------------------------------- versions, idempotency, delete

def test_expected_version_conflict_changes_nothing(crm):
    lead = add(crm)
    lead = crm.call("lead.update", {"id": lead["id"], "fields": {"title": "v2"}, "expectedVersion": 1})
    assert lead["version"] == 2
    error = refused(crm, Conflict, "lead.update", {"id": lead["id"], "fields": {"title": "v3"}, "expectedVersion": 1})
    assert error.reason == "version"
    assert crm.call("lead.get", {"id": lead["id"]}) == lead
    assert crm.call("lead.update", {"id": lead["id"], "fields": {"title": "v3"}, "expectedVersion": 2})["version"] == 3


def test_update_keeps_other_fields_and_replaces_lists(crm):
    lead = add(crm, source="Сайт")
    updated = crm.call("lead.update", {"id": lead["id"], "fields": {
        "phones": [{"value": "+7 999 111-22-33", "type": "HOME"}, {"value": "+7 999 444-55-66"}]}})
    assert updated["phones"] == [{"value": "+7 999 111-22-33", "type": "HOME"}, {"value": "+7 999 444-55-66", "type": "WORK"}]
    assert updated["source"] == "Сайт" and updated["emails"] == lead["emails"]
    cleared = crm.call("lead.update", {"id": lead["id"], "fields": {"source": None, "comments": ""}})
    assert cleared["source"] is None and cleared["comments"] is None


def test_a_no_op_update_is_not_a_change(crm):
    lead = add(crm)
    same = crm.call("lead.update", {"id": lead["id"], "fields": {"title": lead["title"], "city": lead["city"]}})
    assert same == lead
    assert [e["type"] for e in timeline(crm, lead["id"])] == ["created"]


def test_update_of_a_missing_lead(crm):
    error = refused(crm, NotFound, "lead.update", {"id": 777, "fields": {"title": "x"}})
    assert error.data == {"entityType": "lead", "id": 777}


def test_idempotency_key_returns_the_first_lead(crm):
    params = {"fields": {"title": "Форма на сайте", **contacts()}, "idempotencyKey": "form-42"}
    first = crm.call("lead.add", params)
    again = crm.call("lead.add", params)
    assert again == first
    other = crm.call("lead.add", {"fields": {"title": "Другое", **contacts(2)}, "idempotencyKey": "form-42"})
    assert other["id"] == first["id"] and other["title"] == "Форма на сайте"
    assert crm.call("lead.list", {"count": True})["total"] == 1
    assert crm.call("lead.add", {**params, "idempotencyKey": "form-43"})["id"] != first["id"]


def test_a_refused_add_does_not_use_up_its_idempotency_key(crm):
    refused(crm, RequiredFieldsMissing, "lead.add", {"fields": {"title": "x"}, "idempotencyKey": "retry-1"})
    lead = crm.call("lead.add", {"fields": {"title": "x", **contacts()}, "idempotencyKey": "retry-1"})
    assert lead["title"] == "x"


def test_delete(crm):
    lead = add(crm)
    keep = add(crm, 2)
    assert crm.call("lead.delete", {"id": lead["id"]}) == {"id": lead["id"], "deleted": True}
    refused(crm, NotFound, "lead.get", {"id": lead["id"]})
    refused(crm, NotFound, "lead.delete", {"id": lead["id"]})
    assert [i["id"] for i in crm.call("lead.list")["items"]] == [keep["id"]]


# ---------------------------------------------------------------------------- custom fields

CUSTOM_TYPES = [
    # type, field.add extras, value given, value expected back (None: same), invalid values
    ("string", {}, "Синий", None, [5, True, ["a"]]),
    ("text", {}, "Строка 1\nСтрока 2", None, [5, {"a": 1}]),
    ("integer", {}, 42, None, ["42", 1.5, True]),
    ("decimal", {}, "12.50", Decimal("12.5"), ["abc", "1,5", True, "1e3"]),
    ("money", {}, {"amount": "12500.00", "currency": "RUB"}, None,
     ["12500.00", {"amount": "1.005", "currency": "RUB"}, {"amount": "10", "currency": "rub"}, {"amount": "10"}]),
    ("date", {}, "2026-11-29", None, ["29.11.2026", "2026-13-01", "2026-02-30", 20261129]),
    ("datetime", {}, "2026-11-29T10:15:00Z", None, ["yesterday", "2026-11-29", 1764411300]),
    ("boolean", {}, True, None, ["yes", 1, "true"]),
    ("enum", {"options": ["A", "B", "Вариант В"]}, "Вариант В", None, ["C", "a", 1]),
    ("url", {}, "https://example.ru/объект?id=1", None, ["not a url", "example", 5]),
    ("address", {}, "г. Москва, ул. Ленина, д. 1", None, [5, False]),
]


@pytest.mark.parametrize("type_,extra,value,expected,invalid", CUSTOM_TYPES, ids=[t[0] for t in CUSTOM_TYPES])
def test_custom_field_of_every_type(crm, type_, extra, value, expected, invalid):
    code = f"f_{type_}"
    field = crm.call("field.add", {"entityType": "lead", "code": code, "title": f"Поле {type_}", "type": type_, **extra})
    assert (field["code"], field["type"], field["multiple"]) == (code, type_, False)
    lead = add(crm, custom={code: value})
    stored = lead["custom"][code]
    if isinstance(expected, Decimal):
        assert isinstance(stored, str) and Decimal(stored) == expected
    else:
        assert stored == value
    assert crm.call("lead.get", {"id": lead["id"]})["custom"] == {code: stored}
    for bad in invalid:
        with pytest.raises((InvalidValue, InvalidParams)) as caught:
            crm.call("lead.update", {"id": lead["id"], "fields": {"custom": {code: bad}}})
        assert_error_data(caught.value)
        if isinstance(caught.value, InvalidValue):
            assert caught.value.field == f"custom.{code}"
    assert crm.call("lead.get", {"id": lead["id"]}) == lead


def test_datetime_values_come_back_in_utc(crm):
    crm.call("field.add", {"entityType": "lead", "code": "call_at", "title": "Звонок", "type": "datetime"})
    lead = add(crm, custom={"call_at": "2026-11-29T13:15:00+03:00"})
    assert lead["custom"]["call_at"] in ("2026-11-29T10:15:00Z", "2026-11-29T10:15:00.000Z")


def test_money_stays_exact_strings(crm):
    crm.call("field.add", {"entityType": "lead", "code": "budget", "title": "Бюджет", "type": "money"})
    for amount in ["123456789012.34", "0.10", "-5.5", "1"]:
        lead = add(crm, custom={"budget": {"amount": amount, "currency": "RUB"}})
        stored = lead["custom"]["budget"]
        assert isinstance(stored["amount"], str) and Decimal(stored["amount"]) == Decimal(amount), stored
        assert re.fullmatch(r"-?\d{1,15}(\.\d{1,2})?", stored["amount"]) and stored["currency"] == "RUB"


def test_multiple_custom_fields(crm):
    crm.call("field.add", {"entityType": "lead", "code": "tags", "title": "Метки", "type": "enum",
                           "options": ["опт", "розница", "VIP"], "multiple": True})
    crm.call("field.add", {"entityType": "lead", "code": "notes", "title": "Заметки", "type": "string", "multiple": True})
    lead = add(crm, custom={"tags": ["опт", "VIP"], "notes": ["раз", "два"]})
    assert lead["custom"] == {"tags": ["опт", "VIP"], "notes": ["раз", "два"]}
    for bad in ["опт", ["опт", "нет такого"], [1]]:
        with pytest.raises((InvalidValue, InvalidParams)):
            crm.call("lead.update", {"id": lead["id"], "fields": {"custom": {"tags": bad}}})
    found = crm.call("lead.list", {"filter": {"custom.tags": "VIP"}, "count": True})
    assert found["total"] == 1


def test_custom_values_are_merged_and_null_clears(crm):
    crm.call("field.add", {"entityType": "lead", "code": "a", "title": "A", "type": "string"})
    crm.call("field.add", {"entityType": "lead", "code": "b", "title": "B", "type": "integer"})
    lead = add(crm, custom={"a": "x"})
    lead = crm.call("lead.update", {"id": lead["id"], "fields": {"custom": {"b": 2}}})
    assert lead["custom"] == {"a": "x", "b": 2}
    lead = crm.call("lead.update", {"id": lead["id"], "fields": {"custom": {"a": None}}})
    assert lead["custom"].get("a") is None and lead["custom"]["b"] == 2


def test_unknown_custom_code_is_refused(crm):
    with pytest.raises((InvalidParams, InvalidValue)):
        crm.call("lead.add", {"fields": {"title": "x", **contacts(), "custom": {"nope": 1}}})
    assert crm.call("lead.list", {"count": True})["total"] == 0


def test_field_add_list_and_lead_fields(crm):
    field = crm.call("field.add", {"entityType": "lead", "code": "segment", "title": "Сегмент", "type": "enum",
                                   "options": ["A", "B"]})
    assert field["options"] == ["A", "B"]
    error = refused(crm, Conflict, "field.add", {"entityType": "lead", "code": "segment", "title": "x", "type": "string"})
    assert error.reason == "exists"
    assert crm.call("field.list", {"entityType": "lead"})["items"] == [field]
    described = crm.call("lead.fields")
    assert described["custom.segment"]["type"] == "enum" and described["custom.segment"]["isCustom"] is True
    assert described["custom.segment"]["title"] == "Сегмент" and described["custom.segment"]["options"] == ["A", "B"]
    for name in ["title", "name", "lastName", "phones", "emails", "city", "topic", "stageId", "assignedTo", "custom.segment"]:
        assert name in described, name
    assert described["phones"]["type"] == "phones" and described["phones"]["isMultiple"] is True
    assert described["stageId"]["type"] == "stage" and described["title"]["isCustom"] is False
    assert described["id"]["isReadOnly"] is True and described["createdAt"]["isReadOnly"] is True


# ---------------------------------------------------------------------------- lists

ROWS = [  # title, name, lastName, city, source, area, stage, comments
    ("Ремонт офиса", "Иван", "Петров", "Москва", "Сайт", 120, "NEW", None),
    ("Охрана склада", "Пётр", "Иванов", "МОСКВА", None, 300, "QUALIFICATION", None),
    ("Видеонаблюдение", "Анна", "Смирнова", "Санкт-Петербург", "Звонок", 50, "NEW", "Перезвонить в понедельник"),
    ("Ремонт склада", "иван", "Сидоров", "Тверь", "Сайт", None, "OFFER_SENT", None),
    ("Монтаж СКУД", "Мария", "Ёлкина", "Подмосковье", "Выставка", 75, "JUNK", None),
    ("Office repair", "John", "Smith", "London", "Сайт", 120, "NEW", "Call after lunch"),
    ("Охрана офиса", "Ольга", "Кузнецова", "москва", None, 10, "CONSENT", None),
    ("Пожарная сигнализация", "Сергей", "Орлов", "Екатеринбург", "Звонок", 500, "QUALIFICATION", None),
    ("Домофоны", "Елена", "Белова", "Тверь", "Сайт", 120, "NEW", None),
    ("Шлагбаум", "Олег", "Ершов", "Казань", None, None, "MEETING_HELD", "Нужен выезд инженера"),
    ("Турникеты", "Ирина", "Лебедева", "Самара", "Выставка", 220, "QUALIFICATION", None),
    ("Сигнализация квартиры", "Дмитрий", "Новиков", "Москва", "Сайт", 65, "NEW", None),
]


@pytest.fixture
def dataset(crm):
    """The ROWS as leads, each as a dict of its values and its id."""
    crm.call("field.add", {"entityType": "lead", "code": "area", "title": "Площадь", "type": "integer"})
    calls = []
    for i, (title, name, last, city, source, area, stage, comments) in enumerate(ROWS):
        fields = {"title": title, "name": name, "lastName": last, **contacts(i, city=city), "stageId": stage}
        fields.update({k: v for k, v in [("source", source), ("comments", comments)] if v is not None})
        if area is not None:
            fields["custom"] = {"area": area}
        calls.append(("lead.add", {"fields": fields}))
    leads = crm.raw.pipeline(calls)
    assert not [x for x in leads if isinstance(x, Exception)], leads
    return [dict(id=lead["id"], title=r[0], name=r[1], lastName=r[2], city=r[3], source=r[4], area=r[5], stageId=r[6],
                 comments=r[7], createdAt=lead["createdAt"]) for lead, r in zip(leads, ROWS)]


def listed_ids(crm, **params):
    result = crm.call("lead.list", {"limit": 500, "count": True, **params})
    assert result["total"] == len(result["items"]) and result["next"] is None
    return {item["id"] for item in result["items"]}


FILTERS = [
    ({"city": "Тверь"}, lambda r: r["city"] == "Тверь"),
    ({"=city": "Тверь"}, lambda r: r["city"] == "Тверь"),
    ({"!city": "Тверь"}, lambda r: r["city"] != "Тверь"),
    ({"%city": "моск"}, lambda r: "моск" in r["city"].lower()),
    ({"%city": "МОСК"}, lambda r: "моск" in r["city"].lower()),
    ({"%city": "МоСкВа"}, lambda r: "москва" in r["city"].lower()),
    ({"%title": "СКЛАД"}, lambda r: "склад" in r["title"].lower()),
    ({"%lastName": "ЁЛК"}, lambda r: "ёлк" in r["lastName"].lower()),
    ({"%name": "иван"}, lambda r: "иван" in r["name"].lower()),
    ({"@stageId": ["NEW", "QUALIFICATION"]}, lambda r: r["stageId"] in ("NEW", "QUALIFICATION")),
    ({"!@stageId": ["NEW", "QUALIFICATION"]}, lambda r: r["stageId"] not in ("NEW", "QUALIFICATION")),
    ({"source": None}, lambda r: r["source"] is None),
    ({"!source": None}, lambda r: r["source"] is not None),
    ({"!source": "Сайт"}, lambda r: r["source"] != "Сайт"),
    ({"@source": ["Звонок", "Выставка"]}, lambda r: r["source"] in ("Звонок", "Выставка")),
    ({"custom.area": 120}, lambda r: r["area"] == 120),
    ({">custom.area": 120}, lambda r: r["area"] is not None and r["area"] > 120),
    ({">=custom.area": 120}, lambda r: r["area"] is not None and r["area"] >= 120),
    ({"<custom.area": 75}, lambda r: r["area"] is not None and r["area"] < 75),
    ({"<=custom.area": 75}, lambda r: r["area"] is not None and r["area"] <= 75),
    ({"custom.area": None}, lambda r: r["area"] is None),
    ({"@custom.area": [10, 500]}, lambda r: r["area"] in (10, 500)),
    ({"%city": "моск", "@stageId": ["NEW", "QUALIFICATION"]},
     lambda r: "моск" in r["city"].lower() and r["stageId"] in ("NEW", "QUALIFICATION")),
    ({"stageSemantic": "failure"}, lambda r: r["stageId"] == "JUNK"),
    ({"%comments": "ПЕРЕЗВОН"}, lambda r: r["comments"] is not None and "перезвон" in r["comments"].lower()),
]


@pytest.mark.parametrize("filter_,predicate", FILTERS, ids=[str(f[0]) for f in FILTERS])
def test_list_filters(crm, dataset, filter_, predicate):
    expected = {r["id"] for r in dataset if predicate(r)}
    assert expected, "a filter test should match something"
    assert listed_ids(crm, filter=filter_) == expected


def test_list_filters_on_id_and_dates(crm, dataset):
    middle = dataset[5]["id"]
    assert listed_ids(crm, filter={">=id": middle}) == {r["id"] for r in dataset if r["id"] >= middle}
    assert listed_ids(crm, filter={"<id": middle}) == {r["id"] for r in dataset if r["id"] < middle}
    first = min(r["createdAt"] for r in dataset)
    assert listed_ids(crm, filter={">=createdAt": first}) == {r["id"] for r in dataset}
    assert listed_ids(crm, filter={"<createdAt": "2000-01-01T00:00:00Z"}) == set()


@pytest.mark.parametrize("query,expected_titles", [
    ("склада", {"Охрана склада", "Ремонт склада"}),
    ("СКЛАДА", {"Охрана склада", "Ремонт склада"}),
    ("ремонт", {"Ремонт офиса", "Ремонт склада"}),
    ("понедельник", {"Видеонаблюдение"}),
    ("ИНЖЕНЕРА", {"Шлагбаум"}),
    ("ёлкина", {"Монтаж СКУД"}),
    ("ЁЛКИНА", {"Монтаж СКУД"}),
    ("Дмитрий", {"Сигнализация квартиры"}),
    ("lunch", {"Office repair"}),
])
def test_search_is_case_insensitive_and_cyrillic(crm, dataset, query, expected_titles):
    ids = listed_ids(crm, search=query)
    assert {r["title"] for r in dataset if r["id"] in ids} == expected_titles


def test_search_finds_nothing_for_an_absent_word(crm, dataset):
    assert listed_ids(crm, search="несуществующееслово") == set()


def pages(crm, **params):
    """Every page of a list, following `next`."""
    out, cursor = [], None
    for _ in range(1000):
        page = crm.call("lead.list", {**params, "cursor": cursor})
        out.append(page)
        cursor = page["next"]
        if cursor is None:
            return out
    raise AssertionError("pagination does not end")


def key_of(row, field):
    return {"custom.area": row["area"]}.get(field, row.get(field))


@pytest.mark.parametrize("order", [
    {"title": "asc"}, {"title": "desc"}, {"stageId": "asc"}, {"id": "desc"}, {"createdAt": "asc"},
    [{"stageId": "asc"}, {"title": "desc"}], [{"updatedAt": "desc"}, {"title": "asc"}], {"updatedAt": "asc"},
])
def test_order_and_cursor_visit_every_row_exactly_once(crm, dataset, order):
    for limit in (1, 2, 5, 500):
        got = pages(crm, order=order, limit=limit, select=["title"])
        seen = [item["id"] for page in got for item in page["items"]]
        assert sorted(seen) == sorted(r["id"] for r in dataset), f"each row exactly once (limit {limit}): {seen}"
        assert all(len(p["items"]) == limit for p in got[:-1])
        assert_ordered(dataset, order, seen)


def assert_ordered(dataset, order, seen):
    rows = {r["id"]: r for r in dataset}
    keys = order if isinstance(order, list) else [order]
    for a, b in zip(seen, seen[1:]):
        for spec in keys:
            (field, direction), = spec.items()
            x, y = key_of(rows[a], field), key_of(rows[b], field)
            if x == y:
                continue
            if x is None or y is None:  # where nulls go is the server's choice, but it must be one end
                break
            assert (x < y) if direction == "asc" else (x > y), (field, direction, rows[a], rows[b])
            break
    first_field = next(iter(keys[0]))
    nulls = [key_of(rows[i], first_field) is None for i in seen]
    assert nulls == sorted(nulls) or nulls == sorted(nulls, reverse=True), "nulls together at one end"


def test_default_page_size_and_count(crm):
    created = crm.raw.pipeline([("lead.add", {"fields": {"title": f"L{i:03d}", **contacts(i)}}) for i in range(60)])
    first = crm.call("lead.list")
    assert len(first["items"]) == 50 and first["next"] is not None and "total" not in first
    second = crm.call("lead.list", {"cursor": first["next"], "count": True})
    assert len(second["items"]) == 10 and second["next"] is None and second["total"] == 60
    assert {i["id"] for i in first["items"] + second["items"]} == {c["id"] for c in created}


def test_pages_of_a_filtered_list_report_the_total(crm, dataset):
    expected = {r["id"] for r in dataset if "моск" in r["city"].lower()}
    got = pages(crm, filter={"%city": "моск"}, order={"title": "asc"}, limit=1, count=True)
    assert {p["items"][0]["id"] for p in got if p["items"]} == expected
    assert all(p["total"] == len(expected) for p in got)


def test_select_returns_only_the_chosen_fields(crm, dataset):
    result = crm.call("lead.list", {"select": ["title", "city"], "limit": 500})
    assert all(set(item) == {"id", "title", "city"} for item in result["items"]), result["items"][:2]
    by_id = {r["id"]: r for r in dataset}
    assert all(item["title"] == by_id[item["id"]]["title"] for item in result["items"])
    result = crm.call("lead.list", {"select": ["custom.area", "phones"], "limit": 500})
    for item in result["items"]:
        assert set(item) <= {"id", "custom", "phones"} and "phones" in item, item
        assert item.get("custom", {}).get("area") == by_id[item["id"]]["area"], item
    full = crm.call("lead.list", {"limit": 1})["items"][0]
    assert full == crm.call("lead.get", {"id": full["id"]})


@pytest.mark.parametrize("params,where", [
    ({"filter": {"nosuchfield": 1}}, "/filter"),
    ({"filter": {"%nosuchfield": "x"}}, "/filter"),
    ({"filter": {"custom.nosuch": 1}}, "/filter"),
    ({"order": {"nosuchfield": "asc"}}, "/order"),
    ({"select": ["nosuchfield"]}, "/select"),
    ({"filter": {"@stageId": "NEW"}}, "/filter"),
    ({"order": {"title": "up"}}, "/order"),
    ({"limit": 501}, "/limit"),
])
def test_unknown_or_malformed_list_params_are_invalid_params(crm, dataset, params, where):
    error = refused(crm, InvalidParams, "lead.list", params)
    assert any(e["path"].startswith(where) for e in error.errors), error.errors


# ---------------------------------------------------------------------------- timeline

def test_timeline_records_changes_with_old_and_new_values(crm):
    crm.call("field.add", {"entityType": "lead", "code": "area", "title": "Площадь", "type": "integer"})
    lead = add(crm)
    crm.call("lead.update", {"id": lead["id"], "fields": {"city": "Тверь", "custom": {"area": 40}}})
    crm.call("lead.update", {"id": lead["id"], "fields": {"phones": [{"value": "+7 900 123-45-67"}]}})
    move(crm, crm.call("lead.get", {"id": lead["id"]}), "QUALIFICATION")
    comment = crm.call("comment.add", {"entityType": "lead", "id": lead["id"], "text": "Позвонить завтра"})
    assert comment["type"] == "comment" and comment["data"] == {"text": "Позвонить завтра"}
    assert comment["entityId"] == lead["id"] and comment["entityType"] == "lead"

    entries = timeline(crm, lead["id"])
    assert [e["type"] for e in entries] == ["comment", "stageChanged", "updated", "updated", "created"]
    assert entries[0] == comment
    ids = [e["id"] for e in entries]
    assert ids == sorted(ids, reverse=True) and [e["at"] for e in entries] == sorted((e["at"] for e in entries), reverse=True)
    assert entries[1]["data"]["from"] == "NEW" and entries[1]["data"]["to"] == "QUALIFICATION"
    changes = {c["field"]: (c["old"], c["new"]) for c in entries[3]["data"]["changes"]}
    assert changes == {"city": ("Москва", "Тверь"), "custom.area": (None, 40)}
    (phone_change,) = entries[2]["data"]["changes"]
    assert phone_change["field"] == "phones"
    assert phone_change["old"] == lead["phones"] and phone_change["new"] == [{"value": "+7 900 123-45-67", "type": "WORK"}]
    assert all(e["entityId"] == lead["id"] and e["entityType"] == "lead" for e in entries)


def test_timeline_pages(crm):
    lead = add(crm)
    for i in range(7):
        crm.call("comment.add", {"entityType": "lead", "id": lead["id"], "text": f"Комментарий {i}"})
    paged = timeline(crm, lead["id"], limit=2)
    assert paged == timeline(crm, lead["id"])
    assert len(paged) == 8 and len({e["id"] for e in paged}) == 8


def test_timeline_and_comment_of_a_missing_lead(crm):
    refused(crm, NotFound, "timeline.list", {"entityType": "lead", "id": 4040})
    refused(crm, NotFound, "comment.add", {"entityType": "lead", "id": 4040, "text": "x"})


def test_refusals_leave_no_trace_in_the_timeline(crm):
    lead = add(crm)
    refused(crm, Conflict, "lead.update", {"id": lead["id"], "fields": {"city": "Тверь"}, "expectedVersion": 5})
    refused(crm, RequiredFieldsMissing, "lead.update", {"id": lead["id"], "fields": {"topic": None}})
    with pytest.raises(InvalidParams):
        crm.call("lead.update", {"id": lead["id"], "fields": {"phones": "x"}})
    assert [e["type"] for e in timeline(crm, lead["id"])] == ["created"]
    assert crm.call("lead.get", {"id": lead["id"]}) == lead


# ---------------------------------------------------------------------------- concurrency and text

def in_threads(count, work):
    """Runs work(k) in `count` threads at once; returns the results (or exceptions) by k."""
    results = [None] * count
    barrier = threading.Barrier(count)

    def run(k):
        barrier.wait()
        try:
            results[k] = work(k)
        except Exception as error:  # noqa: BLE001 - returned to the test
            results[k] = error
    threads = [threading.Thread(target=run, args=(k,)) for k in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


def test_concurrent_adds_from_many_connections(crm, server):
    def work(k):
        with server.client() as c:
            return [c.call("lead.add", {"fields": {"title": f"W{k}-{i}", **contacts(i)}})["id"] for i in range(20)]
    results = in_threads(16, work)
    assert not [r for r in results if isinstance(r, Exception)], results
    ids = [i for r in results for i in r]
    assert len(set(ids)) == 320
    assert crm.call("lead.list", {"count": True, "limit": 1})["total"] == 320


def test_concurrent_retries_with_one_idempotency_key_make_one_lead(crm, server):
    def work(k):
        with server.client() as c:
            return c.call("lead.add", {"fields": {"title": "Заявка", **contacts()}, "idempotencyKey": "race-1"})["id"]
    results = in_threads(12, work)
    assert len(set(results)) == 1 and not isinstance(results[0], Exception), results
    assert crm.call("lead.list", {"count": True})["total"] == 1


def test_concurrent_updates_with_one_expected_version_let_exactly_one_win(crm, server):
    lead = add(crm)

    def work(k):
        with server.client() as c:
            return c.call("lead.update", {"id": lead["id"], "fields": {"title": f"T{k}"}, "expectedVersion": 1})
    results = in_threads(12, work)
    winners = [r for r in results if isinstance(r, dict)]
    assert len(winners) == 1, results
    assert all(isinstance(r, Conflict) and r.reason == "version" for r in results if not isinstance(r, dict)), results
    assert crm.call("lead.get", {"id": lead["id"]}) == winners[0]


@pytest.mark.parametrize("text", ["a\u0000b", "😀 𝔸 \u2028 \u2029", "кавычки \" \\ ' «»", "  пробелы  ", "x" * 500])
def test_text_round_trips_exactly(crm, text):
    lead = crm.call("lead.add", {"fields": {"title": text, "comments": text * 3, **contacts()}})
    assert crm.call("lead.get", {"id": lead["id"]})["title"] == lead["title"]
    assert lead["title"].strip() == text.strip() and lead["comments"].strip() == (text * 3).strip()
