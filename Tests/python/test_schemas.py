"""The JSON Schemas in Schemas/: well-formed draft 2020-12, linked, and saying what API.md says."""
import importlib.machinery
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "Schemas"
BASE = "https://schemas.crmd.dev/"
DIALECT = "https://json-schema.org/draft/2020-12/schema"
APPLICATION_ERRORS = {1001, 1002, 1003, 1004, 1005, 1006, 1007}

METHODS = [
    "rpc.discover", "server.info",
    "user.add", "user.get", "user.list",
    "lead.add", "lead.get", "lead.update", "lead.delete", "lead.list", "lead.fields",
    "field.add", "field.list",
    "pipeline.list", "pipeline.add", "stage.add", "stage.update",
    "timeline.list", "comment.add",
]

PATHS = sorted(SCHEMAS.rglob("*.json"))
REL = [p.relative_to(SCHEMAS).as_posix() for p in PATHS]


def load(rel):
    return json.loads((SCHEMAS / rel).read_text(encoding="utf-8"))


DOCS = {rel: load(rel) for rel in REL}
METHOD_FILES = [rel for rel in REL if rel.startswith("methods/")]
REGISTRY = Registry().with_resources(
    (doc["$id"], Resource.from_contents(doc, default_specification=DRAFT202012)) for doc in DOCS.values()
)


