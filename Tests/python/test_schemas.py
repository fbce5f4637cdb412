"""The JSON Schemas in Schemas/: well-formed draft 2020-12, linked, and saying what API.md says."""
import importlib.machinery
import importlib.util
import json
import re
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
APPLICATION_ERRORS = {1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008}
SHARED = {"common.json", "event.json", "notification.json", "sms.json", "lead.json", "contact.json", "company.json", "deal.json", "requisite.json", "automation.json",
          "product.json", "invoice.json", "activity.json", "exchange.json"}

METHODS = [
    "rpc.discover", "server.info",
    "user.add", "user.get", "user.list", "user.update", "user.deactivate", "user.current",
    "department.add", "department.get", "department.update", "department.list", "department.delete",
    "token.add", "token.list", "token.revoke", "session.login", "event.list", "event.subscribe", "event.unsubscribe",
    "webhook.add", "webhook.list", "webhook.update", "webhook.delete", "webhook.deliveries", "webhook.redeliver",
    "notification.list", "notification.markRead", "notification.rules", "notification.setRules",
    "sms.send", "sms.get", "sms.list", "sms.status", "settings.sms",
    "role.add", "role.get", "role.update", "role.list", "role.delete", "user.setRoles", "department.setRoles",
    "lead.add", "lead.get", "lead.update", "lead.delete", "lead.list", "lead.fields",
    "field.add", "field.list",
    "pipeline.list", "pipeline.add", "stage.add", "stage.update",
    "timeline.list", "comment.add",
    "contact.add", "contact.get", "contact.update", "contact.delete", "contact.list", "contact.fields", "contact.merge",
    "company.add", "company.get", "company.update", "company.delete", "company.list", "company.fields", "company.merge",
    "deal.add", "deal.get", "deal.update", "deal.delete", "deal.list", "deal.fields",
    "duplicate.find", "lead.convert",
    "requisite.add", "requisite.get", "requisite.update", "requisite.delete", "requisite.list", "requisite.lookup",
    "bankDetail.add", "bankDetail.update", "bankDetail.delete", "bankDetail.list", "registry.import",
    "automation.add", "automation.get", "automation.update", "automation.delete", "automation.list", "automation.log",
    "product.add", "product.get", "product.update", "product.delete", "product.list", "product.fields",
    "deal.productRows.set", "deal.productRows.get", "settings.get", "settings.update",
    "invoice.createFromDeal", "invoice.get", "invoice.render", "template.list", "template.add", "template.update", "document.render", "invoice.send", "invoice.publicLink", "invoice.revokeLink", "invoice.getPublic", "invoice.list", "invoice.setStatus", "invoice.addPayment",
    "activity.add", "activity.get", "activity.update", "activity.complete", "activity.delete", "activity.list",
    "resource.add", "resource.list", "resource.update", "resource.delete",
    "calendar.getSchedule", "calendar.setSchedule", "calendar.setHolidays", "calendar.holidays", "calendar.freeSlots", "calendar.events",
    "calendar.export",
    "exchange.importPayments", "payment.unmatched", "payment.match", "payment.ignore",
    "exchange.export1C", "exchange.acknowledge",
    "invoice.attachDocument", "invoice.documents", "invoice.getDocument",
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
    assert sorted(SHARED) == sorted(rel for rel in REL if not rel.startswith("methods/"))


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


def test_shared_definition_names_are_unique():
    """rpc.discover puts the `$defs` of every shared document under one `components.schemas`, by name."""
    seen = {}
    for rel in sorted(SHARED):
        for name in DOCS[rel]["$defs"]:
            assert name not in seen, f"$defs/{name} is in both {seen[name]} and {rel}"
            seen[name] = rel


@pytest.mark.parametrize("rel", REL)
def test_refs_name_a_shared_definition(rel):
    """rpc.discover rewrites each `$ref` to `#/components/schemas/<name>`, so it must name one shared def."""
    for where, ref in refs(DOCS[rel]):
        assert re.fullmatch(r"(\.\./)?([a-z]+\.json)?#/\$defs/[A-Za-z]+", ref), f"{rel}{where}: {ref}"
        target = urljoin(DOCS[rel]["$id"], ref).split("#")[0]
        assert target.removeprefix(BASE) in SHARED, f"{rel}{where}: {ref} points into a method file"


@pytest.mark.parametrize("doc,name", [("lead.json", "Lead"), ("contact.json", "Contact"), ("company.json", "Company"),
                                      ("deal.json", "Deal"), ("product.json", "Product")])
def test_record_requires_every_key_its_list_item_knows(doc, name):
    defs = DOCS[doc]["$defs"]
    # A deal's `money` is worked out from its invoices when `deal.get` reads it, and only there.
    shown_by_get_only = {"Deal": {"money"}}.get(name, set())
    assert set(defs[name]["required"]) == set(defs[f"{name}ListItem"]["properties"]) - shown_by_get_only
    assert set(defs[f"{name}Fields"]["properties"]) < set(defs[f"{name}ListItem"]["properties"])
    assert defs[f"{name}ListItem"]["required"] == ["id"]
    assert defs[f"{name}Fields"]["additionalProperties"] is False
    assert set(DOCS["common.json"]["$defs"]["RecordMeta"]["required"]) <= set(defs[name]["required"])


def test_invoice_requires_every_key_its_list_item_knows():
    defs = DOCS["invoice.json"]["$defs"]
    assert set(defs["Invoice"]["required"]) == set(defs["InvoiceListItem"]["properties"])
    assert defs["InvoiceListItem"]["required"] == ["id"]
    assert set(DOCS["common.json"]["$defs"]["RecordMeta"]["required"]) <= set(defs["Invoice"]["required"])


def test_settings_update_params_are_the_settings_patch():
    """rpc.discover lists params by property, so settings.update spells out SettingsPatch's properties."""
    patch = DOCS["invoice.json"]["$defs"]["SettingsPatch"]
    p = DOCS["methods/settings.update.json"]["$defs"]["params"]
    assert json.dumps(p["properties"], ensure_ascii=False) == \
        json.dumps(patch["properties"], ensure_ascii=False).replace('"common.json#', '"../common.json#')
    assert set(patch["properties"]) == set(DOCS["invoice.json"]["$defs"]["Settings"]["properties"])
    assert set(DOCS["invoice.json"]["$defs"]["Settings"]["required"]) == set(patch["properties"])


def test_product_row_output_is_valid_as_input_once_amounts_are_dropped():
    """What deal.productRows.get returns can be sent back to deal.productRows.set."""
    computed = {"discountAmount", "vat", "sum", "total"}
    rows = [{k: v for k, v in row.items() if k not in computed and v is not None} for row in (ROW, FREE_ROW)]
    errors = list(params("deal.productRows.set").iter_errors({"id": 5, "rows": rows}))
    assert not errors, [e.message for e in errors]


# ---------------------------------------------------------------------------- samples

NOW = "2026-11-29T10:15:00Z"
PHONE = {"value": "+79161234567", "type": "WORK"}


def lead_record(**changes):
    record = {
        "id": 1, "title": "Ремонт офиса", "name": "Иван", "secondName": None, "lastName": "Петров",
        "companyTitle": None, "city": "Москва", "topic": "Охрана", "source": None, "comments": None,
        "phones": [PHONE], "emails": [{"value": "ivan@example.ru", "type": "WORK"}],
        "clientType": "ip", "requisites": None, "assignedTo": 1, "opened": False, "stageId": "NEW", "custom": {},
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
USER = {"id": 1, "name": "Анна", "email": None, "phone": None, "position": None, "timeZone": None, "departmentId": None,
        "managerId": None, "unixUser": None, "active": True, "createdAt": NOW, "updatedAt": NOW, "deactivatedAt": None}
DEPARTMENT = {"id": 2, "name": "Продажи", "parentId": None, "createdAt": NOW, "updatedAt": NOW}
TOKEN = {"id": 3, "userId": 2, "name": "bridge", "scopes": None, "expiresAt": None, "createdAt": NOW, "createdBy": 1, "revokedAt": None}
SECRET = "crmd_3_" + "A" * 40 + "-_x"
PERMISSIONS = {e: {a: "none" for a in ["read", "add", "update", "delete", "export", "convert", "changeStage", "settings"]}
               for e in ["lead", "deal", "contact", "company", "invoice", "product", "activity", "settings", "users", "exchange"]}
ROLE = {"id": 2, "code": "manager", "name": "Менеджер", "builtIn": True, "permissions": PERMISSIONS, "userIds": [2], "departmentIds": [],
        "createdAt": NOW, "updatedAt": NOW}
CUSTOM_FIELD = {"entityType": "lead", "code": "site_address", "title": "Адрес объекта", "type": "address",
                "multiple": False, "options": [], "required": False, "createdAt": NOW}

META = {"createdAt": NOW, "updatedAt": NOW, "createdBy": 1, "updatedBy": None, "version": 1}


def contact_record(**changes):
    record = {
        "id": 3, "name": "Иван", "secondName": "Сергеевич", "lastName": "Петров", "post": None, "phones": [PHONE],
        "emails": [], "companyId": 4, "address": None, "birthdate": None, "source": None, "comments": None,
        "assignedTo": 1, "opened": False, "custom": {}, **META, "leadId": 1,
    }
    record.update(changes)
    return record


def company_record(**changes):
    record = {
        "id": 4, "title": "ИП Петров Иван Сергеевич", "companyType": "CUSTOMER", "industry": None, "phones": [],
        "emails": [], "website": None, "address": None, "comments": None, "isMyCompany": False, "assignedTo": 1, "opened": False,
        "custom": {}, **META, "leadId": 1,
    }
    record.update(changes)
    return record


MONEY = {"invoiced": "18000.00", "paid": "9000.00", "due": "9000.00", "overdue": "0.00", "invoices": 2, "allPaid": False}


def deal_record(**changes):
    record = {
        "id": 5, "title": "Ремонт офиса", "pipelineId": 2, "stageId": "NEW", "contactId": 3, "companyId": 4,
        "assignedTo": 1, "opened": False, "opportunity": None, "currency": "RUB", "contractNumber": None, "contractDate": None,
        "comments": None, "custom": {}, **META, "stageSemantic": "process", "leadId": 1, "closedAt": None,
    }
    record.update(changes)
    return record


def without(record, key):
    return {k: v for k, v in record.items() if k != key}


REQUISITE_FIELDS = {"inn": "500100732259", "ogrnip": "304500116000157", "opf": "ИП", "lastName": "Петров",
                    "firstName": "Иван", "middleName": "Сергеевич", "fullName": "Индивидуальный предприниматель Петров Иван Сергеевич",
                    "shortName": "ИП Петров И. С.", "okved": "43.39", "okvedName": "Производство прочих отделочных работ",
                    "region": "Московская область", "smeCategory": "Микропредприятие", "registrationDate": "2004-03-15"}
BANK = {"id": 1, "requisiteId": 2, "name": None, "bik": "044525225", "bankName": "ПАО Сбербанк", "bankCity": "Москва",
        "corrAccount": "30101810400000000225", "account": "40802810938000000001", "createdAt": NOW, "updatedAt": NOW, "version": 1}
REQUISITE = {"id": 2, "entityType": "company", "entityId": 4, "preset": "ip", "name": None, "fields": REQUISITE_FIELDS,
             "source": "registry:offline", "bankDetails": [BANK], "createdAt": NOW, "updatedAt": NOW, "version": 1}
COMMENT = {"type": "comment", "text": "Новая сделка «{{deal.title}}»: позвоните {{contact.name}} по {{contact.phone}}"}
RULE = {"id": 1, "entityType": "deal", "pipelineId": 2, "stageId": "NEW", "trigger": "enter", "delay": 0, "action": COMMENT,
        "title": "Следующие шаги", "active": True, "createdAt": NOW, "status": None, "condition": None, "days": None,
        "before": None, "activityType": None, "ifLate": None}
REMINDER = {**RULE, "entityType": "activity", "pipelineId": None, "stageId": None, "trigger": "beforeStart", "before": 3600,
            "activityType": "meeting", "ifLate": "send", "action": {"type": "sms", "text": "Напоминаем о встрече {{activity.start}}"}}
LOG_ENTRY = {"id": 2, "ruleId": 1, "entityType": "invoice", "entityId": 5, "trigger": "status", "action": "webhook", "result": "queued",
             "reason": None, "attempt": 1, "data": {"webhookDeliveryId": 1, "url": "http://127.0.0.1:8080/hook"}, "at": NOW}
INVOICE_RULE = {**RULE, "entityType": "invoice", "pipelineId": None, "stageId": None, "trigger": "status", "status": "paid",
                "action": {"type": "moveDeal", "stageId": "WON", "whenAllPaid": True},
                "condition": [{"field": "totals.total", "op": ">=", "value": "100000"}]}
LINK_FIELD = {"type": "link", "title": "Компания", "isRequired": False, "isReadOnly": False, "isMultiple": False,
              "isCustom": False, "linkTo": "company"}


def product_record(**changes):
    record = {
        "id": 11, "name": "Монтаж видеокамеры", "sku": "CAM-01", "price": "1500.00", "currency": "RUB", "vatRate": "22",
        "vatIncluded": True, "unit": {"code": "796", "name": "шт"}, "description": None, "active": True, "custom": {}, **META,
    }
    record.update(changes)
    return record


ROW = {"productId": 11, "name": "Монтаж видеокамеры", "price": "1500.00", "quantity": "2", "unit": {"code": "796", "name": "шт"},
       "discount": {"type": "percent", "value": "10"}, "vatRate": "22", "vatIncluded": True, "discountAmount": "300.00",
       "vat": "486.89", "sum": "2700.00", "total": "2700.00"}
FREE_ROW = {"productId": None, "name": "Выезд инженера", "price": "999.99", "quantity": "1.5", "unit": {"code": "356", "name": "ч"},
            "discount": None, "vatRate": "none", "vatIncluded": False, "discountAmount": "0.00", "vat": "0.00", "sum": "1499.99",
            "total": "1499.99"}
TOTALS = {"subtotal": "4499.99", "discount": "300.00", "vat": "486.89", "total": "4199.99", "currency": "RUB", "vatMode": "included"}
ROWS = {"rows": [ROW, FREE_ROW], "totals": TOTALS}
PAYER = {"entityType": "company", "id": 4, "preset": "ip", "name": "ИП Петров И. С.", "inn": "500100732259", "kpp": None,
         "address": None, "phone": "+79161234567"}
SELLER = {"companyId": 1, "preset": "legal", "name": "ООО «Охрана»", "fullName": "Общество с ограниченной ответственностью «Охрана»",
          "inn": "7707083893", "kpp": "773601001", "address": "Москва, ул. Ленина, 1", "phone": None, "director": "Сидоров А. А.",
          "directorTitle": "Генеральный директор", "accountant": None,
          "bank": {"bik": "044525225", "bankName": "ПАО Сбербанк", "bankCity": "Москва", "corrAccount": "30101810400000000225",
                   "account": "40702810938000000001"}}
INVOICE_DOCUMENT = {"id": 3, "invoiceId": 7, "kind": "act", "number": "А-17", "date": "2026-12-02", "fileName": "act.pdf", "size": 6,
                    "sha256": "a" * 64, "contentType": "application/pdf", "source": "manual", "createdAt": "2026-11-29T10:15:00Z"}
PAYMENT = {"id": 1, "amount": "1000.00", "date": "2026-12-01", "reference": "п/п 15", "source": "manual", "createdAt": NOW}


def invoice_record(**changes):
    record = {
        "id": 7, "number": "2026-00015", "date": "2026-11-29", "dueDate": "2026-12-04", "status": "draft", "dealId": 5,
        "currency": "RUB", "basis": "Договор № Д-17 от 29.11.2026", "payerName": "ИП Петров И. С.", "payerInn": "500100732259",
        "payer": PAYER, "seller": SELLER, "rows": [ROW, FREE_ROW], "totals": TOTALS, "total": "4199.99", "paid": "0.00",
        "amountInWords": "Четыре тысячи сто девяносто девять рублей 99 копеек", "comments": None, "assignedTo": 1, "opened": False, "custom": {}, **META,
        "due": "4199.99", "payments": [], "documents": [], "messages": [],
    }
    record.update(changes)
    return record


SETTINGS = {"sellerCompanyId": None, "invoiceNumberFormat": "{YYYY}-{N:5}", "defaultCurrency": "RUB", "defaultVatRate": "22",
            "invoiceDueDays": 5, "eventRetentionDays": 90, "webhookDisableAfterSeconds": 86400, "publicBaseUrl": None, "timeZone": "Europe/Moscow", "mail": {"transport": "outbox"}, "sms": {}, "registry": {"source": "offline"}, "documents": {},
            "unmappedUnixUsers": None, "maxDocumentBytes": 20971520}


MEETING = {"type": "meeting", "subject": "Демонстрация", "start": "2027-03-01T11:00:00+03:00", "end": "2027-03-01T12:00:00+03:00",
           "place": "Офис", "resourceId": 2, "participantIds": [3], "bindings": [{"entityType": "lead", "id": 7}],
           "clientContacts": [{"entityType": "lead", "id": 7}], "clientTimeZone": "Asia/Yekaterinburg"}
ACTIVITY = {"id": 1, "type": "meeting", "subject": "Демонстрация", "description": None, "start": "2027-03-01T08:00:00Z",
            "end": "2027-03-01T09:00:00Z", "deadline": None, "timeZone": "Europe/Moscow", "place": "Офис", "resourceId": 2,
            "responsibleId": 1, "participantIds": [3], "bindings": [{"entityType": "lead", "id": 7}],
            "clientContacts": [{"entityType": "lead", "id": 7}], "clientTimeZone": None, "status": "planned", "result": None, "sequence": 0,
            "overdue": False, "createdBy": 1, "createdAt": NOW, "updatedAt": NOW, "completedAt": None}
RESOURCE = {"id": 2, "name": "Переговорная", "description": None, "place": "2 этаж", "active": True, "createdAt": NOW, "updatedAt": NOW}
WEEK = {"mon": [["09:00", "13:00"], ["14:00", "18:00"]], "tue": [["09:00", "18:00"]], "wed": [["09:00", "18:00"]], "thu": [["09:00", "18:00"]],
        "fri": [["09:00", "17:00"]], "sat": [], "sun": []}
SCHEDULE = {"userId": 1, "timeZone": "Europe/Moscow", "hours": WEEK, "daysOff": ["2027-03-02"], "default": False}

PARAMS = {
    "activity.add": ([{"fields": MEETING}, {"fields": {"type": "task", "subject": "Позвонить", "deadline": "2027-03-01T18:00:00Z"}, "allowOutsideHours": True}],
                     [{}, {"fields": {"subject": "без типа"}}, {"fields": {"type": "visit", "subject": "x"}}, {"fields": {**MEETING, "colour": "red"}},
                      {"fields": {**MEETING, "start": "tomorrow"}}, {"fields": {**MEETING, "bindings": [{"entityType": "invoice", "id": 1}]}}]),
    "activity.get": ([{"id": 1}], [{}, {"id": 0}]),
    "activity.update": ([{"id": 1, "fields": {"start": "2027-03-01T12:00:00Z", "end": "2027-03-01T13:00:00Z"}},
                         {"id": 1, "fields": {"status": "cancelled"}, "allowOutsideHours": False}],
                        [{"id": 1}, {"fields": {}}, {"id": 1, "fields": {"status": "done"}}]),
    "activity.complete": ([{"id": 1}, {"id": 1, "result": "Договорились"}], [{}, {"id": 1, "result": 5}]),
    "activity.delete": ([{"id": 1}], [{}]),
    "activity.list": ([{}, {"filter": {"responsibleId": "me", "type": "task", "status": "planned", "today": True}, "limit": 20},
                       {"filter": {"type": ["meeting", "call"], "from": "2027-03-01T00:00:00Z", "to": "2027-04-01T00:00:00Z",
                                   "entityType": "deal", "entityId": 4, "overdue": False, "participantId": 3}, "cursor": "12"}],
                      [{"filter": {"responsibleId": "you"}}, {"filter": {"entityType": "deal"}}, {"limit": 0}, {"filter": {"type": "visit"}}]),
    "resource.add": ([{"name": "Переговорная"}, {"name": "Демозал", "description": None, "place": "1 этаж"}], [{}, {"name": ""}]),
    "resource.list": ([{}, {"includeInactive": True}], [{"includeInactive": "yes"}]),
    "resource.update": ([{"id": 2, "active": False}, {"id": 2, "name": "Зал", "place": None}], [{}, {"id": 2, "name": ""}]),
    "resource.delete": ([{"id": 2}], [{}]),
    "calendar.getSchedule": ([{"userId": 1}], [{}]),
    "calendar.setSchedule": ([{"userId": 1, "hours": WEEK}, {"userId": 2, "hours": None, "daysOff": ["2027-07-01"], "timeZone": "Asia/Vladivostok"}],
                             [{}, {"userId": 1, "hours": {"mon": [["9:00", "18:00"]]}}, {"userId": 1, "hours": {"monday": []}},
                              {"userId": 1, "daysOff": ["1 July"]}]),
    "calendar.setHolidays": ([{"year": 2027, "days": [{"date": "2027-01-01", "kind": "holiday", "title": "Новый год"},
                                                      {"date": "2027-02-20", "kind": "short"}]}, {"year": 2027, "days": []}],
                             [{"year": 2027}, {"year": 1999, "days": []}, {"year": 2027, "days": [{"date": "2027-01-01", "kind": "off"}]}]),
    "calendar.holidays": ([{"year": 2026}], [{}, {"year": "2026"}]),
    "calendar.freeSlots": ([{"userIds": [1, 2], "from": "2027-03-01T00:00:00Z", "to": "2027-03-31T00:00:00Z", "duration": 60},
                            {"userIds": [1], "from": "2027-03-01T00:00:00+03:00", "to": "2027-03-02T00:00:00+03:00", "duration": 30, "step": 15,
                             "resourceId": 2, "limit": 10}],
                           [{"userIds": [], "from": "2027-03-01T00:00:00Z", "to": "2027-03-31T00:00:00Z", "duration": 60},
                            {"userIds": [1], "from": "2027-03-01T00:00:00Z", "to": "2027-03-31T00:00:00Z", "duration": 0},
                            {"userIds": [1], "from": "2027-03-01", "to": "2027-03-31T00:00:00Z", "duration": 60}]),
    "calendar.events": ([{"userId": 1, "from": "2027-03-01T00:00:00Z", "to": "2027-03-08T00:00:00Z"}], [{"userId": 1}, {"from": "2027-03-01T00:00:00Z"}]),
    "calendar.export": ([{"userId": 1, "from": "2027-03-01T00:00:00Z", "to": "2027-04-01T00:00:00Z"}], [{"userId": 1, "from": "2027-03-01T00:00:00Z"}]),
    "rpc.discover": ([{}], [{"x": 1}]),
    "server.info": ([{}], [{"verbose": True}]),
    "user.add": (
        [{"fields": {"name": "Анна"}}, {"fields": {"name": "Анна", "email": "anna@example.ru"}, "idempotencyKey": "k1"}],
        [{}, {"fields": {}}, {"fields": {"name": ""}}, {"fields": {"name": "A", "email": "not an address"}},
         {"fields": {"name": "A", "role": "admin"}}],
    ),
    "user.get": ([{"id": 1}], [{}, {"id": 0}, {"id": "1"}, {"id": 1.5}]),
    "user.list": ([{}, {"active": True, "departmentId": 2}], [{"limit": 5}, {"active": "yes"}]),
    "user.update": ([{"id": 2, "fields": {"timeZone": "Asia/Vladivostok", "departmentId": 2, "managerId": 1, "unixUser": 1001}},
                     {"id": 2, "fields": {"phone": None, "departmentId": None}}],
                    [{"id": 2}, {"id": 2, "fields": {"unixUser": -1}}, {"id": 2, "fields": {"active": False}},
                     {"id": 2, "fields": {"name": None}}]),
    "user.deactivate": ([{"id": 2}], [{}, {"id": 0}]),
    "user.current": ([{}], [{"id": 1}]),
    "department.add": ([{"fields": {"name": "Продажи"}}, {"fields": {"name": "Москва", "parentId": 2}}],
                       [{"fields": {}}, {"fields": {"name": ""}}, {"name": "Продажи"}]),
    "department.get": ([{"id": 2}], [{}, {"id": "2"}]),
    "department.update": ([{"id": 2, "fields": {"parentId": None}}, {"id": 2, "fields": {"name": "Отдел"}}],
                          [{"id": 2}, {"id": 2, "fields": {"parent": 3}}]),
    "department.list": ([{}], [{"parentId": 2}]),
    "department.delete": ([{"id": 2}], [{}]),
    "token.add": ([{"userId": 2, "name": "bridge"}, {"userId": 2, "name": "x", "expiresAt": "2027-01-01T00:00:00Z", "scopes": ["lead:read"]}],
                  [{"userId": 2}, {"name": "x"}, {"userId": 2, "name": "x", "expiresAt": "tomorrow"}, {"userId": 2, "name": "x", "secret": "s"}]),
    "token.list": ([{}, {"userId": 2}], [{"userId": "2"}]),
    "token.revoke": ([{"id": 3}], [{}]),
    "event.list": ([{}, {"after": 10, "limit": 1000, "topics": ["deal.*", "invoice.statusChanged", "*"], "entityType": "deal", "id": 4}],
                   [{"after": -1}, {"limit": 0}, {"limit": 1001}, {"id": 4}, {"topics": [""]}, {"entityType": "activity"}]),
    "event.subscribe": ([{}, {"topics": ["lead.*"], "after": 0}], [{"after": -1}, {"topics": "lead.*"}, {"since": 1}]),
    "event.unsubscribe": ([{}], [{"topics": []}]),
    "webhook.add": ([{"url": "http://127.0.0.1:9000/hook"}, {"url": "http://h/x", "topics": ["invoice.*"], "secret": "whsec_" + "A" * 32}],
                    [{}, {"url": "http://h/x", "secret": "abc"}, {"url": "http://h/x", "topics": "invoice.*"}]),
    "webhook.list": ([{}], [{"id": 1}]),
    "webhook.update": ([{"id": 1, "active": True}, {"id": 1, "rotateSecret": True, "topics": []}], [{}, {"id": 1, "active": "yes"}]),
    "webhook.delete": ([{"id": 1}], [{}]),
    "webhook.deliveries": ([{"id": 1}, {"id": 1, "limit": 10}], [{}, {"id": 1, "limit": 0}]),
    "webhook.redeliver": ([{"id": 1, "seq": 5}], [{"id": 1}, {"seq": 5}]),
    "notification.list": ([{}, {"unreadOnly": True, "limit": 500, "before": 40}],
                          [{"limit": 0}, {"limit": 501}, {"unreadOnly": "yes"}, {"before": 0}, {"userId": 2}]),
    "notification.markRead": ([{}, {"ids": [1, 2, 3]}, {"ids": []}], [{"ids": [0]}, {"ids": "all"}, {"ids": [1] * 501}, {"userId": 2}]),
    "notification.rules": ([{}], [{"userId": 2}]),
    "notification.setRules": ([{"rules": {"invoicePaid": False}}, {"rules": {}}, {"rules": {"meetingMoved": True}}],
                              [{}, {"rules": {"invoicePaid": "off"}}, {"rules": []}, {"rules": {"invoicePaid": False}, "userId": 2}]),
    "session.login": ([{"token": SECRET}], [{}, {"token": ""}, {"userId": 2}]),
    "sms.send": ([{"to": "+7 916 123-45-67", "text": "Ваш заказ готов"}, {"entityType": "lead", "id": 3, "text": "x"},
                  {"to": "89161234567", "entityType": "contact", "id": 3, "text": "x"}],
                 [{"text": "x"}, {"to": "8916", "text": ""}, {"entityType": "lead", "text": "x"}, {"id": 3, "text": "x"},
                  {"entityType": "deal", "id": 3, "text": "x"}, {"to": "8916"}, {"to": "8916", "text": "x" * 2001},
                  {"to": "8916", "text": "x", "from": "Shop"}]),
    "sms.get": ([{"id": 1}], [{}, {"id": 0}, {"id": "1"}]),
    "sms.status": ([{"id": 1}], [{}, {"id": 0}, {"id": 1, "smsId": "000000-10000001"}]),
    "sms.list": ([{}, {"status": "failed", "limit": 500, "after": 0}, {"entityType": "company", "id": 2, "after": 40}],
                 [{"status": "sending"}, {"limit": 0}, {"limit": 501}, {"entityType": "lead"}, {"id": 2}, {"after": -1}]),
    "settings.sms": ([{"transport": "smsru", "apiId": "A3CA597E-3ACF", "baseUrl": "http://127.0.0.1:8080", "from": "Shop"},
                      {"transport": "http", "url": "https://gw/send?to={to}&text={text}", "method": "POST", "body": "t={text}",
                       "secret": "s", "timeoutSeconds": 5, "retryAfterSeconds": 1, "maxAttempts": 3},
                      {"transport": "command"}, {"transport": "outbox"}, {"apiId": "********"}, {"from": None}, {}],
                     [{"transport": "pigeon"}, {"commandPath": "/bin/sh"}, {"url": "gw/send"}, {"method": "PUT"},
                      {"timeoutSeconds": 0}, {"retryAfterSeconds": 3601}, {"maxAttempts": 51}, {"test": "yes"}]),
    "role.add": ([{"fields": {"name": "Стажёр", "permissions": {"lead": {"read": "own", "add": "own"}}}}, {"fields": {"name": "Пустая"}}],
                 [{"fields": {"permissions": {}}}, {"fields": {"name": "x", "permissions": {"lead": {"read": "mine"}}}},
                  {"fields": {"name": "x", "permissions": {"meeting": {"read": "all"}}}},
                  {"fields": {"name": "x", "permissions": {"lead": {"approve": "all"}}}}]),
    "role.get": ([{"id": 2}], [{}]),
    "role.update": ([{"id": 2, "fields": {"permissions": {"deal": {"changeStage": "department"}}}}, {"id": 2, "fields": {"name": "x"}}],
                    [{"id": 2}, {"id": 2, "fields": {"code": "x"}}]),
    "role.list": ([{}], [{"builtIn": True}]),
    "role.delete": ([{"id": 6}], [{}]),
    "user.setRoles": ([{"id": 2, "roleIds": [2, 3]}, {"id": 2, "roleIds": []}], [{"id": 2}, {"id": 2, "roleIds": ["manager"]}]),
    "department.setRoles": ([{"id": 2, "roleIds": [3]}], [{"roleIds": [3]}, {"id": 2, "roleIds": [0]}]),
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
         {"id": 1, "fields": {"stageId": "CONSENT", "city": "Тверь"}, "expectedVersion": 3},
         {"id": 1, "fields": {"pipelineId": 2}}, {"id": 1, "fields": {"pipelineId": 2, "stageId": "C2:NEW"}}],
        [{"id": 1}, {"fields": {}}, {"id": 1, "fields": {}, "expectedVersion": 0},
         {"id": 1, "fields": {"version": 2}}, {"id": 1, "fields": {"pipelineId": 0}}, {"id": 1, "fields": {"pipelineId": None}},
         {"id": 1, "fields": {"convertedAt": NOW}}],
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
         {"entityType": "lead", "code": "segment", "title": "Сегмент", "type": "enum", "options": ["A", "B"], "multiple": True},
         {"entityType": "deal", "code": "site_address", "title": "Адрес объекта", "type": "address", "required": True}],
        [{"entityType": "lead", "code": "segment", "title": "Сегмент", "type": "enum"},
         {"entityType": "lead", "code": "segment", "title": "Сегмент", "type": "enum", "options": []},
         {"entityType": "lead", "code": "Segment", "title": "x", "type": "string"},
         {"entityType": "lead", "code": "1st", "title": "x", "type": "string"},
         {"entityType": "lead", "code": "a" * 65, "title": "x", "type": "string"},
         {"entityType": "lead", "code": "x", "title": "", "type": "string"},
         {"entityType": "lead", "code": "x", "title": "x", "type": "float"},
         {"entityType": "requisite", "code": "x", "title": "x", "type": "string"},
         {"entityType": "lead", "code": "x", "title": "x"}],
    ),
    "field.list": ([{"entityType": "lead"}, {"entityType": "contact"}, {"entityType": "company"}, {"entityType": "deal"}],
                   [{}, {"entityType": "user"}, {"entityType": "requisite"}]),
    "pipeline.list": ([{"entityType": "lead"}, {"entityType": "deal"}], [{}, {"entityType": "contact"}]),
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
        [{"entityType": "lead", "id": 1, "text": "Позвонить завтра"}, {"entityType": "deal", "id": 5, "text": "Счёт отправлен"}],
        [{"entityType": "lead", "id": 1, "text": ""}, {"entityType": "lead", "id": 1},
         {"entityType": "lead", "id": 1, "text": "x" * 20001}],
    ),
    "contact.add": (
        [
            {"fields": {}},
            {"fields": {"name": "Иван", "secondName": "Сергеевич", "lastName": "Петров", "post": "Директор", "phones": [PHONE],
                        "emails": [{"value": "ivan@example.ru"}], "companyId": 4, "address": "Москва, ул. Ленина, 1",
                        "birthdate": "1980-05-01", "source": "Сайт", "comments": "Звонить после 10", "assignedTo": 1,
                        "custom": {"hobby": "рыбалка"}},
             "idempotencyKey": "contact-1"},
            {"fields": {"companyId": None, "birthdate": None, "assignedTo": None, "post": None, "address": "я" * 1000}},
        ],
        [
            {},
            {"fields": {"title": "x"}},
            {"fields": {"leadId": 1}},
            {"fields": {"birthdate": "01.05.1980"}},
            {"fields": {"companyId": 0}},
            {"fields": {"address": "x" * 1001}},
            {"fields": {"post": "x" * 501}},
            {"fields": {"stageId": "NEW"}},
            {"fields": {"requisites": {"inn": "7707083893"}}},
            {"fields": {}, "idempotencyKey": ""},
        ],
    ),
    "contact.get": ([{"id": 3}], [{}, {"id": "3"}, {"id": 0}]),
    "contact.update": (
        [{"id": 3, "fields": {"post": None}}, {"id": 3, "fields": {"phones": [], "companyId": 4}, "expectedVersion": 2}],
        [{"id": 3}, {"fields": {}}, {"id": 3, "fields": {"version": 2}}, {"id": 3, "fields": {}, "expectedVersion": 0},
         {"id": 3, "fields": {"createdAt": NOW}}],
    ),
    "contact.delete": ([{"id": 3}], [{}, {"id": 3, "force": True}]),
    "contact.list": (
        [{}, {"filter": {"companyId": 4, "%lastName": "петр", "@assignedTo": [1, 2], "leadId": None}, "search": "Петров",
              "order": {"lastName": "asc"}, "select": ["name", "lastName", "custom.hobby"], "limit": 10, "count": True}],
        [{"limit": 0}, {"filter": {"@companyId": 4}}, {"entityType": "contact"}, {"select": "name"}],
    ),
    "contact.fields": ([{}], [{"entityType": "contact"}]),
    "contact.merge": (
        [{"targetId": 3, "sourceIds": [7]}, {"targetId": 3, "sourceIds": list(range(10, 60))}],
        [{"targetId": 3}, {"sourceIds": [7]}, {"targetId": 3, "sourceIds": []}, {"targetId": 3, "sourceIds": [7, 7]},
         {"targetId": 3, "sourceIds": list(range(10, 61))}, {"targetId": 3, "sourceIds": [0]},
         {"targetId": "3", "sourceIds": [7]}, {"targetId": 3, "sourceIds": 7}, {"targetId": 3, "sourceIds": [7], "fields": {}}],
    ),
    "company.add": (
        [
            {"fields": {}},
            {"fields": {"title": "ООО «Ромашка»", "companyType": "CUSTOMER", "industry": "Розница", "phones": [PHONE],
                        "emails": [{"value": "info@romashka.ru", "type": "WORK"}], "website": "https://romashka.ru",
                        "address": "Москва, ул. Ленина, 1", "comments": "x", "isMyCompany": False, "assignedTo": 1,
                        "custom": {"segment": "A"}},
             "idempotencyKey": "company-1"},
            {"fields": {"title": "ООО «Охрана»", "isMyCompany": True}},
            {"fields": {"companyType": None, "website": None, "industry": None}},
        ],
        [
            {},
            {"fields": {"companyType": "customer"}},
            {"fields": {"companyType": "GOVERNMENT"}},
            {"fields": {"isMyCompany": None}},
            {"fields": {"isMyCompany": "yes"}},
            {"fields": {"website": 5}},
            {"fields": {"leadId": 2}},
            {"fields": {"requisites": {}}},
            {"fields": {"name": "Ромашка"}},
            {"fields": {"title": "x" * 501}},
        ],
    ),
    "company.get": ([{"id": 4}], [{}, {"id": -4}]),
    "company.update": (
        [{"id": 4, "fields": {"title": "ИП Петров И. С."}},
         {"id": 4, "fields": {"isMyCompany": True, "website": None}, "expectedVersion": 5}],
        [{"id": 4}, {"id": 4, "fields": {"version": 3}}, {"id": 4, "fields": {"isMyCompany": 1}},
         {"id": 4, "fields": {}, "expectedVersion": "5"}],
    ),
    "company.delete": ([{"id": 4}], [{}, {"id": [4]}]),
    "company.list": (
        [{}, {"filter": {"isMyCompany": True}}, {"filter": {"@companyType": ["CUSTOMER", "PARTNER"], "%title": "ромаш"},
                                                 "order": [{"title": "asc"}], "select": ["title", "website"], "cursor": None}],
        [{"filter": {"isMyCompany": [True]}}, {"order": {"title": "ascending"}}, {"limit": 1000}],
    ),
    "company.fields": ([{}], [{"entityType": "company"}]),
    "company.merge": (
        [{"targetId": 4, "sourceIds": [8, 9]}],
        [{"targetId": 4, "sourceIds": []}, {"targetId": 4, "sourceIds": [8, 8]}, {"targetId": 0, "sourceIds": [8]},
         {"targetId": 4, "sourceIds": ["8"]}],
    ),
    "deal.add": (
        [
            {"fields": {}},
            {"fields": {"title": "Монтаж охраны", "pipelineId": 2, "stageId": "CONTRACT_SIGNED", "contactId": 3, "companyId": None,
                        "assignedTo": 1, "opportunity": "150000.00", "currency": "RUB", "contractNumber": "Д-17/2026",
                        "contractDate": "2026-11-29", "comments": "Срочно", "custom": {"acceptance_period": 10}},
             "idempotencyKey": "deal-1"},
            {"fields": {"opportunity": None, "currency": None, "contractNumber": None, "contractDate": None}},
        ],
        [
            {},
            {"fields": {"opportunity": 150000}},
            {"fields": {"opportunity": "1.005"}},
            {"fields": {"currency": "rub"}},
            {"fields": {"contractNumber": "x" * 101}},
            {"fields": {"contractDate": "2026-11-29T10:15:00Z"}},
            {"fields": {"stageId": "won"}},
            {"fields": {"stageId": None}},
            {"fields": {"pipelineId": None}},
            {"fields": {"closedAt": NOW}},
            {"fields": {"stageSemantic": "success"}},
            {"fields": {"leadId": 1}},
        ],
    ),
    "deal.get": ([{"id": 5}], [{}, {"id": 5.5}]),
    "deal.update": (
        [{"id": 5, "fields": {"stageId": "CONTRACT_SIGNED", "contractNumber": "Д-17", "contractDate": "2026-11-29",
                              "custom": {"acceptance_period": 10, "site_address": "ул. Ленина, 1"}}, "expectedVersion": 2},
         {"id": 5, "fields": {"stageId": "WON"}}, {"id": 5, "fields": {"pipelineId": 3}}],
        [{"id": 5}, {"id": 5, "fields": {"closedAt": None}}, {"id": 5, "fields": {"stageId": ""}},
         {"id": 5, "fields": {}, "expectedVersion": 0}],
    ),
    "deal.delete": ([{"id": 5}], [{}, {"ids": [5]}]),
    "deal.list": (
        [{}, {"filter": {"@stageId": ["NEW", "PREPARATION"], ">=opportunity": "100000", "stageSemantic": "process",
                         "closedAt": None, "custom.acceptance_period": 10},
              "order": [{"opportunity": "desc"}, {"createdAt": "asc"}], "select": ["title", "opportunity", "currency"], "limit": 500}],
        [{"filter": {"~title": "x"}}, {"limit": 501}, {"count": 1}],
    ),
    "deal.fields": ([{}], [{"pipelineId": 2}]),
    "duplicate.find": (
        [{"entityType": "contact", "phones": ["+7 916 123-45-67"]},
         {"entityType": "company", "inn": "7707083893", "title": "Ромашка"},
         {"entityType": "contact", "phones": ["89161234567"], "emails": ["ivan@example.ru"], "title": "Иван Петров"},
         {"entityType": "company", "inn": "500100732259"}],
        [{"entityType": "contact"}, {"phones": ["89161234567"]}, {"entityType": "lead", "title": "x"},
         {"entityType": "company", "inn": "12345"}, {"entityType": "company", "inn": 7707083893},
         {"entityType": "company", "phones": []}, {"entityType": "company", "phones": "+79161234567"},
         {"entityType": "company", "phones": [PHONE]}, {"entityType": "company", "title": ""},
         {"entityType": "company", "title": "x", "city": "Москва"}],
    ),
    "lead.convert": (
        [
            {"id": 1},
            {"id": 1, "scheme": "dealContactCompany", "createMissingFields": True, "contact": {"action": "create"},
             "company": {"action": "merge", "id": 4},
             "deal": {"pipelineId": 2, "fields": {"title": "Монтаж", "opportunity": "150000.00", "stageId": "PREPARATION"}}},
            {"id": 1, "scheme": "dealContact", "contact": {"action": "use", "id": 3}, "deal": {}},
            {"id": 1, "scheme": "auto", "createMissingFields": False, "company": {"action": "use", "id": 4}},
        ],
        [
            {},
            {"id": 1, "scheme": "contactOnly"},
            {"id": 1, "contact": {"action": "use"}},
            {"id": 1, "company": {"action": "merge"}},
            {"id": 1, "contact": {"action": "update", "id": 3}},
            {"id": 1, "contact": {"id": 3}},
            {"id": 1, "contact": {"action": "create", "fields": {}}},
            {"id": 1, "contact": "create"},
            {"id": 1, "deal": {"fields": {"leadId": 1}}},
            {"id": 1, "deal": {"stageId": "NEW"}},
            {"id": 1, "createMissingFields": "yes"},
            {"leadId": 1},
        ],
    ),
    "requisite.add": (
        [
            {"entityType": "company", "entityId": 4, "preset": "ip", "fields": {"inn": "500100732259"}, "lookup": True},
            {"entityType": "company", "entityId": 4, "preset": "legal", "name": "Основные",
             "fields": {"inn": "7707083893", "kpp": "773601001", "ogrn": "1027700132195", "opf": "ПАО", "fullName": "ПАО Сбербанк",
                        "directorTitle": "Президент", "okvedName": "Денежное посредничество прочее", "region": "Москва",
                        "smeCategory": "", "status": "Действует", "registrationDate": "1991-06-20"},
             "renameEntity": False},
            {"entityType": "contact", "entityId": 3, "preset": "person",
             "fields": {"lastName": "Петров", "firstName": "Иван", "snils": "112-233-445 95"}},
            {"entityType": "company", "entityId": 4, "preset": "ip", "fields": {"inn": "500100732259"}, "lookup": True,
             "renameEntity": True},
        ],
        [
            {"entityType": "lead", "entityId": 1, "preset": "ip"},
            {"entityType": "company", "entityId": 4},
            {"entityType": "company", "preset": "ip"},
            {"entityType": "company", "entityId": 4, "preset": "ООО"},
            {"entityType": "company", "entityId": 4, "preset": "ip", "fields": {"bik": "044525225"}},
            {"entityType": "company", "entityId": 4, "preset": "ip", "fields": {"inn": 500100732259}},
            {"entityType": "company", "entityId": 4, "preset": "ip", "fields": {"registrationDate": "15.03.2004"}},
            {"entityType": "company", "entityId": 4, "preset": "ip", "lookup": "yes"},
            {"entityType": "company", "entityId": 4, "preset": "ip", "name": None},
            {"entityType": "company", "entityId": 4, "preset": "ip", "bankDetails": []},
        ],
    ),
    "requisite.get": ([{"id": 2}], [{}, {"id": 0}]),
    "requisite.update": (
        [{"id": 2, "fields": {"kpp": "773601001"}}, {"id": 2, "fields": {}, "name": "Старые", "expectedVersion": 3}],
        [{"id": 2}, {"id": 2, "fields": {"inn": None}}, {"id": 2, "fields": {}, "preset": "legal"},
         {"id": 2, "fields": {}, "expectedVersion": 0}, {"id": 2, "fields": {"bankName": "x"}}],
    ),
    "requisite.delete": ([{"id": 2}], [{}, {"id": -2}]),
    "requisite.list": (
        [{"entityType": "company", "entityId": 4}, {"entityType": "contact", "entityId": 3}],
        [{"entityType": "company"}, {"entityId": 4}, {"entityType": "deal", "entityId": 5},
         {"entityType": "company", "entityId": 4, "limit": 10}],
    ),
    "requisite.lookup": (
        [{"inn": "7707083893"}, {"inn": "500100732259"}],
        [{}, {"inn": "77070838"}, {"inn": "77070838931"}, {"inn": 7707083893}, {"inn": "770708389３"}, {"inn": "7707083893 "},
         {"inn": "7707083893", "source": "online"}],
    ),
    "bankDetail.add": (
        [{"requisiteId": 2, "fields": {"bik": "044525225", "account": "40702810938000000001"}},
         {"requisiteId": 2, "fields": {"name": "Основной", "bik": "044525225", "bankName": "ПАО Сбербанк", "bankCity": "Москва",
                                       "corrAccount": "30101810400000000225", "account": "40702810938000000001"}},
         {"requisiteId": 2, "fields": {"bik": "044525225", "account": "40702810938000000001", "corrAccount": None}}],
        [{"requisiteId": 2, "fields": {"bik": "044525225"}},
         {"requisiteId": 2, "fields": {"account": "40702810938000000001"}},
         {"requisiteId": 2, "fields": {"bik": "04452522", "account": "40702810938000000001"}},
         {"requisiteId": 2, "fields": {"bik": "044525225", "account": "4070281093800000000"}},
         {"requisiteId": 2, "fields": {"bik": "044525225", "account": "40702810938000000001", "corrAccount": "3010181040000000022X"}},
         {"requisiteId": 2, "fields": {"bik": None, "account": "40702810938000000001"}},
         {"requisiteId": 2, "fields": {"bik": "044525225", "account": "40702810938000000001", "swift": "SABRRUMM"}},
         {"fields": {"bik": "044525225", "account": "40702810938000000001"}}],
    ),
    "bankDetail.update": (
        [{"id": 1, "fields": {"bankCity": None}}, {"id": 1, "fields": {"account": "40702810938000000002", "corrAccount": None}},
         {"id": 1, "fields": {}}],
        [{"id": 1}, {"id": 1, "fields": {"bik": None}}, {"id": 1, "fields": {"account": None}},
         {"id": 1, "fields": {"requisiteId": 3}}, {"id": 1, "fields": {"bik": "44525225"}}],
    ),
    "bankDetail.delete": ([{"id": 1}], [{}, {"id": "1"}]),
    "bankDetail.list": ([{"requisiteId": 2}], [{}, {"id": 2}, {"requisiteId": 2, "limit": 5}]),
    "registry.import": (
        [{"path": "/var/lib/crmd/data-10112026-structure-10012022.zip", "format": "rsmp"}, {"path": "rsmp.xml", "format": "rsmp"},
         {"path": "/tmp/rsmp.zip", "format": "rsmp", "progressToken": "import-1"}, {"path": "/tmp/rsmp.zip", "format": "rsmp", "progressToken": 7}],
        [{"path": "/tmp/rsmp.zip"}, {"format": "rsmp"}, {"path": "", "format": "rsmp"}, {"path": "/tmp/rsmp.zip", "format": "egrul"},
         {"path": "/tmp/rsmp.zip", "format": "rsmp", "replace": True}, {"path": ["/tmp/rsmp.zip"], "format": "rsmp"},
         {"path": "/tmp/rsmp.zip", "format": "rsmp", "progressToken": 1.5}, {"path": "/tmp/rsmp.zip", "format": "rsmp", "progressToken": True},
         {"path": "/tmp/rsmp.zip", "format": "rsmp", "progressToken": {"id": 1}}],
    ),
    "automation.add": (
        [{"entityType": "activity", "trigger": "beforeStart", "before": 3600, "activityType": "meeting", "ifLate": "skip",
          "action": {"type": "sms", "text": "Напоминаем: {{activity.subject}} {{activity.start}}"}},
         {"entityType": "lead", "stageId": "NEW", "trigger": "idle", "days": 3,
          "action": {"type": "activity", "activityType": "task", "subject": "Позвонить клиенту о решении", "in": 86400}},
{"entityType": "deal", "stageId": "NEW", "trigger": "enter", "action": COMMENT},
         {"entityType": "lead", "pipelineId": 1, "trigger": "create", "delay": 31536000, "action": {"type": "comment", "text": "x"},
          "title": "Напоминание", "active": False},
         {"entityType": "deal", "pipelineId": 2, "stageId": "CONTRACT_SIGNED", "trigger": "enter", "delay": 0,
          "action": {"type": "comment", "text": "{{company.title}}: " + "я" * 4980}},
         {"entityType": "deal", "trigger": "create", "action": {"type": "notify", "to": "responsible", "text": "Новая сделка {{deal.title}}"}},
         {"entityType": "lead", "trigger": "create", "action": {"type": "notify", "to": 2, "text": "Новый лид"}},
         {"entityType": "invoice", "trigger": "status", "status": "paid", "action": {"type": "moveDeal", "stageId": "EXECUTING"}},
         {"entityType": "invoice", "trigger": "status", "status": "partiallyPaid", "delay": 60,
          "condition": [{"field": "totals.total", "op": ">=", "value": "100000"}, {"field": "payerInn", "op": "!=", "value": None}],
          "action": {"type": "moveDeal", "stageId": "WON", "whenAllPaid": True}},
         {"entityType": "deal", "trigger": "create", "condition": {"field": "opportunity", "op": "<", "value": 5}, "action": COMMENT},
         {"entityType": "invoice", "trigger": "status", "status": "overdue", "action": {"type": "notify", "to": "responsible", "text": "Просрочен"}},
         {"entityType": "invoice", "trigger": "dueIn", "days": 3, "action": COMMENT},
         {"entityType": "invoice", "trigger": "dueIn", "days": 3,
          "action": {"type": "email", "to": "payer", "subject": "Счёт {{invoice.number}}", "text": "Срок оплаты через 3 дня"}},
         {"entityType": "deal", "trigger": "create", "action": {"type": "setField", "field": "comments", "value": None}},
         {"entityType": "invoice", "trigger": "status", "status": "paid", "action": {"type": "setField", "field": "custom.paid", "value": True}},
         {"entityType": "invoice", "trigger": "status", "status": "paid", "action": {"type": "sms", "to": "client", "text": "Оплата {{invoice.number}} получена"}},
         {"entityType": "deal", "trigger": "create", "action": {"type": "sms", "to": "responsible", "text": "Новая сделка"}},
         {"entityType": "lead", "trigger": "create", "action": {"type": "task", "subject": "Позвонить", "description": None, "in": 3600}},
         {"entityType": "invoice", "trigger": "status", "status": "paid", "action": {"type": "webhook", "url": "http://127.0.0.1:8080/hook"}},
         {"entityType": "deal", "trigger": "create",
          "action": {"type": "webhook", "url": "http://erp.local/hook", "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}}],
        [{"entityType": "contact", "trigger": "create", "action": COMMENT},
         {"entityType": "deal", "trigger": "create", "action": {"type": "sms", "to": "payer", "text": "x"}},
         {"entityType": "deal", "trigger": "create", "action": {"type": "sms", "to": "client"}},
         {"entityType": "deal", "trigger": "create", "action": {"type": "task"}},
         {"entityType": "deal", "trigger": "create", "action": {"type": "task", "subject": "x", "duration": 60}},
         {"entityType": "deal", "trigger": "create", "action": {"type": "webhook"}},
         {"entityType": "deal", "trigger": "create", "action": {"type": "webhook", "url": "http://a.b/c", "topics": []}},
         {"entityType": "deal", "trigger": "create", "action": {"type": "notify", "text": "x"}},
         {"entityType": "deal", "trigger": "create", "action": {"type": "notify", "to": "manager", "text": "x"}},
         {"entityType": "deal", "trigger": "create", "action": {"type": "notify", "to": 0, "text": "x"}},
         {"entityType": "deal", "trigger": "create", "action": {"type": "notify", "to": "responsible", "text": ""}},
         {"entityType": "invoice", "trigger": "dueIn", "days": 366, "action": COMMENT},
         {"entityType": "invoice", "trigger": "dueIn", "days": 3, "action": {"type": "email", "to": "accountant", "subject": "x", "text": "y"}},
         {"entityType": "invoice", "trigger": "dueIn", "days": 3, "action": {"type": "email", "to": "payer", "text": "y"}},
         {"entityType": "deal", "trigger": "create", "action": {"type": "setField", "field": "comments"}},
         {"entityType": "deal", "trigger": "create", "action": {"type": "setField", "field": "", "value": 1}},
         {"entityType": "invoice", "trigger": "dueIn", "days": -1, "action": COMMENT},
         {"entityType": "invoice", "trigger": "status", "status": "paid", "action": {"type": "moveDeal"}},
         {"entityType": "invoice", "trigger": "status", "status": "paid", "action": {"type": "moveDeal", "stageId": "WON", "when": 1}},
         {"entityType": "deal", "trigger": "create", "action": COMMENT, "condition": {"field": "title", "op": "~", "value": "x"}},
         {"entityType": "deal", "trigger": "create", "action": COMMENT, "condition": {"field": "title", "op": "="}},
         {"entityType": "deal", "trigger": "create", "action": COMMENT, "condition": []},
         {"entityType": "deal", "trigger": "create", "action": COMMENT, "condition": {"field": "title", "op": "=", "value": [1]}},
         {"entityType": "deal", "trigger": "leave", "action": COMMENT},
         {"entityType": "deal", "trigger": "create"},
         {"trigger": "create", "action": COMMENT},
         {"entityType": "deal", "trigger": "create", "action": {"type": "telegram", "text": "x"}},
         {"entityType": "deal", "trigger": "create", "action": {"type": "comment", "text": ""}},
         {"entityType": "deal", "trigger": "create", "action": {"type": "comment", "text": "x" * 5001}},
         {"entityType": "deal", "trigger": "create", "action": {"type": "comment"}},
         {"entityType": "deal", "trigger": "create", "action": {"type": "comment", "text": "x", "delay": 5}},
         {"entityType": "deal", "trigger": "create", "action": "comment"},
         {"entityType": "deal", "trigger": "create", "action": COMMENT, "delay": -1},
         {"entityType": "deal", "trigger": "create", "action": COMMENT, "delay": 31536001},
         {"entityType": "deal", "trigger": "create", "action": COMMENT, "delay": 1.5},
         {"entityType": "deal", "trigger": "enter", "stageId": "new", "action": COMMENT},
         {"entityType": "deal", "trigger": "create", "action": COMMENT, "title": ""},
         {"entityType": "deal", "trigger": "create", "action": COMMENT, "active": "no"}],
    ),
    "automation.get": ([{"id": 1}], [{}, {"id": 1.5}]),
    "automation.update": (
        [{"id": 1, "active": False},
         {"id": 1, "pipelineId": None, "stageId": None, "trigger": "create", "delay": 60, "title": None, "action": COMMENT},
         {"id": 1, "stageId": "PREPARATION", "title": "Подготовка"},
         {"id": 1, "status": "sent", "condition": None}, {"id": 1, "condition": [{"field": "total", "op": ">", "value": "0.5"}]}],
        [{"active": False}, {"id": 1, "entityType": "lead"}, {"id": 1, "delay": -5}, {"id": 1, "delay": None},
         {"id": 1, "title": ""}, {"id": 1, "trigger": None}, {"id": 1, "action": None}, {"id": 1, "fields": {"active": False}}],
    ),
    "automation.delete": ([{"id": 1}], [{}, {"id": None}]),
    "automation.list": ([{}, {"entityType": "deal"}, {"entityType": "lead"}, {"entityType": "invoice"}],
                        [{"entityType": "company"}, {"limit": 10}]),
    "automation.log": ([{"entityType": "invoice", "id": 1}, {"entityType": "activity", "id": 2, "limit": 10, "cursor": "17"}, {"ruleId": 3},
                        {"entityType": "lead", "id": 1, "ruleId": 3}],
                       [{}, {"entityType": "lead"}, {"id": 1}, {"entityType": "company", "id": 1}, {"ruleId": 0}, {"ruleId": 1, "limit": 0},
                        {"ruleId": 1, "cursor": 5}, {"ruleId": 1, "since": 1}]),
    "product.add": (
        [{"fields": {}},
         {"fields": {"name": "Монтаж видеокамеры", "sku": "CAM-01", "price": "1500", "currency": "RUB", "vatRate": "none",
                     "vatIncluded": False, "unit": {"code": "796"}, "description": "Под ключ", "active": True, "custom": {"brand": "x"}},
          "idempotencyKey": "product-1"},
         {"fields": {"sku": None, "description": None, "unit": {"code": "999", "name": "лицензия"}, "price": "0.5"}}],
        [{}, {"fields": {"price": "-1.00"}}, {"fields": {"price": 1500}}, {"fields": {"price": "1.005"}}, {"fields": {"price": None}},
         {"fields": {"vatRate": "18"}}, {"fields": {"vatRate": 22}}, {"fields": {"unit": "шт"}}, {"fields": {"unit": {"code": "7960"}}},
         {"fields": {"unit": None}}, {"fields": {"name": "x" * 501}}, {"fields": {"sku": "x" * 101}}, {"fields": {"currency": "rub"}},
         {"fields": {"active": "yes"}}, {"fields": {"quantity": "1"}}, {"fields": {"id": 1}}],
    ),
    "product.get": ([{"id": 11}], [{}, {"id": "11"}]),
    "product.update": (
        [{"id": 11, "fields": {"price": "1600.00", "active": False}, "expectedVersion": 2}, {"id": 11, "fields": {"sku": None}}],
        [{"id": 11}, {"id": 11, "fields": {"version": 3}}, {"id": 11, "fields": {"vatIncluded": None}}],
    ),
    "product.delete": ([{"id": 11}], [{}, {"id": 0}]),
    "product.list": (
        [{}, {"filter": {"active": True, "@vatRate": ["22", "10"], ">=price": "1000"}, "search": "камера", "order": {"name": "asc"},
              "select": ["name", "price", "unit"], "limit": 100, "count": True}],
        [{"filter": {"@vatRate": "22"}}, {"limit": 0}, {"entityType": "product"}],
    ),
    "product.fields": ([{}], [{"entityType": "product"}]),
    "deal.productRows.set": (
        [{"id": 5, "rows": []},
         {"id": 5, "rows": [{"productId": 11, "quantity": "2", "discount": {"type": "percent", "value": "10"}},
                            {"name": "Выезд инженера", "price": "999.99", "quantity": "1.5", "unit": {"code": "356", "name": "ч"},
                             "discount": None, "vatRate": "none", "vatIncluded": False},
                            {"productId": 12, "discount": {"type": "amount", "value": "100.00"}}]},
         {"id": 5, "rows": [{"name": "x"}] * 500}],
        [{"id": 5}, {"rows": []}, {"id": 5, "rows": [{"name": "x"}] * 501}, {"id": 5, "rows": [{"name": ""}]},
         {"id": 5, "rows": [{"name": "x" * 1001}]}, {"id": 5, "rows": [{"name": "x", "price": "-5"}]},
         {"id": 5, "rows": [{"name": "x", "price": 5}]}, {"id": 5, "rows": [{"name": "x", "quantity": "0"}]},
         {"id": 5, "rows": [{"name": "x", "quantity": "0.000"}]}, {"id": 5, "rows": [{"name": "x", "quantity": "-1"}]},
         {"id": 5, "rows": [{"name": "x", "quantity": "1.0001"}]}, {"id": 5, "rows": [{"name": "x", "quantity": 2}]},
         {"id": 5, "rows": [{"name": "x", "vatRate": "18"}]}, {"id": 5, "rows": [{"name": "x", "unit": {"code": "шт"}}]},
         {"id": 5, "rows": [{"name": "x", "discount": {"type": "percent", "value": "101"}}]},
         {"id": 5, "rows": [{"name": "x", "discount": {"value": "1"}}]}, {"id": 5, "rows": [{"productId": None}]},
         {"id": 5, "rows": [{"name": "x", "sum": "1.00"}]}, {"id": 5, "rows": {"name": "x"}}],
    ),
    "deal.productRows.get": ([{"id": 5}], [{}, {"id": 5, "rows": []}]),
    "settings.get": ([{}], [{"mail": {}}]),
    "settings.update": (
        [{}, {"sellerCompanyId": 1, "invoiceNumberFormat": "СЧ-{YY}/{N}", "defaultCurrency": "RUB", "defaultVatRate": "none",
              "invoiceDueDays": 0, "publicBaseUrl": "https://crm.example.ru/p/", "timeZone": "Asia/Vladivostok"},
         {"mail": {"transport": "smtp", "host": "smtp.example.ru", "port": 465, "username": "crm", "password": "********",
                   "from": "Охрана <info@example.ru>"}, "sms": {"provider": "x", "token": "t"},
          "registry": {"source": "online", "url": "https://api.example.ru/egrul", "token": "abc", "timeoutSeconds": 10}},
         {"sellerCompanyId": None, "publicBaseUrl": None, "mail": {"password": None, "host": None}, "registry": None,
          "invoiceDueDays": None, "defaultVatRate": None, "timeZone": None},
         {"maxDocumentBytes": 1}, {"maxDocumentBytes": 536870912}, {"maxDocumentBytes": None}],
        [{"theme": "dark"}, {"invoiceNumberFormat": "{YYYY}-"}, {"defaultVatRate": "18"}, {"defaultCurrency": "rub"},
         {"invoiceDueDays": 366}, {"invoiceDueDays": -1}, {"invoiceDueDays": "5"}, {"sellerCompanyId": 0},
         {"publicBaseUrl": 5}, {"mail": {"transport": "pigeon"}}, {"mail": {"port": 0}}, {"mail": {"smtpHost": "x"}},
         {"registry": {"source": "egrul"}}, {"registry": {"timeoutSeconds": 0}}, {"sms": "x"}, {"mail": "smtp"}, {"timeZone": 3}, {"timeZone": ""},
         {"maxDocumentBytes": 0}, {"maxDocumentBytes": 536870913}, {"maxDocumentBytes": "20971520"}],
    ),
    "invoice.createFromDeal": (
        [{"dealId": 5}, {"dealId": 5, "date": "2026-11-29", "dueDate": "2026-12-09", "payer": {"entityType": "contact", "id": 3}}],
        [{}, {"id": 5}, {"dealId": 5, "date": "29.11.2026"}, {"dealId": 5, "payer": {"entityType": "lead", "id": 1}},
         {"dealId": 5, "payer": {"entityType": "company"}}, {"dealId": 5, "payer": 4}, {"dealId": 5, "rows": []}],
    ),
    "invoice.get": ([{"id": 7}], [{}, {"number": "2026-00015"}]),
    "invoice.render": ([{"id": 7, "format": "pdf"}, {"id": 7, "format": "html"}], [{"id": 7}, {"id": 7, "format": "docx"}]),
    "invoice.publicLink": ([{"id": 7}, {"id": 7, "expiresAt": "2026-12-01T00:00:00Z"}], [{}, {"id": 7, "expiresAt": "tomorrow"}]),
    "invoice.revokeLink": ([{"id": 7}], [{}, {"id": "7"}]),
    "template.list": ([{}], [{"kind": "act"}]),
    "template.add": ([{"code": "my_act", "title": "Акт", "body": "{{ deal.title }}"}], [{"code": "Bad Code", "title": "x", "body": "x"}, {"code": "a", "title": "x"}]),
    "template.update": ([{"code": "my_act", "title": "Акт 2"}], [{}, {"code": "my_act", "body": ""}]),
    "document.render": ([{"template": "contract", "dealId": 1, "format": "pdf"}], [{"template": "contract", "dealId": 1}, {"template": "contract", "dealId": 1, "format": "doc"}]),
    "invoice.send": ([{"id": 7, "mode": "attachment"}, {"id": 7, "mode": "link", "to": "a@b.ru", "subject": "Счет"}], [{"id": 7}, {"id": 7, "mode": "fax"}]),
    "invoice.getPublic": ([{"token": "ab", "format": "pdf"}], [{"token": "ab"}, {"token": "", "format": "pdf"}]),
    "invoice.list": (
        [{}, {"filter": {"status": "overdue"}}, {"filter": {"overdue": True, "dealId": 5}},
         {"filter": {"@status": ["sent", "partiallyPaid"], ">=date": "2026-11-01", "%payerName": "петров"}, "search": "2026-00015",
          "order": {"date": "desc"}, "select": ["number", "total", "status"], "limit": 20, "count": True}],
        [{"status": "overdue"}, {"filter": {"@status": "sent"}}, {"limit": 501}],
    ),
    "invoice.setStatus": (
        [{"id": 7, "status": "sent"}, {"id": 7, "status": "cancelled"}, {"id": 7, "status": "draft"}],
        [{"id": 7}, {"status": "sent"}, {"id": 7, "status": "paid"}, {"id": 7, "status": "overdue"},
         {"id": 7, "status": "partiallyPaid"}, {"id": 7, "status": "sent", "expectedVersion": 1}],
    ),
    "invoice.addPayment": (
        [{"id": 7, "amount": "1000.00", "date": "2026-12-01"}, {"id": 7, "amount": "0.01", "date": "2026-12-01", "reference": "п/п 15"},
         {"id": 7, "amount": "4199.99", "date": "2026-12-01", "reference": "x" * 200}],
        [{"id": 7, "amount": "0", "date": "2026-12-01"}, {"id": 7, "amount": "0.00", "date": "2026-12-01"},
         {"id": 7, "amount": "-5.00", "date": "2026-12-01"}, {"id": 7, "amount": 100, "date": "2026-12-01"},
         {"id": 7, "amount": "1.005", "date": "2026-12-01"}, {"id": 7, "amount": "100.00"},
         {"id": 7, "amount": "100.00", "date": "01.12.2026"}, {"id": 7, "amount": "100.00", "date": "2026-12-01", "reference": None},
         {"id": 7, "amount": "100.00", "date": "2026-12-01", "reference": "x" * 201},
         {"id": 7, "amount": "100.00", "date": "2026-12-01", "source": "bank"}],
    ),
    "exchange.importPayments": (
        [{"format": "1c-bank", "data": "MUNDbGllbnRCYW5rRXhjaGFuZ2UNCg=="}, {"format": "1c-bank", "path": "/srv/import/kl_to_1c.txt"},
         {"format": "commerceml", "data": "PD94bWw+"}, {"format": "commerceml", "path": "/srv/import/from_1c.zip"}],
        [{"format": "1c-bank"}, {"format": "commerceml"}, {"format": "cml", "data": "eA=="}, {"format": "1c-bank", "data": "eA==", "path": "/srv/x"},
         {"format": "1c-bank", "data": ""}, {"data": "eA=="}, {"format": "1c-bank", "data": "eA==", "encoding": "dos"}],
    ),
    "payment.unmatched": ([{}, {"limit": 20, "cursor": "17"}, {"cursor": None}], [{"limit": 0}, {"limit": 501}, {"cursor": 17}, {"status": "ignored"}]),
    "payment.match": ([{"paymentId": 3, "invoiceId": 7}], [{"paymentId": 3}, {"invoiceId": 7}, {"paymentId": 0, "invoiceId": 7},
                                                          {"paymentId": 3, "invoiceId": 7, "amount": "10.00"}]),
    "payment.ignore": ([{"paymentId": 3}, {"paymentId": 3, "reason": "Возврат займа"}],
                       [{}, {"paymentId": "3"}, {"paymentId": 3, "reason": "x" * 501}]),
    "exchange.export1C": (
        [{}, {"since": 0}, {"since": 120, "encoding": "utf-8"}, {"ids": [7, 8], "version": "2.10"}, {"encoding": "windows-1251", "version": "2.05"}],
        [{"since": -1}, {"since": 3, "ids": [7]}, {"ids": []}, {"ids": [0]}, {"encoding": "cp866"}, {"version": "3.1"}, {"since": "12"},
         {"format": "commerceml"}],
    ),
    "exchange.acknowledge": ([{"until": 0}, {"until": 1234}], [{}, {"until": -1}, {"until": "12"}, {"until": 5, "since": 1}]),
    "invoice.attachDocument": (
        [{"id": 7, "kind": "act", "number": "А-17", "date": "2026-12-02"},
         {"id": 7, "kind": "invoiceFactura", "number": "118", "date": "2026-12-02", "data": "0LDQutGC", "fileName": "sf.pdf", "source": "edo"},
         {"id": 7, "kind": "act", "number": "А-17", "date": "2026-12-02", "data": "0LDQutGC", "contentType": "application/pdf"},
         {"id": 7, "kind": "upd", "number": "1", "date": "2026-12-02"}, {"id": 7, "kind": "waybill", "number": "ТН-5", "date": "2026-12-02"},
         {"id": 7, "kind": "other", "number": "x" * 100, "date": "2026-12-02"}],
        [{"id": 7, "kind": "act", "number": "А-17"}, {"id": 7, "kind": "contract", "number": "1", "date": "2026-12-02"},
         {"id": 7, "kind": "act", "number": "", "date": "2026-12-02"}, {"id": 7, "kind": "act", "number": " ", "date": "2026-12-02"},
         {"id": 7, "kind": "act", "number": "1", "date": "02.12.2026"}, {"kind": "act", "number": "1", "date": "2026-12-02"},
         {"id": 7, "kind": "act", "number": "1", "date": "2026-12-02", "fileName": ""},
         {"id": 7, "kind": "act", "number": "1", "date": "2026-12-02", "data": 5},
         {"id": 7, "kind": "act", "number": "1", "date": "2026-12-02", "contentType": "pdf"},
         {"id": 7, "kind": "act", "number": "1", "date": "2026-12-02", "contentType": 5}],
    ),
    "invoice.documents": ([{"id": 7}], [{}, {"id": "7"}, {"id": 7, "kind": "act"}]),
    "invoice.getDocument": ([{"id": 7, "documentId": 3}], [{"id": 7}, {"documentId": 3}, {"id": 7, "documentId": 0}]),
}

EVENT = {"seq": 7, "topic": "lead.updated", "entityType": "lead", "id": 3, "actor": 2, "cause": "call:lead.update", "at": NOW,
         "data": {"fields": [{"field": "city", "old": "Москва", "new": "Тверь"}]}}

WEBHOOK = {"id": 1, "url": "http://127.0.0.1:9000/hook", "topics": ["invoice.*"], "active": True, "cursor": 12, "attempts": 0,
           "nextAttemptAt": None, "failingSince": None, "disabledReason": None, "createdAt": NOW, "updatedAt": NOW, "createdBy": 1}
DELIVERY = {"id": 4, "seq": 13, "attempt": 1, "at": NOW, "status": 200, "error": None, "durationMs": 3, "response": "ok",
            "outcome": "delivered"}

NOTIFICATION = {"id": 5, "kind": "invoicePaid", "text": "Счёт № 12 оплачен: 15000.00 RUB", "entityType": "invoice", "entityId": 3,
                "data": {"invoiceId": 3, "number": "12", "amount": "15000.00", "currency": "RUB", "dealId": 4}, "createdAt": NOW,
                "readAt": None}
RULES = {"invoicePaid": True, "paymentForMyDeal": False, "meetingMoved": True}

SMS = {"id": 4, "to": "79161234567", "text": "Ваш заказ готов", "segments": 1, "encoding": "ucs2", "entityType": "lead",
       "entityId": 3, "status": "queued", "transport": None, "attempts": 0, "interruptedAttempts": 0, "errorCode": None,
       "error": None, "gatewayId": None, "data": {}, "createdBy": 1, "createdAt": NOW, "sentAt": None, "deliveredAt": None, "updatedAt": NOW}

BANK_PAYMENT = {
    "id": 2, "date": "2026-11-20", "number": "119", "amount": "700.00", "payerAccount": "40802810500000000001",
    "payerInn": "7736207543", "payerName": "ООО Ромашка", "recipientAccount": "40702810801400016513", "purpose": "Возврат займа",
    "receivedOn": "2026-11-21", "status": "unmatched", "invoiceId": None, "ignoreReason": None,
}

RESULTS = {
    "activity.add": ([ACTIVITY, {**ACTIVITY, "type": "task", "start": None, "end": None, "deadline": NOW, "overdue": True}],
                     [{**ACTIVITY, "status": "done"}, {k: v for k, v in ACTIVITY.items() if k != "sequence"}, {**ACTIVITY, "start": "2027-03-01T11:00:00+03:00"}]),
    "activity.get": ([ACTIVITY], [{}]),
    "activity.update": ([{**ACTIVITY, "sequence": 2}], [{**ACTIVITY, "extra": 1}]),
    "activity.complete": ([{**ACTIVITY, "status": "completed", "result": "Договорились", "completedAt": NOW}], [{**ACTIVITY, "result": 3}]),
    "activity.delete": ([{"id": 1, "deleted": True}], [{"id": 1}]),
    "activity.list": ([{"items": [ACTIVITY], "next": "1"}, {"items": [], "next": None}], [{"items": [ACTIVITY]}, {"items": [{}], "next": None}]),
    "resource.add": ([RESOURCE], [{**RESOURCE, "active": "yes"}]),
    "resource.list": ([{"items": [RESOURCE]}], [{"items": [{**RESOURCE, "name": None}]}]),
    "resource.update": ([{**RESOURCE, "active": False}], [{}]),
    "resource.delete": ([{"id": 2, "deleted": True}], [{"id": 2, "deleted": False}]),
    "calendar.getSchedule": ([SCHEDULE, {**SCHEDULE, "daysOff": [], "default": True}], [{**SCHEDULE, "default": None}, {**SCHEDULE, "hours": {"mon": "9-18"}}]),
    "calendar.setSchedule": ([SCHEDULE], [{}]),
    "calendar.setHolidays": ([{"year": 2027, "days": 14}], [{"year": 2027, "days": -1}, {"year": 2027}]),
    "calendar.holidays": ([{"year": 2026, "days": [{"date": "2026-01-01", "kind": "holiday", "title": "Новый год"}, {"date": "2026-12-31", "kind": "holiday"}]}],
                          [{"year": 2026, "days": [{"date": "2026-01-01", "kind": "off"}]}, {"days": []}]),
    "calendar.freeSlots": ([{"slots": [{"start": "2027-03-01T06:00:00Z", "end": "2027-03-01T07:00:00Z"}]}, {"slots": []}],
                           [{"slots": [{"start": "2027-03-01T09:00:00+03:00", "end": "2027-03-01T10:00:00+03:00"}]}, {}]),
    "calendar.events": ([{"items": [ACTIVITY]}, {"items": []}], [{"items": [{"id": 1}]}]),
    "calendar.export": ([{"contentType": "text/calendar; charset=utf-8", "ics": "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "count": 0}],
                        [{"contentType": "text/html", "ics": "", "count": 0}, {"ics": ""}]),
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
    "field.add": ([CUSTOM_FIELD, {**CUSTOM_FIELD, "required": True, "entityType": "company"}],
                  [{**CUSTOM_FIELD, "type": "phone"}, {**CUSTOM_FIELD, "options": None},
                   {k: v for k, v in CUSTOM_FIELD.items() if k != "required"}]),
    "pipeline.list": ([{"items": [PIPELINE]}],
                      [{"items": [{**PIPELINE, "stages": [{**STAGE, "semantic": "won"}]}]},
                       {"items": [{k: v for k, v in PIPELINE.items() if k != "isDefault"}]}]),
    "stage.update": ([PIPELINE], [{**PIPELINE, "stages": [{k: v for k, v in STAGE.items() if k != "requiredFields"}]}]),
    "timeline.list": ([{"items": [ENTRY, {**ENTRY, "type": "stageChanged", "authorId": 1, "data": {"from": "NEW", "to": "QUALIFICATION"}}],
                        "next": None},
                       {"items": [{**ENTRY, "entityType": "company", "entityId": 4, "type": "merged", "data": {"sourceIds": [7], "filledFields": ["website"]}},
                                  {**ENTRY, "entityType": "company", "entityId": 4, "type": "requisite",
                                   "data": {"action": "added", "requisiteId": 2}}],
                        "next": "c"}],
                      [{"items": [{**ENTRY, "type": "edited"}], "next": None}, {"items": [{**ENTRY, "data": "x"}], "next": None},
                       {"items": [{**ENTRY, "entityType": "requisite"}], "next": None}]),
    "comment.add": ([ENTRY], [{**ENTRY, "at": "yesterday"}]),
    "user.get": ([USER], [{**USER, "id": 0}]),
    "user.update": ([{**USER, "timeZone": "Asia/Vladivostok", "departmentId": 2, "unixUser": 1001}], [{**USER, "unixUser": "1001"}]),
    "user.deactivate": ([{**USER, "active": False, "deactivatedAt": NOW}], [{k: v for k, v in USER.items() if k != "deactivatedAt"}]),
    "user.current": ([USER], [{"id": 1}]),
    "department.add": ([DEPARTMENT, {**DEPARTMENT, "parentId": 1}], [{**DEPARTMENT, "parentId": 0}, {"id": 2, "name": "x"}]),
    "department.get": ([DEPARTMENT], [{**DEPARTMENT, "users": []}]),
    "department.update": ([DEPARTMENT], [{**DEPARTMENT, "name": ""}]),
    "department.list": ([{"items": [DEPARTMENT]}, {"items": []}], [[DEPARTMENT]]),
    "department.delete": ([{"id": 2, "deleted": True}], [{"id": 2}]),
    "token.add": ([{**TOKEN, "token": SECRET}], [TOKEN, {**TOKEN, "token": "hunter2"}]),
    "token.list": ([{"items": [TOKEN, {**TOKEN, "revokedAt": NOW, "scopes": ["lead:read"]}]}], [{"items": [{**TOKEN, "token": SECRET}]}]),
    "token.revoke": ([{**TOKEN, "revokedAt": NOW}], [{**TOKEN, "hash": "ab"}]),
    "event.list": ([{"items": [EVENT, {**EVENT, "seq": 8, "id": "NEW", "entityType": "stage", "actor": None, "data": {}}], "last": 8},
                    {"items": [], "last": 0}],
                   [{"items": [{**EVENT, "seq": -1}], "last": 0}, {"items": [{k: v for k, v in EVENT.items() if k != "topic"}], "last": 7},
                    {"items": []}]),
    "event.subscribe": ([{"subscribed": True, "last": 0}], [{"subscribed": False, "last": 0}, {"subscribed": True}]),
    "event.unsubscribe": ([{"unsubscribed": False}], [{}, {"unsubscribed": "no"}]),
    "webhook.add": ([{**WEBHOOK, "secret": "whsec_" + "A" * 43}], [WEBHOOK, {**WEBHOOK, "secret": 1}]),
    "webhook.list": ([{"items": [WEBHOOK]}, {"items": []}], [{"items": [{**WEBHOOK, "cursor": -1}]}, {}]),
    "webhook.update": ([WEBHOOK, {**WEBHOOK, "secret": "whsec_x", "active": False, "disabledReason": "failing since " + NOW}],
                       [{**WEBHOOK, "active": None}]),
    "webhook.delete": ([{"id": 1, "deleted": True}], [{"id": 1}]),
    "webhook.deliveries": ([{"items": [DELIVERY, {**DELIVERY, "status": None, "error": "timeout", "outcome": "retry", "response": None}]}],
                           [{"items": [{**DELIVERY, "outcome": "lost"}]}, {}]),
    "webhook.redeliver": ([{k: v for k, v in DELIVERY.items() if k != "id"}], [{**DELIVERY, "attempt": -1}, {}]),
    "notification.list": ([{"items": [NOTIFICATION, {**NOTIFICATION, "kind": "robot", "entityType": None, "entityId": None, "data": {},
                                                     "readAt": NOW}], "unread": 1}, {"items": [], "unread": 0}],
                          [{"items": [{**NOTIFICATION, "readAt": "yesterday"}], "unread": 0}, {"items": []},
                           {"items": [without(NOTIFICATION, "kind")], "unread": 0}, {"items": [], "unread": -1}]),
    "notification.markRead": ([{"marked": 0}, {"marked": 3}], [{}, {"marked": -1}, {"marked": True}]),
    "notification.rules": ([{"rules": RULES}], [{"rules": {"invoicePaid": True}}, {"rules": {**RULES, "meetingBooked": True}}, RULES]),
    "notification.setRules": ([{"rules": RULES}], [{"rules": {**RULES, "invoicePaid": "on"}}, {}]),
    "session.login": ([{"user": USER, "tokenId": 3, "expiresAt": None}], [{"user": USER}, USER]),
    "sms.send": ([SMS, {**SMS, "entityType": None, "entityId": None, "to": "380441234567", "encoding": "gsm7", "segments": 3}],
                 [{**SMS, "segments": 0}, {**SMS, "to": "+79161234567"}, {**SMS, "status": "lost"}, without(SMS, "segments"),
                  {**SMS, "entityType": "deal"}]),
    "sms.get": ([{**SMS, "status": "failed", "transport": "smsru", "attempts": 1, "errorCode": "202", "error": "Неправильно указан номер"},
                 {**SMS, "status": "sent", "transport": "smsru", "attempts": 2, "gatewayId": "000000-10000000", "sentAt": NOW,
                  "interruptedAttempts": 1}, {**SMS, "status": "sending"}],
                [{**SMS, "attempts": -1}, {**SMS, "sentAt": "now"}, {**SMS, "extra": 1}]),
    "sms.status": ([{**SMS, "status": "delivered", "transport": "smsru", "attempts": 1, "gatewayId": "000000-10000001", "sentAt": NOW,
                     "deliveredAt": NOW},
                    {**SMS, "status": "failed", "transport": "smsru", "attempts": 1, "errorCode": "104", "error": "Не может быть доставлено"}],
                   [{**SMS, "deliveredAt": "today"}, {**SMS, "status": "read"}, without(SMS, "deliveredAt")]),
    "sms.list": ([{"items": [SMS], "next": 4}, {"items": [], "next": None}], [{"items": [SMS]}, {"items": [{**SMS, "id": 0}], "next": None}]),
    "settings.sms": ([{"transport": "smsru", "apiId": "********", "baseUrl": "https://sms.ru"}, {}],
                     [{"transport": "pigeon"}, {"apiId": None}]),
    "role.add": ([{**ROLE, "code": None, "builtIn": False}], [{**ROLE, "permissions": {"lead": {"read": "mine"}}}]),
    "role.get": ([ROLE], [{k: v for k, v in ROLE.items() if k != "userIds"}]),
    "role.update": ([ROLE], [{**ROLE, "builtIn": "yes"}]),
    "role.list": ([{"items": [ROLE]}], [[ROLE]]),
    "role.delete": ([{"id": 6, "deleted": True}], [{"id": 6}]),
    "user.setRoles": ([{"id": 2, "roleIds": [2]}, {"id": 2, "roleIds": []}], [{"id": 2}, {"roleIds": [2]}]),
    "department.setRoles": ([{"id": 2, "roleIds": [3]}], [{"id": 2, "roleIds": [3], "userIds": []}]),
    "lead.get": ([lead_record(requisites={**REQUISITE_FIELDS, "snils": "112-233-445 95"})],
                 [lead_record(requisites={"bik": "044525225"}), without(lead_record(), "pipelineId")]),
    "lead.update": ([lead_record(pipelineId=2, stageId="C2:NEW", version=2)], [lead_record(stageSemantic=None)]),
    "field.list": ([{"items": [CUSTOM_FIELD, {**CUSTOM_FIELD, "entityType": "deal", "required": True}]}],
                   [{"items": [without(CUSTOM_FIELD, "required")]}, {"items": [{**CUSTOM_FIELD, "entityType": "user"}]}]),
    "pipeline.add": ([{**PIPELINE, "id": 2, "entityType": "deal", "isDefault": False}], [{**PIPELINE, "entityType": "contact"}]),
    "stage.add": ([PIPELINE], [{**PIPELINE, "stages": [{**STAGE, "requiredFields": ["city", "city"]}]}]),
    "contact.add": (
        [contact_record(), contact_record(companyId=None, leadId=None, birthdate="1980-05-01", address="Москва", custom={"hobby": "x"})],
        [{"id": 3, "name": "Иван"}, contact_record(extra=1), without(contact_record(), "leadId"), contact_record(phones=None),
         contact_record(birthdate="01.05.1980"), contact_record(version=0), contact_record(title="x")],
    ),
    "contact.get": ([contact_record()], [without(contact_record(), "createdBy"), contact_record(companyId="4")]),
    "contact.update": ([contact_record(version=2, post="Директор")], [contact_record(post="x" * 501)]),
    "contact.delete": ([{"id": 3, "deleted": True}], [{"id": 3, "deleted": False}, {"deleted": True}]),
    "contact.list": (
        [{"items": [{"id": 3, "lastName": "Петров"}, contact_record(id=7)], "next": None, "total": 2}, {"items": [], "next": "x"}],
        [{"items": [{"lastName": "Петров"}], "next": None}, {"items": [contact_record(stageId="NEW")], "next": None},
         {"items": []}],
    ),
    "contact.fields": (
        [{"companyId": LINK_FIELD, "leadId": {**LINK_FIELD, "title": "Лид", "isReadOnly": True, "linkTo": "lead"},
          "birthdate": {**without(LINK_FIELD, "linkTo"), "type": "date", "title": "Дата рождения"}}],
        [{"companyId": {**LINK_FIELD, "linkTo": "requisite"}}, {"companyId": {**LINK_FIELD, "type": "reference"}}],
    ),
    "contact.merge": ([contact_record(version=4, phones=[PHONE, {"value": "+74951234567", "type": "HOME"}])],
                      [{"targetId": 3}, contact_record(sourceIds=[7])]),
    "company.add": (
        [company_record(), company_record(isMyCompany=True, website="https://romashka.ru", companyType=None, leadId=None)],
        [company_record(isMyCompany=None), company_record(companyType="VENDOR"), company_record(requisites={}),
         without(company_record(), "isMyCompany"), without(company_record(), "website"), company_record(website=5)],
    ),
    "company.get": ([company_record()], [company_record(title="x" * 501)]),
    "company.update": ([company_record(title="ИП Петров И. С.", version=2)], [company_record(version=None)]),
    "company.delete": ([{"id": 4, "deleted": True}], [{"id": 4, "deleted": "yes"}]),
    "company.list": ([{"items": [{"id": 4, "title": "Ромашка", "isMyCompany": False}, company_record(id=9)], "next": None}],
                     [{"items": [{"id": 4, "isMyCompany": None}], "next": None}, {"items": [{"id": 4}], "next": None, "total": "1"}]),
    "company.fields": (
        [{"isMyCompany": {"type": "boolean", "title": "Моя компания", "isRequired": False, "isReadOnly": False, "isMultiple": False,
                          "isCustom": False},
          "companyType": {"type": "enum", "title": "Тип компании", "isRequired": False, "isReadOnly": False, "isMultiple": False,
                          "isCustom": False, "options": ["CUSTOMER", "SUPPLIER", "PARTNER", "OTHER"]}}],
        [{"isMyCompany": {"type": "boolean", "title": "Моя компания"}}],
    ),
    "company.merge": ([company_record(version=3)], [company_record(leadId=0)]),
    "deal.add": (
        [deal_record(), deal_record(stageId="WON", stageSemantic="success", closedAt=NOW, opportunity="150000.00", currency="USD",
                                    contractNumber="Д-17", contractDate="2026-11-29", contactId=None, companyId=None, leadId=None,
                                    custom={"acceptance_period": 10})],
        [deal_record(currency=None), deal_record(opportunity=150000.0), deal_record(closedAt="2026-11-29"),
         without(deal_record(), "closedAt"), without(deal_record(), "stageSemantic"), deal_record(stageSemantic="won"),
         deal_record(contractNumber="x" * 101), deal_record(pipelineId=None)],
    ),
    "deal.get": ([deal_record(money=MONEY)],
                 [without(deal_record(money=MONEY), "currency"), deal_record(), deal_record(money=dict(MONEY, paid=9000.0)),
                  deal_record(money=without(MONEY, "overdue"))]),
    "deal.update": ([deal_record(stageId="CONTRACT_SIGNED", contractNumber="Д-17", contractDate="2026-11-29", version=3)],
                    [deal_record(stageId="contract")]),
    "deal.delete": ([{"id": 5, "deleted": True}], [{"id": 5}]),
    "deal.list": ([{"items": [{"id": 5, "opportunity": "150000.00", "currency": "RUB"}, deal_record(id=6)], "next": "n", "total": 7}],
                  [{"items": [{"id": 5, "currency": None}], "next": None}, {"items": [{"id": 5, "opportunity": 1}], "next": None}]),
    "deal.fields": (
        [{"contractNumber": {"type": "string", "title": "Номер договора", "isRequired": False, "isReadOnly": False,
                             "isMultiple": False, "isCustom": False},
          "contactId": {**LINK_FIELD, "title": "Контакт", "linkTo": "contact"}}],
        [{"contactId": {**LINK_FIELD, "linkTo": "person"}}],
    ),
    "duplicate.find": (
        [{"items": [{"id": 4, "title": "Ромашка", "matchedBy": [{"key": "inn", "value": "7707083893"}, {"key": "title", "value": "Ромашка"}]},
                    {"id": 9, "title": "Ромашка-2", "matchedBy": [{"key": "phone", "value": "+79161234567"}]}]},
         {"items": []}],
        [{"items": [{"id": 4, "title": "x", "matchedBy": [{"key": "address", "value": "x"}]}]},
         {"items": [{"id": 4, "matchedBy": []}]}, {"items": [{"id": 4, "title": "x", "matchedBy": [{"key": "inn"}]}]},
         {"contact": []}, {"items": [], "next": None}],
    ),
    "lead.convert": (
        [{"dealId": 5, "contactId": 3, "companyId": 4, "createdFields": [{"field": "custom.site_address", "entityType": "deal"},
                                                                         {"field": "custom.site_address", "entityType": "company"}]},
         {"dealId": 5, "contactId": 3, "companyId": None, "createdFields": []}],
        [{"dealId": 5, "contactId": 3, "createdFields": []}, {"dealId": 5, "contactId": None, "companyId": None, "createdFields": []},
         {"dealId": 5, "contactId": 3, "companyId": 4, "createdFields": [{"field": "custom.x", "entityType": "lead"}]},
         {"dealId": 5, "contactId": 3, "companyId": 4, "createdFields": [{"field": "custom.", "entityType": "deal"}]},
         {"dealId": 5, "contactId": 3, "companyId": 4, "createdFields": ["custom.x"]},
         {"dealId": 5, "contactId": 3, "companyId": 4, "createdFields": [], "leadId": 1}],
    ),
    "requisite.add": (
        [REQUISITE, {**REQUISITE, "entityType": "contact", "entityId": 3, "preset": "person", "name": "Личные", "fields": {},
                     "source": "manual", "bankDetails": []}],
        [{**REQUISITE, "preset": "ooo"}, {**REQUISITE, "entityType": "deal"}, without(REQUISITE, "bankDetails"),
         without(REQUISITE, "source"), {**REQUISITE, "fields": {"bik": "044525225"}}, {**REQUISITE, "fields": None},
         {**REQUISITE, "bankDetails": [{**BANK, "bik": 44525225}]}, {**REQUISITE, "createdBy": 1}],
    ),
    "requisite.get": ([REQUISITE], [{**REQUISITE, "version": 0}]),
    "requisite.update": ([{**REQUISITE, "name": "Старые", "version": 2}], [{**REQUISITE, "name": 5}]),
    "requisite.delete": ([{"id": 2, "deleted": True}], [{"id": 2, "deleted": True, "bankDetails": 1}]),
    "requisite.list": ([{"items": [REQUISITE]}, {"items": []}], [[REQUISITE], {"items": [REQUISITE], "next": None}]),
    "requisite.lookup": (
        [{"found": True, "source": "offline", "preset": "ip", "fields": REQUISITE_FIELDS},
         {"found": True, "source": "online", "preset": "legal", "fields": {"inn": "7707083893", "kpp": "773601001"}},
         {"found": False, "source": "online", "preset": None, "fields": {}}],
        [{"found": True, "source": "registry:offline", "preset": "ip", "fields": {}},
         {"found": True, "source": "offline", "preset": "person", "fields": {}},
         {"found": False, "source": "offline", "preset": None},
         {"found": "no", "source": "offline", "preset": None, "fields": {}},
         {"found": True, "source": "offline", "preset": "ip", "fields": {"bankName": "x"}}],
    ),
    "bankDetail.add": (
        [BANK, {**BANK, "bankName": None, "bankCity": None, "corrAccount": None, "name": "Основной"}],
        [{**BANK, "bik": 44525225}, without(BANK, "account"), {**BANK, "version": 0}, {**BANK, "swift": "x"},
         {**BANK, "updatedAt": None}],
    ),
    "bankDetail.update": ([{**BANK, "version": 2, "bankCity": None}], [without(BANK, "requisiteId")]),
    "bankDetail.delete": ([{"id": 1, "deleted": True}], [{"id": 1, "deleted": None}]),
    "bankDetail.list": ([{"items": [BANK]}, {"items": []}], [{"items": [{**BANK, "id": 0}]}, {}]),
    "registry.import": (
        [{"records": 6000000, "organisations": 2500000, "entrepreneurs": 3500000, "files": 12, "sourceDate": "2026-11-10"},
         {"records": 0, "organisations": 0, "entrepreneurs": 0, "files": 1, "sourceDate": None}],
        [{"records": -1, "organisations": 0, "entrepreneurs": 0, "files": 1, "sourceDate": None},
         {"records": 0, "organisations": 0, "entrepreneurs": 0, "sourceDate": None},
         {"records": 0, "organisations": 0, "entrepreneurs": 0, "files": 1, "sourceDate": "10.11.2026"},
         {"records": 1.5, "organisations": 0, "entrepreneurs": 0, "files": 1, "sourceDate": None},
         {"records": 0, "organisations": 0, "entrepreneurs": 0, "files": 1, "sourceDate": None, "path": "/tmp/rsmp.zip"}],
    ),
    "automation.add": (
        [RULE, {**RULE, "entityType": "lead", "pipelineId": None, "stageId": None, "trigger": "create", "delay": 3600, "title": None,
                "active": False}, INVOICE_RULE, {**INVOICE_RULE, "trigger": "dueIn", "status": None, "days": 3, "condition": None}],
        [{**RULE, "action": {"type": "telegram", "text": "x"}}, {**RULE, "delay": -1}, without(RULE, "createdAt"),
         {**RULE, "entityType": "company"}, {**RULE, "trigger": "leave"}, {**RULE, "title": 5}, without(RULE, "pipelineId"),
         without(RULE, "status"), without(INVOICE_RULE, "condition"), {**INVOICE_RULE, "status": "late"}, without(RULE, "days"),
         {**INVOICE_RULE, "trigger": "dueIn", "status": None, "days": 400}],
    ),
    "automation.get": ([RULE, REMINDER], [{**RULE, "active": None}]),
    "automation.update": ([{**RULE, "active": False, "delay": 60}], [{**RULE, "action": None}]),
    "automation.delete": ([{"id": 1, "deleted": True}], [{"id": "1", "deleted": True}]),
    "automation.list": ([{"items": [RULE]}, {"items": []}], [{"items": [{**RULE, "active": None}]}, [RULE]]),
    "automation.log": ([{"items": [LOG_ENTRY, {**LOG_ENTRY, "id": 1, "result": "failed", "reason": "HTTP 500", "attempt": 2,
                                               "data": {"status": 500, "retryAt": NOW}}], "nextCursor": "1"},
                        {"items": [], "nextCursor": None}],
                       [{"items": [{**LOG_ENTRY, "result": "ok"}], "nextCursor": None}, {"items": [without(LOG_ENTRY, "attempt")], "nextCursor": None},
                        {"items": [{**LOG_ENTRY, "attempt": 0}], "nextCursor": None}, {"items": []}]),
    "product.add": (
        [product_record(), product_record(name=None, sku=None, price="0.00", vatRate="none", vatIncluded=False, description="x",
                                          unit={"code": "356", "name": "ч"}, active=False, custom={"brand": "x"})],
        [product_record(price="1500"), product_record(price="-1.00"), product_record(price=None), product_record(unit={"code": "796"}),
         product_record(vatRate="18"), without(product_record(), "sku"), without(product_record(), "active"),
         product_record(currency=None), product_record(quantity="1")],
    ),
    "product.get": ([product_record()], [without(product_record(), "unit")]),
    "product.update": ([product_record(price="1600.00", version=2)], [product_record(version=0)]),
    "product.delete": ([{"id": 11, "deleted": True}], [{"id": 11}]),
    "product.list": ([{"items": [{"id": 11, "name": "x", "price": "1.00"}, product_record(id=12)], "next": None, "total": 2}],
                     [{"items": [{"id": 11, "price": "1"}], "next": None}, {"items": [{"name": "x"}], "next": None}]),
    "product.fields": (
        [{"unit": {"type": "unit", "title": "Единица измерения", "isRequired": False, "isReadOnly": False, "isMultiple": False,
                   "isCustom": False},
          "vatRate": {"type": "enum", "title": "Ставка НДС", "isRequired": False, "isReadOnly": False, "isMultiple": False,
                      "isCustom": False, "options": ["22", "20", "10", "7", "5", "0", "none"]}}],
        [{"unit": {"type": "measure", "title": "x", "isRequired": False, "isReadOnly": False, "isMultiple": False, "isCustom": False}}],
    ),
    "deal.productRows.set": (
        [ROWS, {"rows": [], "totals": {"subtotal": "0.00", "discount": "0.00", "vat": "0.00", "total": "0.00", "currency": "RUB",
                                       "vatMode": "none"}}],
        [{"rows": [ROW]}, {"rows": [without(ROW, "discountAmount")], "totals": TOTALS}, {"rows": [{**ROW, "vat": 486.89}], "totals": TOTALS},
         {"rows": [{**ROW, "unit": {"code": "796"}}], "totals": TOTALS}, {"rows": [], "totals": {**TOTALS, "vatMode": "mixed"}},
         {"rows": [], "totals": without(TOTALS, "currency")}, {"rows": [{**ROW, "quantity": "2.0000"}], "totals": TOTALS}],
    ),
    "deal.productRows.get": ([ROWS], [{"items": [ROW], "totals": TOTALS}, [ROW]]),
    "settings.get": (
        [SETTINGS, {**SETTINGS, "sellerCompanyId": 1, "publicBaseUrl": "https://crm.example.ru/p/",
                    "mail": {"transport": "smtp", "host": "smtp.example.ru", "port": 465, "username": "crm", "password": "********",
                             "from": "info@example.ru"}, "sms": {"provider": "x", "token": "********"},
                    "registry": {"source": "online", "url": "https://api.example.ru/egrul", "token": "********", "timeoutSeconds": 5}},
         {**SETTINGS, "mail": None, "invoiceDueDays": None, "defaultCurrency": None}],
        [without(SETTINGS, "mail"), {**SETTINGS, "mail": {"transport": "smtp", "password": "hunter2"}},
         {**SETTINGS, "registry": {"source": "online", "token": "abc"}}, {**SETTINGS, "invoiceNumberFormat": "{YYYY}"},
         {**SETTINGS, "mail": {"transport": "sendmail", "sendmailPath": "/bin/sh"}},
         {**SETTINGS, "theme": "dark"}, {**SETTINGS, "defaultVatRate": "18"}],
    ),
    "settings.update": ([{**SETTINGS, "sellerCompanyId": 1}], [{**SETTINGS, "sellerCompanyId": "1"}, {"sellerCompanyId": 1}]),
    "invoice.createFromDeal": (
        [invoice_record(), invoice_record(basis=None, dealId=None, comments="x", custom={"x": 1},
                                          payer={**PAYER, "entityType": "contact", "id": 3, "preset": "person", "name": "Петров Иван"})],
        [without(invoice_record(), "payments"), without(invoice_record(), "due"), invoice_record(status="new"),
         invoice_record(total=4199.99), invoice_record(payer={**PAYER, "entityType": "lead"}), invoice_record(payer=None),
         invoice_record(seller=without(SELLER, "bank")), invoice_record(seller={**SELLER, "bank": without(SELLER["bank"], "bankCity")}),
         invoice_record(rows=[without(ROW, "total")]), invoice_record(date="29.11.2026"), without(invoice_record(), "amountInWords"),
         invoice_record(payments=[without(PAYMENT, "source")]), without(invoice_record(), "messages")],
    ),
    "invoice.render": ([{"contentType": "application/pdf", "fileName": "Счет 2026-00001.pdf", "data": "JVBERi0="}],
                       [{"contentType": "application/pdf"}]),
    "invoice.publicLink": ([{"token": "0" * 64, "url": None, "expiresAt": None}], [{"token": "x", "url": None, "expiresAt": None}]),
    "invoice.revokeLink": ([{"id": 7, "revoked": 2}], [{"id": 7}]),
    "template.list": ([{"items": [{"code": "contract", "title": "Договор", "kind": "contract", "builtin": True, "updatedAt": None}]}], [{"items": [{"code": "x"}]}]),
    "template.add": ([{"code": "a", "title": "A", "kind": "other", "builtin": False, "body": "x", "createdAt": "2026-11-29T10:00:00Z", "updatedAt": "2026-11-29T10:00:00Z", "version": 1}], [{"code": "a"}]),
    "template.update": ([{"code": "a", "title": "A", "kind": "other", "builtin": False, "body": "x", "createdAt": "2026-11-29T10:00:00Z", "updatedAt": "2026-11-29T10:00:00Z", "version": 2}], [{"code": "a", "version": 0}]),
    "document.render": ([{"contentType": "application/pdf", "fileName": "contract-deal-1.pdf", "data": "JVBERi0="}], [{"data": "x"}]),
    "invoice.send": ([{"messageId": 3, "status": "queued"}], [{"messageId": 3, "status": "sent"}]),
    "invoice.getPublic": ([{"contentType": "text/html; charset=utf-8", "fileName": "Счет.html", "data": "PGh0bWw+"}], [{}]),
    "invoice.get": (
        [invoice_record(status="partiallyPaid", paid="1000.00", due="3199.99", payments=[PAYMENT]),
         invoice_record(status="overdue", payments=[{**PAYMENT, "reference": None}]),
         invoice_record(status="paid", paid="4199.99", due="0.00", payments=[{**PAYMENT, "source": "bank"}, {**PAYMENT, "source": "1c"}],
                        documents=[INVOICE_DOCUMENT, {**INVOICE_DOCUMENT, "id": 4, "date": None, "source": "1c", "fileName": None,
                                                      "size": None, "sha256": None, "contentType": None}])],
        [invoice_record(payments=[{**PAYMENT, "amount": 1000}]), invoice_record(status="unpaid"), without(invoice_record(), "version"),
         without(invoice_record(), "documents"), invoice_record(documents=[without(INVOICE_DOCUMENT, "sha256")])],
    ),
    "invoice.list": (
        [{"items": [{"id": 7, "number": "2026-00015", "status": "overdue"}, without(without(without(without(invoice_record(), "due"), "payments"), "documents"), "messages")],
          "next": None}, {"items": [], "next": None, "total": 0}],
        [{"items": [invoice_record()], "next": None}, {"items": [{"id": 7, "due": "1.00"}], "next": None},
         {"items": [{"id": 7, "payments": []}], "next": None}, {"items": [{"id": 7, "documents": []}], "next": None}, {"items": [{"number": "x"}], "next": None}],
    ),
    "invoice.setStatus": ([invoice_record(status="sent", version=2), invoice_record(status="cancelled")],
                          [invoice_record(status="sent", version=None), {"id": 7, "status": "sent"}]),
    "invoice.addPayment": ([invoice_record(status="paid", paid="4199.99", due="0.00", payments=[{**PAYMENT, "amount": "4199.99"}])],
                           [invoice_record(payments=[{**PAYMENT, "date": NOW}]), invoice_record(payments=PAYMENT)]),
    "exchange.importPayments": (
        [{"payments": 4, "matched": 2, "unmatched": 1, "duplicates": 0, "encoding": "windows1251",
          "items": [{"paymentId": 1, "status": "matched", "invoiceId": 7, "number": "118", "date": "2026-11-20"},
                    {"paymentId": 2, "status": "unmatched", "number": "119", "date": "2026-11-20"},
                    {"paymentId": None, "status": "skipped", "number": "9", "date": "2026-11-20"}]},
         {"payments": 0, "matched": 0, "unmatched": 0, "duplicates": 0, "encoding": "cp866", "items": []},
         {"documents": 5, "invoicesUpdated": 3, "payments": 2, "attached": 1, "cancelled": 1,
          "unmatched": [{"number": "77", "reason": "notFound"}, {"number": None, "reason": "number"}]},
         {"documents": 0, "invoicesUpdated": 0, "payments": 0, "attached": 0, "cancelled": 0, "unmatched": []}],
        [{"payments": 1, "matched": 0, "unmatched": 0, "duplicates": 1, "items": []},
         {"documents": 1, "invoicesUpdated": 0, "payments": 0, "attached": 0, "cancelled": 0, "unmatched": 1},
         {"documents": 1, "invoicesUpdated": 0, "payments": 0, "attached": 0, "cancelled": 0, "unmatched": [{"number": "1", "reason": "lost"}]},
         {"documents": 1, "invoicesUpdated": 0, "payments": 0, "attached": 0, "unmatched": []},
         {"payments": 1, "matched": 0, "unmatched": 0, "duplicates": 1, "encoding": "koi8", "items": []},
         {"payments": 1, "matched": 0, "unmatched": 1, "duplicates": 0, "encoding": "utf8",
          "items": [{"paymentId": 2, "status": "waiting", "number": "1", "date": "2026-11-20"}]}],
    ),
    "payment.unmatched": (
        [{"items": [{**BANK_PAYMENT, "candidates": [{"invoiceId": 7, "number": "2026-00015", "score": 85, "reasons": ["number", "inn"],
                                                     "due": "4199.99"}]}], "next": "2"},
         {"items": [], "next": None}],
        [{"items": [{**BANK_PAYMENT, "candidates": [{"invoiceId": 7, "number": "2026-00015", "score": 85, "reasons": [], "due": "1.00"}]}],
          "next": None},
         {"items": [{**BANK_PAYMENT, "status": "pending"}], "next": None}, {"items": [{**BANK_PAYMENT, "amount": 700}], "next": None}],
    ),
    "payment.match": (
        [{"payment": {**BANK_PAYMENT, "status": "matched", "invoiceId": 7},
          "invoice": invoice_record(status="partiallyPaid", paid="700.00", due="3499.99", payments=[{**PAYMENT, "amount": "700.00", "source": "bank"}])}],
        [{"payment": BANK_PAYMENT}, {"payment": {**BANK_PAYMENT, "invoiceId": "7"}, "invoice": invoice_record()}],
    ),
    "payment.ignore": ([{**BANK_PAYMENT, "status": "ignored", "ignoreReason": "Возврат займа"}, {**BANK_PAYMENT, "status": "ignored"}],
                       [{**BANK_PAYMENT, "status": "ignored", "comment": "x"}, {k: v for k, v in BANK_PAYMENT.items() if k != "purpose"}]),
    "exchange.export1C": (
        [{"encoding": "windows-1251", "version": "2.05", "count": 2, "invoiceIds": [7, 8], "data": "PD94bWw+", "until": 120},
         {"encoding": "utf-8", "version": "2.10", "count": 1, "invoiceIds": [7], "data": "PD94bWw+", "until": None}],
        [{"encoding": "windows1251", "version": "2.05", "count": 0, "invoiceIds": [], "data": "", "until": 1},
         {"encoding": "utf-8", "version": "2.05", "count": 0, "invoiceIds": [], "data": "", "until": -1},
         {"encoding": "utf-8", "version": "2.05", "count": 0, "invoiceIds": [], "data": ""},
         {"encoding": "utf-8", "version": "2.05", "count": 0, "invoiceIds": [], "data": "", "until": 1, "xml": "<x/>"}],
    ),
    "invoice.attachDocument": ([INVOICE_DOCUMENT, {**INVOICE_DOCUMENT, "fileName": None, "size": None, "sha256": None, "contentType": None}],
                               [{**INVOICE_DOCUMENT, "kind": "contract"}, {k: v for k, v in INVOICE_DOCUMENT.items() if k != "date"},
                                {k: v for k, v in INVOICE_DOCUMENT.items() if k != "sha256"}, {**INVOICE_DOCUMENT, "sha256": "ABC"}]),
    "invoice.documents": ([{"items": []}, {"items": [INVOICE_DOCUMENT, {**INVOICE_DOCUMENT, "id": 4, "date": None, "source": "1c"}]}],
                          [{"items": [{**INVOICE_DOCUMENT, "number": ""}]}, {}, {"items": [{**INVOICE_DOCUMENT, "extra": 1}]}]),
    "invoice.getDocument": ([{**INVOICE_DOCUMENT, "data": "0LDQutGC"}, {**INVOICE_DOCUMENT, "fileName": None, "size": None, "data": None}],
                            [INVOICE_DOCUMENT, {**INVOICE_DOCUMENT, "data": 5}]),
    "exchange.acknowledge": ([{"acknowledged": 120, "previous": 0}, {"acknowledged": 5, "previous": 5}],
                             [{"acknowledged": 120}, {"acknowledged": "120", "previous": 0}, {"acknowledged": -1, "previous": 0}]),
}


def cases(table):
    for method, (good, bad) in table.items():
        for i, instance in enumerate(good):
            yield pytest.param(method, instance, True, id=f"{method}-valid-{i}")
        for i, instance in enumerate(bad):
            yield pytest.param(method, instance, False, id=f"{method}-invalid-{i}")


@pytest.mark.parametrize("method,instance,valid", list(cases(PARAMS)))
def test_params_samples(method, instance, valid):
    errors = list(params(method).iter_errors(instance))
    assert (not errors) == valid, [e.message for e in errors] or "expected an error"


@pytest.mark.parametrize("method,instance,valid", list(cases(RESULTS)))
def test_result_samples(method, instance, valid):
    errors = list(result(method).iter_errors(instance))
    assert (not errors) == valid, [e.message for e in errors] or "expected an error"


def test_every_method_has_param_samples_both_ways():
    for method in METHODS:
        good, bad = PARAMS[method]
        assert good and bad, method


def test_every_method_has_result_samples_both_ways():
    for method in METHODS:
        good, bad = RESULTS[method]
        assert good and bad, method


@pytest.mark.parametrize("name,value,valid", [
    ("Timestamp", "2026-11-29T10:15:00Z", True), ("Timestamp", "2026-11-29T10:15:00.123Z", True),
    ("Timestamp", "2026-11-29T10:15:00+00:00", False), ("Timestamp", "2026-11-29", False),
    ("Date", "2026-11-29", True), ("Date", "29.11.2026", False),
    ("Decimal", "1.5", True), ("Decimal", "-3", True), ("Decimal", "1.", False), ("Decimal", 1.5, False),
    ("Decimal", "1e3", False), ("Decimal", "١", False),
    ("MoneyAmount", "12500.00", True), ("MoneyAmount", "-0.5", True), ("MoneyAmount", "1.005", False),
    # The shape only: an amount past the limit reaches the server, which says 1007 tooLarge (test_money_limits.py).
    ("MoneyAmount", "1234567890123456", True), ("MoneyAmount", "1.", False), ("MoneyAmount", "1e3", False),
    ("Currency", "RUB", True), ("Currency", "rub", False),
    ("FieldName", "city", True), ("FieldName", "custom.site_address", True), ("FieldName", "custom.", False),
    ("FieldName", "1st", False), ("FieldName", "a.b.c", False),
    ("StageId", "C2:WON", True), ("StageId", "won", False),
    ("Id", 1, True), ("Id", 0, False), ("Id", True, False),
    ("Text", None, True), ("Text", "я" * 500, True), ("Text", "x" * 501, False), ("LongText", "x" * 20001, False),
    ("Address", "x" * 1000, True), ("Address", "x" * 1001, False), ("Address", 5, False),
    ("EntityType", "deal", True), ("EntityType", "invoice", True), ("EntityType", "product", True),
    ("EntityType", "requisite", False), ("EntityType", "user", False), ("PipelineEntityType", "deal", True),
    ("PipelineEntityType", "company", False), ("CustomerEntityType", "company", True), ("CustomerEntityType", "lead", False),
    ("DescribedFieldType", "link", True), ("DescribedFieldType", "reference", False),
    ("DescribedFieldType", "unit", True), ("DescribedFieldType", "json", True), ("DescribedFieldType", "object", False),
    ("Quantity", "1", True), ("Quantity", "1.5", True), ("Quantity", "0.001", True), ("Quantity", "999999999999.999", True),
    ("Quantity", "1.0005", False), ("Quantity", "-1", False), ("Quantity", 1.5, False), ("Quantity", "1e3", False),
    ("Quantity", "1234567890123", True), ("Quantity", ".5", False),
    ("VATRate", "22", True), ("VATRate", "none", True), ("VATRate", "0", True), ("VATRate", "18", False), ("VATRate", 22, False),
    ("VATRate", None, False),
    ("Unit", {"code": "796"}, True), ("Unit", {"code": "796", "name": "шт"}, True), ("Unit", {"code": "79"}, False),
    ("Unit", {"code": 796}, False), ("Unit", {"name": "шт"}, False), ("Unit", {"code": "796", "symbol": "шт"}, False),
    ("Discount", {"type": "percent", "value": "12.5"}, True), ("Discount", {"type": "percent", "value": "100"}, True),
    ("Discount", {"type": "amount", "value": "1500.00"}, True), ("Discount", {"type": "percent", "value": "100.01"}, False),
    ("Discount", {"type": "percent", "value": "150"}, False), ("Discount", {"type": "amount", "value": "-1"}, False),
    ("Discount", {"type": "amount", "value": "1.005"}, False), ("Discount", {"type": "amount", "value": 100}, False),
    ("Discount", {"type": "bonus", "value": "1"}, False), ("Discount", {"type": "amount"}, False),
    ("TimelineEntryType", "merged", True), ("TimelineEntryType", "requisite", True),
    ("Requisites", {"okvedName": "x", "region": "Москва", "smeCategory": "Микропредприятие", "snils": "112-233-445 95"}, True),
    ("Requisites", {"bik": "044525225"}, False), ("Requisites", {"snils": None}, False),
])
def test_common_defs(name, value, valid):
    errors = list(validator(f"{BASE}common.json#/$defs/{name}").iter_errors(value))
    assert (not errors) == valid


MATCH = {"id": 4, "title": "Ромашка", "matchedBy": [{"key": "email", "value": "info@romashka.ru"}]}


@pytest.mark.parametrize("code,value,valid", [
    (1001, {"entityType": "lead", "id": None, "stageId": "NEW", "missing": [{"field": "city", "title": "Город"}]}, True),
    (1001, {"entityType": "company", "id": 4, "stageId": None, "missing": [{"field": "custom.segment", "title": "Сегмент"}]}, True),
    (1001, {"entityType": "deal", "id": 5, "stageId": "won", "missing": []}, False),
    (1001, {"entityType": "company", "id": 4, "missing": []}, False),
    (1001, {"entityType": "deal", "id": 5, "stageId": None,
            "missing": [{"field": "payer", "title": "Плательщик"}, {"field": "productRows", "title": "Товары и услуги"},
                        {"field": "seller.bank", "title": "Банковский счёт продавца"}]}, True),
    (1005, {"reason": "paid", "status": "partiallyPaid"}, True), (1005, {"status": "paid"}, False),
    (1007, {"field": "amount", "reason": "overpayment"}, True), (1007, {"field": "rows.0.price"}, False),
    (1003, {"contact": [MATCH], "company": []}, True),
    (1003, {"company": [{**MATCH, "matchedBy": [{"key": "address", "value": "x"}]}]}, False),
    (1003, {"contact": [{"id": 3, "matchedBy": []}]}, False),
    (1004, {"fields": [{"field": "custom.site_address", "title": "Адрес объекта", "type": "address",
                        "missingIn": ["deal", "company"]}]}, True),
    (1004, {"fields": [{"field": "custom.x", "title": "x", "type": "string", "missingIn": ["lead"]}]}, False),
    (1004, {"fields": [{"field": "custom.x", "title": "x", "missingIn": ["deal"]}]}, False),
    (1008, {"reason": "timeout"}, True), (1008, {"reason": "badFile", "detail": "not a ZIP"}, True),
    (1008, {"reason": "dns"}, False), (1008, {}, False),
])
def test_error_data(code, value, valid):
    data = DOCS["common.json"]["x-errorCodes"][str(code)]["data"]["$ref"]
    errors = list(validator(f"{BASE}common.json{data}").iter_errors(value))
    assert (not errors) == valid, [e.message for e in errors] or "expected an error"


@pytest.mark.parametrize("value,valid", [
    ({"progressToken": "import-1", "records": 1000, "bytesRead": 65536, "totalBytes": 1048576}, True),
    ({"progressToken": 7, "records": 0, "bytesRead": 0, "totalBytes": None}, True),
    ({"records": 0, "bytesRead": 0, "totalBytes": None}, False),
    ({"progressToken": 7, "records": 0, "bytesRead": -1, "totalBytes": None}, False),
    ({"progressToken": 7, "records": 0, "bytesRead": 0}, False),
])
def test_registry_import_progress_notification(value, valid):
    errors = list(validator(f"{BASE}methods/registry.import.json#/$defs/progress").iter_errors(value))
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