def validator(uri):
    """A validator for the schema at `uri` (a full URI with a fragment) using every document."""
    return Draft202012Validator({"$ref": uri}, registry=REGISTRY,
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def params(method):
    return validator(f"{BASE}methods/{method}.json#/$defs/params")


def result(method):
    return validator(f"{BASE}methods/{method}.json#/$defs/result")


def refs(node, path=""):
    """Every `$ref` in a document, with the JSON Pointer of the object holding it."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield path, value
            else:
                yield from refs(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from refs(value, f"{path}/{i}")


# ---------------------------------------------------------------------------- documents

def test_every_method_has_a_file():
    assert sorted(f"methods/{m}.json" for m in METHODS) == sorted(METHOD_FILES)
    assert {"common.json", "lead.json"} <= set(REL)


@pytest.mark.parametrize("rel", REL)
def test_parses_without_duplicate_keys(rel):
    def no_duplicates(pairs):
        keys = [k for k, _ in pairs]
        assert len(keys) == len(set(keys)), f"duplicate keys in {rel}"
        return dict(pairs)
    json.loads((SCHEMAS / rel).read_text(encoding="utf-8"), object_pairs_hook=no_duplicates)


@pytest.mark.parametrize("rel", REL)
def test_is_a_valid_draft_2020_12_schema(rel):
    doc = DOCS[rel]
    assert doc["$schema"] == DIALECT
    Draft202012Validator.check_schema(doc)


@pytest.mark.parametrize("rel", REL)
def test_id_matches_path(rel):
    assert DOCS[rel]["$id"] == BASE + rel


@pytest.mark.parametrize("rel", REL)
def test_every_ref_resolves(rel):
    doc = DOCS[rel]
    found = list(refs(doc))
    resolver = REGISTRY.resolver(base_uri=doc["$id"])
    for where, ref in found:
        assert not ref.startswith("http"), f"{rel}{where}: use a relative $ref, not {ref}"
        resolved = resolver.lookup(ref)
        assert isinstance(resolved.contents, dict), f"{rel}{where}: {ref} is not a schema"
        target = urljoin(doc["$id"], ref).split("#")[0]
        assert target in (d["$id"] for d in DOCS.values()), f"{rel}{where}: {ref} leaves Schemas/"


@pytest.mark.parametrize("rel", METHOD_FILES)
def test_method_file_shape(rel):
    doc = DOCS[rel]
    name = rel.removeprefix("methods/").removesuffix(".json")
    assert doc["title"] == name
    assert isinstance(doc["description"], str) and 10 <= len(doc["description"]) <= 600
    errors = doc["x-errors"]
    assert errors == sorted(set(errors)) and set(errors) <= APPLICATION_ERRORS
    p = doc["$defs"]["params"]
    assert p["type"] == "object"
    assert p["additionalProperties"] is False
    assert set(p.get("required", [])) <= set(p.get("properties", {}))
    assert "result" in doc["$defs"]


def test_error_codes_in_common_describe_every_application_error():
    codes = DOCS["common.json"]["x-errorCodes"]
    assert {int(c) for c in codes} == APPLICATION_ERRORS
    resolver = REGISTRY.resolver(base_uri=BASE + "common.json")
    for entry in codes.values():
        resolver.lookup(entry["data"]["$ref"])


# ---------------------------------------------------------------------------- samples

NOW = "2026-11-29T10:15:00Z"
PHONE = {"value": "+79161234567", "type": "WORK"}


def lead_record(**changes):
    record = {
        "id": 1, "title": "Ремонт офиса", "name": "Иван", "secondName": None, "lastName": "Петров",
        "companyTitle": None, "city": "Москва", "topic": "Охрана", "source": None, "comments": None,
        "phones": [PHONE], "emails": [{"value": "ivan@example.ru", "type": "WORK"}],
        "clientType": "ip", "requisites": None, "assignedTo": 1, "stageId": "NEW", "custom": {},
        "createdAt": NOW, "updatedAt": NOW, "createdBy": 1, "updatedBy": None, "version": 1,
        "pipelineId": 1, "stageSemantic": "process", "convertedAt": None,
    }
    record.update(changes)
    return record


STAGE = {"id": "NEW", "title": "Новый", "semantic": "process", "sort": 10,
         "requiredFields": ["phones", "emails", "city", "topic"]}
PIPELINE = {"id": 1, "entityType": "lead", "title": "Лиды", "isDefault": True, "stages": [STAGE]}
ENTRY = {"id": 5, "entityType": "lead", "entityId": 1, "type": "comment", "at": NOW, "authorId": None,
         "data": {"text": "Позвонить завтра"}}
USER = {"id": 1, "name": "Анна", "email": None, "active": True, "createdAt": NOW}
CUSTOM_FIELD = {"entityType": "lead", "code": "site_address", "title": "Адрес объекта", "type": "address",
                "multiple": False, "options": [], "createdAt": NOW}

PARAMS = {
    "rpc.discover": ([{}], [{"x": 1}]),
    "server.info": ([{}], [{"verbose": True}]),
    "user.add": (
        [{"fields": {"name": "Анна"}}, {"fields": {"name": "Анна", "email": "anna@example.ru"}, "idempotencyKey": "k1"}],
        [{}, {"fields": {}}, {"fields": {"name": ""}}, {"fields": {"name": "A", "email": "not an address"}},
         {"fields": {"name": "A", "role": "admin"}}],
    ),
    "user.get": ([{"id": 1}], [{}, {"id": 0}, {"id": "1"}, {"id": 1.5}]),
    "user.list": ([{}], [{"limit": 5}]),
    "lead.add": (
        [
            {"fields": {"title": "x", "phones": [PHONE]}},
            {"fields": {}},
            {"fields": {"title": "x", "phones": [{"value": "+7 916 123-45-67"}], "emails": [{"value": "a@b.ru", "type": "HOME"}],
                        "city": "Москва", "topic": "Охрана", "clientType": "company", "assignedTo": None,
                        "requisites": {"inn": "7707083893", "kpp": "773601001", "opf": "ООО", "registrationDate": "1991-06-20"},
                        "stageId": "QUALIFICATION", "custom": {"site_address": "ул. Ленина, 1", "area_m2": 120}},
             "idempotencyKey": "form-42"},
            {"fields": {"name": None, "comments": "я" * 20000}},
        ],
        [
            {"fields": {"title": "x", "phones": "x"}},
            {"fields": {"title": "x"}, "extra": 1},
            {},
            {"fields": {"unknown": "x"}},
            {"fields": {"title": "x" * 501}},
            {"fields": {"phones": [{"value": "", "type": "WORK"}]}},
            {"fields": {"phones": [{"value": "1", "type": "FAX"}]}},
            {"fields": {"phones": [{"type": "WORK"}]}},
            {"fields": {"emails": [{"value": "nobody"}]}},
            {"fields": {"clientType": "government"}},
            {"fields": {"stageId": "new"}},
            {"fields": {"assignedTo": 0}},
            {"fields": {"custom": {"Bad-Code": 1}}},
            {"fields": {"requisites": {"inn": "1", "bik": "044525225"}}},
            {"fields": {"requisites": {"registrationDate": "20.06.1991"}}},
            {"fields": {"title": "x"}, "idempotencyKey": ""},
        ],
    ),
    "lead.get": ([{"id": 7}], [{}, {"id": -1}, {"id": 7, "select": ["title"]}]),
    "lead.update": (
        [{"id": 1, "fields": {"stageId": "OFFER_SENT"}},
         {"id": 1, "fields": {"stageId": "CONSENT", "city": "Тверь"}, "expectedVersion": 3}],
        [{"id": 1}, {"fields": {}}, {"id": 1, "fields": {}, "expectedVersion": 0},
         {"id": 1, "fields": {"version": 2}}, {"id": 1, "fields": {"pipelineId": 2}}],
    ),
    "lead.delete": ([{"id": 1}], [{}, {"id": None}]),
    "lead.list": (
        [
            {},
            {"filter": {">=createdAt": NOW, "@stageId": ["NEW", "QUALIFICATION"], "%city": "моск", "custom.area_m2": 10,
                        "!@clientType": ["person"], "assignedTo": None, "=title": "x", "!stageSemantic": "failure"},
             "search": "Иван", "order": [{"createdAt": "desc"}, {"id": "asc"}], "select": ["title", "phones", "custom.area_m2"],
             "limit": 500, "cursor": "opaque", "count": True},
            {"cursor": None, "limit": 1},
        ],
        [
            {"filter": {"drop table": 1}},
            {"filter": {"@stageId": "NEW"}},
            {"filter": {"stageId": ["NEW"]}},
            {"filter": {"=>createdAt": NOW}},
            {"filter": {"title": {"$ne": 1}}},
            {"filter": []},
            {"order": {"title": "up"}},
            {"order": {"a": "asc", "b": "asc"}},
            {"order": {"bad name": "asc"}},
            {"select": ["title", "title"]},
            {"select": ["custom."]},
            {"limit": 0}, {"limit": 501}, {"limit": "50"},
            {"search": ""},
            {"count": "yes"},
            {"page": 2},
        ],
    ),
    "lead.fields": ([{}], [{"entityType": "lead"}]),
    "field.add": (
        [{"entityType": "lead", "code": "site_address", "title": "Адрес объекта", "type": "address"},
         {"entityType": "lead", "code": "acceptance_period", "title": "Срок подписания акта", "type": "integer", "required": True},
         {"entityType": "lead", "code": "segment", "title": "Сегмент", "type": "enum", "options": ["A", "B"], "multiple": True}],
        [{"entityType": "lead", "code": "segment", "title": "Сегмент", "type": "enum"},
         {"entityType": "lead", "code": "segment", "title": "Сегмент", "type": "enum", "options": []},
         {"entityType": "lead", "code": "Segment", "title": "x", "type": "string"},
         {"entityType": "lead", "code": "1st", "title": "x", "type": "string"},
         {"entityType": "lead", "code": "a" * 65, "title": "x", "type": "string"},
         {"entityType": "lead", "code": "x", "title": "", "type": "string"},
         {"entityType": "lead", "code": "x", "title": "x", "type": "float"},
         {"entityType": "invoice", "code": "x", "title": "x", "type": "string"},
         {"entityType": "lead", "code": "x", "title": "x"}],
    ),
    "field.list": ([{"entityType": "lead"}], [{}, {"entityType": "user"}]),
    "pipeline.list": ([{"entityType": "lead"}, {"entityType": "lead"}], [{}, {"entityType": "contact"}]),
    "pipeline.add": (
        [{"entityType": "lead", "title": "Монтаж"},
         {"entityType": "lead", "title": "Монтаж", "stages": [
             {"title": "Новая"}, {"id": "C2:WON", "title": "Успех", "semantic": "success", "sort": 100},
             {"id": "C2:LOSE", "title": "Провал", "semantic": "failure", "requiredFields": ["comments"]}]}],
        [{"entityType": "lead"}, {"entityType": "lead", "title": "x", "stages": []},
         {"entityType": "lead", "title": "x", "stages": [{"id": "WON"}]},
         {"entityType": "lead", "title": "x", "stages": [{"title": "x", "semantic": "won"}]},
         {"entityType": "lead", "title": "x", "isDefault": True}],
    ),
    "stage.add": (
        [{"pipelineId": 1, "title": "Проверка"},
         {"pipelineId": 1, "id": "CHECK", "title": "Проверка", "semantic": "process", "sort": 25,
          "requiredFields": ["city", "custom.site_address"]}],
        [{"title": "x"}, {"pipelineId": 1}, {"pipelineId": 1, "title": "x", "id": "check"},
         {"pipelineId": 1, "title": "x", "requiredFields": ["city", "city"]},
         {"pipelineId": 1, "title": "x", "requiredFields": "city"}],
    ),
    "stage.update": (
        [{"pipelineId": 1, "stageId": "OFFER_SENT", "requiredFields": ["custom.offer_sum"]},
         {"pipelineId": 1, "stageId": "NEW", "title": "Новый лид", "sort": 5, "semantic": "process"}],
        [{"pipelineId": 1}, {"pipelineId": 1, "stageId": "NEW", "id": "OTHER"},
         {"pipelineId": 1, "stageId": "NEW", "sort": "5"}],
    ),
    "timeline.list": (
        [{"entityType": "lead", "id": 1}, {"entityType": "lead", "id": 2, "limit": 10, "cursor": "c"}],
        [{"entityType": "lead"}, {"entityType": "lead", "id": 1, "filter": {}}, {"entityType": "lead", "id": 1, "limit": 0}],
    ),
    "comment.add": (
        [{"entityType": "lead", "id": 1, "text": "Позвонить завтра"}],
        [{"entityType": "lead", "id": 1, "text": ""}, {"entityType": "lead", "id": 1},
         {"entityType": "lead", "id": 1, "text": "x" * 20001}],
    ),
}

RESULTS = {
    "rpc.discover": ([{"openrpc": "1.3.2", "info": {"title": "crmd", "version": "0.1.0"}, "methods": [{"name": "lead.add"}]}],
                     [{"openrpc": "1.3.2", "info": {"title": "crmd", "version": "0.1.0"}}, []]),
    "server.info": ([{"name": "crmd", "version": "0.1.0", "schemaVersion": 3, "databasePath": "/tmp/crmd.sqlite",
                      "startedAt": NOW, "uptimeMs": 12}],
                    [{"name": "other", "version": "0.1.0", "schemaVersion": 3, "databasePath": "/x", "startedAt": NOW, "uptimeMs": 1},
                     {"name": "crmd", "version": "0.1.0", "schemaVersion": 3, "databasePath": "/x",
                      "startedAt": "2026-11-29T13:15:00+03:00", "uptimeMs": 1}]),
    "user.add": ([USER], [{**USER, "email": "x"}, {k: v for k, v in USER.items() if k != "active"}]),
    "user.list": ([{"items": [USER]}, {"items": []}], [[USER], {"items": [USER], "next": None}]),
    "lead.add": (
        [lead_record(), lead_record(requisites={"inn": "7707083893"}, custom={"area_m2": "120"}, convertedAt=NOW,
                                    stageId="CONVERTED", stageSemantic="success")],
        [{"id": 1, "title": "x"}, lead_record(extra=1), lead_record(phones=None), lead_record(createdAt="2026-11-29 10:15:00"),
         lead_record(version=0), {k: v for k, v in lead_record().items() if k != "city"}],
    ),
    "lead.list": (
        [{"items": [{"id": 1, "title": "x"}, lead_record(id=2)], "next": "abc"},
         {"items": [], "next": None, "total": 0}],
        [{"items": [{"title": "x"}], "next": None}, {"items": [], "next": None, "total": -1}, {"items": []},
         {"items": [], "next": None, "page": 1}, {"items": [{"id": 1, "bogus": 1}], "next": None}],
    ),
    "lead.delete": ([{"id": 1, "deleted": True}], [{"id": 1, "deleted": False}, {"id": 1}]),
    "lead.fields": (
        [{"title": {"type": "string", "title": "Название", "isRequired": False, "isReadOnly": False, "isMultiple": False, "isCustom": False},
          "phones": {"type": "phones", "title": "Телефон", "isRequired": False, "isReadOnly": False, "isMultiple": True, "isCustom": False},
          "custom.segment": {"type": "enum", "title": "Сегмент", "isRequired": False, "isReadOnly": False, "isMultiple": False,
                             "isCustom": True, "options": ["A", "B"]}}],
        [{"title": {"type": "string"}}, {"bad name": {"type": "string", "title": "x", "isRequired": False, "isReadOnly": False,
                                                      "isMultiple": False, "isCustom": False}}],
    ),
    "field.add": ([CUSTOM_FIELD, {**CUSTOM_FIELD, "required": True}], [{**CUSTOM_FIELD, "type": "phone"}, {**CUSTOM_FIELD, "options": None}]),
    "pipeline.list": ([{"items": [PIPELINE]}],
                      [{"items": [{**PIPELINE, "stages": [{**STAGE, "semantic": "won"}]}]},
                       {"items": [{k: v for k, v in PIPELINE.items() if k != "isDefault"}]}]),
    "stage.update": ([PIPELINE], [{**PIPELINE, "stages": [{k: v for k, v in STAGE.items() if k != "requiredFields"}]}]),
    "timeline.list": ([{"items": [ENTRY, {**ENTRY, "type": "stageChanged", "authorId": 1, "data": {"from": "NEW", "to": "QUALIFICATION"}}],
                        "next": None}],
                      [{"items": [{**ENTRY, "type": "edited"}], "next": None}, {"items": [{**ENTRY, "data": "x"}], "next": None}]),
    "comment.add": ([ENTRY], [{**ENTRY, "at": "yesterday"}]),
}


def cases(table):
    for method, (good, bad) in table.items():
        for i, instance in enumerate(good):
            yield pytest.param(method, instance, True, id=f"{method}-valid-{i}")
        for i, instance in enumerate(bad):
            yield pytest.param(method, instance, False, id=f"{method}-invalid-{i}")


@pytest.mark.parametrize("method,instance,valid", cases(PARAMS))
def test_params_samples(method, instance, valid):
    errors = list(params(method).iter_errors(instance))
    assert (not errors) == valid, [e.message for e in errors] or "expected an error"


@pytest.mark.parametrize("method,instance,valid", cases(RESULTS))
def test_result_samples(method, instance, valid):
    errors = list(result(method).iter_errors(instance))
    assert (not errors) == valid, [e.message for e in errors] or "expected an error"


def test_every_method_has_param_samples_both_ways():
    for method in METHODS:
        good, bad = PARAMS[method]
        assert good and bad, method


def test_lead_record_requires_every_key_the_list_item_knows():
    lead = DOCS["lead.json"]["$defs"]
    assert set(lead["Lead"]["required"]) == set(lead["LeadListItem"]["properties"])
    assert set(lead["LeadFields"]["properties"]) < set(lead["LeadListItem"]["properties"])


@pytest.mark.parametrize("name,value,valid", [
    ("Timestamp", "2026-11-29T10:15:00Z", True), ("Timestamp", "2026-11-29T10:15:00.123Z", True),
    ("Timestamp", "2026-11-29T10:15:00+00:00", False), ("Timestamp", "2026-11-29", False),
    ("Date", "2026-11-29", True), ("Date", "29.11.2026", False),
    ("Decimal", "1.5", True), ("Decimal", "-3", True), ("Decimal", "1.", False), ("Decimal", 1.5, False),
    ("Decimal", "1e3", False), ("Decimal", "١", False),
    ("MoneyAmount", "12500.00", True), ("MoneyAmount", "-0.5", True), ("MoneyAmount", "1.005", False),
    ("MoneyAmount", "1234567890123456", False),
    ("Currency", "RUB", True), ("Currency", "rub", False),
    ("FieldName", "city", True), ("FieldName", "custom.site_address", True), ("FieldName", "custom.", False),
    ("FieldName", "1st", False), ("FieldName", "a.b.c", False),
    ("StageId", "C2:WON", True), ("StageId", "won", False),
    ("Id", 1, True), ("Id", 0, False), ("Id", True, False),
])
def test_common_defs(name, value, valid):
    errors = list(validator(f"{BASE}common.json#/$defs/{name}").iter_errors(value))
    assert (not errors) == valid


# ---------------------------------------------------------------------------- embedding

def embed_module():
    path = ROOT / "scripts" / "embed-schemas"
    loader = importlib.machinery.SourceFileLoader("embed_schemas", str(path))
    spec = importlib.util.spec_from_loader("embed_schemas", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_embedded_swift_file_is_up_to_date():
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "embed-schemas"), "--check"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


@pytest.mark.parametrize("text", ['{"a": "#"}', '{"$ref": "#/x"}', '"##\\##', '"""#', "plain"])
def test_raw_literal_cannot_be_ended_or_escaped_by_its_content(text):
    literal = embed_module().raw_literal(text)
    hashes = literal[: literal.index('"')]
    assert literal == f'{hashes}"""\n{text}\n"""{hashes}'
    assert f'"{hashes}' not in text and f"\\{hashes}" not in text
