"""Contacts, companies, deals, requisites, bank details, duplicates, merges and robots through the
real server (seed scenarios S11-S17). Every result is checked against its method's schema.

Most tests share one server per xdist worker (`scrm`) and only touch records they made
themselves; tests that change global state (the default deal pipeline, the whole list of
records) get a fresh server (`crm`)."""
from __future__ import annotations

import itertools
import shutil
import tempfile
import time
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import CheckedClient, CrmdServer
from helpers import (assert_error_data, uid, inn10, inn12, ogrn, ogrnip, refused, timeline, checked_client, start_server, stop_server,
                     without_money)
from crmd_client import (Conflict, InvalidParams, InvalidValue, NotFound, RequiredFieldsMissing)

DEAL_STAGES = ["NEW", "PREPARATION", "CONTRACT_SIGNED", "INVOICE", "EXECUTING", "WON", "LOSE"]
DEAL_TITLES = {"NEW": "Новая", "PREPARATION": "Подготовка документов", "CONTRACT_SIGNED": "Договор подписан",
               "INVOICE": "Счёт выставлен", "EXECUTING": "В работе", "WON": "Сделка успешна",
               "LOSE": "Сделка провалена"}


# ---------------------------------------------------------------------------- servers

@pytest.fixture(scope="session")
def customers_server(crmd_bin):
    """One server per xdist worker shared by the tests below that only use their own records."""
    server, directory = start_server(crmd_bin, "customers")
    yield server
    stop_server(server, directory)


@pytest.fixture
def scrm(customers_server, request) -> CheckedClient:
    """A schema-checking client on the shared server."""
    yield from checked_client(customers_server, request)


def phone(n: int | None = None) -> str:
    """A Russian mobile number no other test uses, in the `+7 9XX XXX-XX-XX` notation."""
    digits = f"9{(uid() if n is None else n) % 10**9:09d}"
    return f"+7 {digits[:3]} {digits[3:6]}-{digits[6:8]}-{digits[8:]}"


def national(number: str) -> str:
    return "".join(c for c in number if c.isdigit())[-10:]


# ---------------------------------------------------------------------------- identifier oracles


def account_ok(bik: str, account: str, corr: bool = False) -> bool:
    """The control key of a 20-digit account against the BIK (Bank of Russia order 515)."""
    digits = (("0" + bik[4:6]) if corr else bik[6:9]) + account
    return sum(int(d) * w % 10 for d, w in zip(digits, itertools.cycle((7, 1, 3)))) % 10 == 0


def with_key(bik: str, account: str) -> str:
    """`account` with its control digit (the 9th) set so that it is valid for `bik`."""
    for key in "0123456789":
        candidate = account[:8] + key + account[9:]
        if account_ok(bik, candidate):
            return candidate
    raise AssertionError("no control digit fits")


VALID_BANK = [  # bik, corrAccount, settlement account (REFERENCE-ru.md)
    ("044030653", "30101810500000000653", "40702810955230165464"),
    ("044525593", None, "40702810801400016513"),
    ("049805746", None, "40602810700000000025"),
    ("044525225", "30101810400000000225", None),  # the account is made with the key computed here
]


def test_identifier_oracles_agree_with_the_reference_vectors():
    assert inn10(770708389) == "7707083893" and inn10(773620754) == "7736207543" and inn10(123456789) == "1234567894"
    assert inn12(5001007322) == "500100732259" and inn12(6352775704) == "635277570478"
    assert ogrn(2770013219) == "1027700132195" and ogrn(2770022919) == "1027700229193"
    assert ogrnip(450011600015) == "304500116000157"
    assert account_ok("044525225", "30101810400000000225", corr=True)
    assert account_ok("044030653", "30101810500000000653", corr=True)
    for bik, _, account in VALID_BANK[:3]:
        assert account_ok(bik, account)
        assert not account_ok(bik, account[:-1] + str((int(account[-1]) + 1) % 10))
    assert not account_ok("044525225", "40702810955230165464")


# ---------------------------------------------------------------------------- helpers


def comments(crm, entity: str, id_: int) -> list:
    return [e for e in timeline(crm, entity, id_) if e["type"] == "comment"]


def default_pipeline(crm, entity: str = "deal") -> dict:
    return next(p for p in crm.call("pipeline.list", {"entityType": entity})["items"] if p["isDefault"])


def when(text: str) -> datetime:
    return datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)


def recent(text: str) -> bool:
    return abs((when(text) - datetime.now(timezone.utc)).total_seconds()) < 120


def company(crm, title: str | None = None, **fields) -> dict:
    return crm.call("company.add", {"fields": {"title": title or f"Компания {uid()}", **fields}})


def contact(crm, name: str | None = None, **fields) -> dict:
    return crm.call("contact.add", {"fields": {"name": name or f"Контакт{uid()}", **fields}})


def deal(crm, title: str | None = None, **fields) -> dict:
    return crm.call("deal.add", {"fields": {"title": title or f"Сделка {uid()}", **fields}})


# ---------------------------------------------------------------------------- contacts

def test_contact_add_returns_the_whole_record(scrm):
    number = phone()
    c = contact(scrm, "Иван", secondName="Сергеевич", lastName="Петров", post="Директор",
                phones=[{"value": number, "type": "MOBILE"}, {"value": "+7 495 000-00-00"}],
                emails=[{"value": "ivan@example.ru"}], address="Москва, ул. Ленина, 1", birthdate="1980-02-29",
                source="Сайт", comments="Звонить утром")
    assert (c["name"], c["secondName"], c["lastName"], c["post"]) == ("Иван", "Сергеевич", "Петров", "Директор")
    assert c["phones"] == [{"value": number, "type": "MOBILE"}, {"value": "+7 495 000-00-00", "type": "WORK"}]
    assert c["emails"] == [{"value": "ivan@example.ru", "type": "WORK"}]
    assert (c["address"], c["birthdate"], c["source"], c["comments"]) == \
        ("Москва, ул. Ленина, 1", "1980-02-29", "Сайт", "Звонить утром")
    # Added through a session without a responsible: the caller (the administrator) is.
    assert c["companyId"] is None and c["leadId"] is None and c["assignedTo"] == 1 and c["opened"] is False and c["custom"] == {}
    assert c["version"] == 1 and c["createdAt"] == c["updatedAt"] and recent(c["createdAt"])
    assert scrm.call("contact.get", {"id": c["id"]}) == c
    bare = contact(scrm)
    assert bare["phones"] == [] and bare["emails"] == [] and bare["lastName"] is None and bare["birthdate"] is None


def test_contact_update_delete_and_versions(scrm):
    c = contact(scrm, "Анна", lastName="Смирнова", source="Сайт", phones=[{"value": phone()}])
    updated = scrm.call("contact.update", {"id": c["id"], "fields": {"post": "Бухгалтер", "phones": []},
                                           "expectedVersion": 1})
    assert updated["post"] == "Бухгалтер" and updated["phones"] == [] and updated["version"] == 2
    assert updated["source"] == "Сайт" and updated["lastName"] == "Смирнова" and updated["createdAt"] == c["createdAt"]
    cleared = scrm.call("contact.update", {"id": c["id"], "fields": {"source": None}})
    assert cleared["source"] is None and cleared["version"] == 3
    error = refused(scrm, Conflict, "contact.update", {"id": c["id"], "fields": {"name": "x"}, "expectedVersion": 2})
    assert error.reason == "version"
    assert scrm.call("contact.get", {"id": c["id"]}) == cleared
    assert scrm.call("contact.delete", {"id": c["id"]}) == {"id": c["id"], "deleted": True}
    error = refused(scrm, NotFound, "contact.get", {"id": c["id"]})
    assert error.data == {"entityType": "contact", "id": c["id"]}
    refused(scrm, NotFound, "contact.delete", {"id": c["id"]})
    refused(scrm, NotFound, "contact.update", {"id": c["id"], "fields": {"name": "x"}})


def test_contact_idempotency_key(scrm):
    key = f"contact-{uid()}"
    first = scrm.call("contact.add", {"fields": {"name": "Олег"}, "idempotencyKey": key})
    again = scrm.call("contact.add", {"fields": {"name": "Другой"}, "idempotencyKey": key})
    assert again == first


# ---------------------------------------------------------------------------- companies

def test_company_add_defaults_and_is_my_company(scrm):
    plain = company(scrm, "ООО «Ромашка»")
    assert plain["isMyCompany"] is False
    assert (plain["companyType"], plain["website"], plain["address"], plain["industry"]) == (None, None, None, None)
    assert plain["phones"] == [] and plain["emails"] == [] and plain["custom"] == {} and plain["leadId"] is None
    assert scrm.call("company.get", {"id": plain["id"]}) == plain
    mine = company(scrm, "ООО «Продавец»", isMyCompany=True, companyType="OTHER", website="https://seller.example.ru",
                   industry="Охрана", address="Химки", phones=[{"value": phone()}])
    assert mine["isMyCompany"] is True and mine["companyType"] == "OTHER" and mine["website"] == "https://seller.example.ru"
    described = scrm.call("company.fields")
    assert described["isMyCompany"]["type"] == "boolean" and described["isMyCompany"]["isCustom"] is False


def test_company_update_and_delete(scrm):
    c = company(scrm, "АО Василёк", industry="IT")
    updated = scrm.call("company.update", {"id": c["id"], "fields": {"isMyCompany": True, "website": "https://vasilek.ru",
                                                                     "industry": None}})
    assert updated["isMyCompany"] is True and updated["website"] == "https://vasilek.ru" and updated["industry"] is None
    assert updated["title"] == "АО Василёк" and updated["version"] == 2
    with pytest.raises(InvalidParams):
        scrm.call("company.update", {"id": c["id"], "fields": {"website": "vasilek.ru"}})
    with pytest.raises(InvalidParams):
        scrm.call("company.update", {"id": c["id"], "fields": {"companyType": "FRIEND"}})
    assert scrm.call("company.get", {"id": c["id"]}) == updated
    assert scrm.call("company.delete", {"id": c["id"]}) == {"id": c["id"], "deleted": True}
    error = refused(scrm, NotFound, "company.get", {"id": c["id"]})
    assert error.data == {"entityType": "company", "id": c["id"]}


# ---------------------------------------------------------------------------- deals

def test_deal_defaults(scrm):
    pipeline = default_pipeline(scrm)
    d = deal(scrm, "Монтаж видеонаблюдения")
    assert d["currency"] == "RUB" and d["opportunity"] is None
    assert d["pipelineId"] == pipeline["id"] and d["stageId"] == "NEW" and d["stageSemantic"] == "process"
    assert d["closedAt"] is None and d["leadId"] is None and d["contactId"] is None and d["companyId"] is None
    assert d["contractNumber"] is None and d["contractDate"] is None and d["custom"] == {} and d["version"] == 1
    assert without_money(scrm.call("deal.get", {"id": d["id"]})) == d


@pytest.mark.parametrize("given,stored", [("1200.5", "1200.50"), ("1200", "1200.00"), ("0.10", "0.10"), ("007", "7.00"),
                                          ("-0.5", "-0.50"), ("9999999999999.99", "9999999999999.99")])
def test_deal_opportunity_is_canonical_money(scrm, given, stored):
    d = deal(scrm, opportunity=given)
    assert d["opportunity"] == stored and d["currency"] == "RUB"
    assert scrm.call("deal.get", {"id": d["id"]})["opportunity"] == stored
    again = scrm.call("deal.update", {"id": d["id"], "fields": {"opportunity": given}})
    assert again["opportunity"] == stored


@pytest.mark.parametrize("amount", ["1.005", "12.345", "1e3", "1,5", 12.5])
def test_deal_opportunity_with_too_many_decimals_is_refused(scrm, amount):
    """MoneyAmount allows two decimals: the schema refuses more (-32602, checked first), the server
    would say 1007; either way nothing is created or changed."""
    title = f"Копейки {uid()}"
    with pytest.raises((InvalidParams, InvalidValue)) as caught:
        scrm.call("deal.add", {"fields": {"title": title, "opportunity": amount}})
    error = caught.value
    assert_error_data(error)
    if isinstance(error, InvalidValue):
        assert error.field == "opportunity"
    else:
        assert any(e["path"] == "/fields/opportunity" for e in error.errors), error.errors
    assert scrm.call("deal.list", {"filter": {"title": title}, "count": True})["total"] == 0
    d = deal(scrm, opportunity="10.00")
    with pytest.raises((InvalidParams, InvalidValue)):
        scrm.call("deal.update", {"id": d["id"], "fields": {"opportunity": amount}})
    assert without_money(scrm.call("deal.get", {"id": d["id"]})) == d


def test_deal_currency(scrm):
    d = deal(scrm, opportunity="100", currency="USD")
    assert d["currency"] == "USD" and d["opportunity"] == "100.00"
    back = scrm.call("deal.update", {"id": d["id"], "fields": {"currency": None}})
    assert back["currency"] == "RUB" and back["opportunity"] == "100.00"
    with pytest.raises(InvalidParams):
        scrm.call("deal.update", {"id": d["id"], "fields": {"currency": "rub"}})


def test_deal_update_delete(scrm):
    d = deal(scrm, comments="Первый звонок")
    updated = scrm.call("deal.update", {"id": d["id"], "fields": {"title": "Новое имя", "comments": None,
                                                                  "contractNumber": "Д-15"}, "expectedVersion": 1})
    assert (updated["title"], updated["comments"], updated["contractNumber"], updated["version"]) == \
        ("Новое имя", None, "Д-15", 2)
    refused(scrm, Conflict, "deal.update", {"id": d["id"], "fields": {"title": "x"}, "expectedVersion": 1})
    assert scrm.call("deal.delete", {"id": d["id"]}) == {"id": d["id"], "deleted": True}
    assert refused(scrm, NotFound, "deal.get", {"id": d["id"]}).data == {"entityType": "deal", "id": d["id"]}


# ---------------------------------------------------------------------------- links

def test_links_to_existing_records(scrm):
    co = company(scrm)
    c = contact(scrm, companyId=co["id"])
    assert c["companyId"] == co["id"]
    d = deal(scrm, contactId=c["id"], companyId=co["id"])
    assert (d["contactId"], d["companyId"]) == (c["id"], co["id"])
    d = scrm.call("deal.update", {"id": d["id"], "fields": {"contactId": None, "companyId": None}})
    assert (d["contactId"], d["companyId"]) == (None, None)


@pytest.mark.parametrize("method,field", [("contact.add", "companyId"), ("deal.add", "contactId"), ("deal.add", "companyId")])
def test_add_with_a_link_to_a_missing_record(scrm, method, field):
    title = f"Ссылка {uid()}"
    fields = {"title": title} if method == "deal.add" else {"name": title}
    error = refused(scrm, InvalidValue, method, {"fields": {**fields, field: 987654321}})
    assert error.field == field and error.reason == "notFound"
    entity = method.split(".")[0]
    key = "title" if entity == "deal" else "name"
    assert scrm.call(f"{entity}.list", {"filter": {key: title}, "count": True})["total"] == 0


@pytest.mark.parametrize("entity,field", [("contact", "companyId"), ("deal", "contactId"), ("deal", "companyId")])
def test_update_with_a_link_to_a_missing_record_changes_nothing(scrm, entity, field):
    record = contact(scrm) if entity == "contact" else deal(scrm)
    gone = company(scrm) if field == "companyId" else contact(scrm)
    scrm.call(f"{field[:-2]}.delete", {"id": gone["id"]})
    error = refused(scrm, InvalidValue, f"{entity}.update", {"id": record["id"], "fields": {field: gone["id"], "comments": "x"}})
    assert error.field == field and error.reason == "notFound"
    assert without_money(scrm.call(f"{entity}.get", {"id": record["id"]})) == record


def test_deleting_a_linked_contact_unlinks_it_and_raises_the_deal_version(scrm):
    """API.md: every record has a `version`, raised by each change."""
    c = contact(scrm)
    d = deal(scrm, contactId=c["id"])
    scrm.call("contact.delete", {"id": c["id"]})
    after = scrm.call("deal.get", {"id": d["id"]})
    assert after["contactId"] is None
    assert after["version"] > d["version"], f"the deal lost its contact without a new version: {after}"


# ---------------------------------------------------------------------------- lists

COMPANIES = [  # title, industry, companyType, isMyCompany, comments, address
    ("ООО Ромашка", "Охрана", "CUSTOMER", False, None, "Москва, ул. Ленина, 1"),
    ("АО Василёк", "IT", "SUPPLIER", True, "Наш продавец", "Химки"),
    ("ИП Петров", None, "CUSTOMER", False, "Звонить после обеда", None),
    ("ООО Ромашка-Юг", "Охрана", None, False, None, "Ростов-на-Дону"),
    ("Horns and Hooves", "IT", "PARTNER", False, "Lunch meetings only", "London"),
    ("ЗАО Бета", "Строительство", "CUSTOMER", False, None, "Москва, Тверская, 7"),
    ("Гамма Плюс", None, None, False, "Сигнализация склада", "Тверь"),
]
CONTACTS = [  # name, lastName, post, company index, address, comments
    ("Иван", "Петров", "Директор", 0, "Москва", None),
    ("Анна", "Смирнова", "Бухгалтер", 0, None, "Отпуск в августе"),
    ("Пётр", "Ёлкин", None, 2, "Тверь, ул. Советская", None),
    ("John", "Smith", "CEO", 4, "London", "Prefers e-mail"),
    ("Мария", "Иванова", "Директор", None, None, None),
    ("Олег", "Ершов", "Инженер", 5, "Москва, Тверская", "Нужен выезд"),
]
DEALS = [  # title, opportunity, currency, stage, company index, contact index, comments, contractNumber
    ("Поставка камер", "200.00", "RUB", "NEW", 0, 0, None, None),
    ("Монтаж СКУД", "1000", "RUB", "PREPARATION", 0, 1, "Срочно", None),
    ("Обслуживание", "99.99", "USD", "NEW", 4, 3, None, None),
    ("Охрана склада", "1000.01", "RUB", "WON", 2, 2, None, "Д-2026/15"),
    ("Сигнализация", None, "RUB", "LOSE", None, 4, "Клиент ушёл к конкурентам", None),
    ("Домофоны", "15000.50", "EUR", "EXECUTING", 5, 5, None, "Д-2026/16"),
    ("Турникеты", "250", "RUB", "NEW", None, None, None, None),
]


@pytest.fixture(scope="session")
def catalog(crmd_bin):
    """A server of its own holding only the rows above; returns {entity: [row dicts with ids]}."""
    directory = Path(tempfile.mkdtemp(prefix="crmd-", dir="/tmp"))
    server = CrmdServer(crmd_bin, directory, name="catalog").start()
    try:
        with server.client() as c:
            companies = []
            for i, (title, industry, kind, mine, note, address) in enumerate(COMPANIES):
                number = phone(900_000_100 + i)
                record = c.call("company.add", {"fields": {
                    "title": title, "industry": industry, "companyType": kind, "isMyCompany": mine, "comments": note,
                    "address": address, "phones": [{"value": number}], "emails": [{"value": f"office{i}@firm{i}.ru"}]}})
                companies.append({**record, "phone": number})
            contacts = []
            for i, (name, last, post, co, address, note) in enumerate(CONTACTS):
                record = c.call("contact.add", {"fields": {
                    "name": name, "lastName": last, "post": post, "companyId": companies[co]["id"] if co is not None else None,
                    "address": address, "comments": note, "phones": [{"value": phone(900_000_200 + i)}],
                    "emails": [{"value": f"person{i}@mail.ru"}]}})
                contacts.append(record)
            deals = []
            for title, amount, currency, stage, co, ct, note, number in DEALS:
                fields = {"title": title, "opportunity": amount, "currency": currency, "stageId": stage, "comments": note,
                          "companyId": companies[co]["id"] if co is not None else None,
                          "contactId": contacts[ct]["id"] if ct is not None else None}
                if number:
                    fields.update(contractNumber=number, contractDate="2026-03-01")
                deals.append(c.call("deal.add", {"fields": fields}))
        yield {"company": companies, "contact": contacts, "deal": deals, "server": server}
    finally:
        code = server.stop()
        text = server.stderr_text()
        shutil.rmtree(directory, ignore_errors=True)
    assert code == 0, f"catalog crmd did not exit cleanly: {code}\n{text[-5000:]}"


@pytest.fixture
def ccrm(catalog, request) -> CheckedClient:
    request.node.crmd_servers = [catalog["server"]]
    with catalog["server"].client() as client:
        yield CheckedClient(client)


def listed(crm, entity: str, **params) -> set:
    result = crm.call(f"{entity}.list", {"limit": 500, "count": True, **params})
    assert result["total"] == len(result["items"]) and result["next"] is None
    return {item["id"] for item in result["items"]}


def low(value) -> str:
    return (value or "").lower()


LIST_FILTERS = [
    ("company", {"isMyCompany": True}, lambda r: r["isMyCompany"]),
    ("company", {"isMyCompany": False}, lambda r: not r["isMyCompany"]),
    ("company", {"%title": "РОМАШ"}, lambda r: "ромаш" in low(r["title"])),
    ("company", {"industry": "Охрана"}, lambda r: r["industry"] == "Охрана"),
    ("company", {"industry": None}, lambda r: r["industry"] is None),
    ("company", {"!industry": None}, lambda r: r["industry"] is not None),
    ("company", {"@companyType": ["CUSTOMER", "PARTNER"]}, lambda r: r["companyType"] in ("CUSTOMER", "PARTNER")),
    ("company", {"!@companyType": ["CUSTOMER"]}, lambda r: r["companyType"] != "CUSTOMER"),
    ("company", {"%address": "москва"}, lambda r: "москва" in low(r["address"])),
    ("contact", {"%lastName": "ЁЛК"}, lambda r: "ёлк" in low(r["lastName"])),
    ("contact", {"post": "Директор"}, lambda r: r["post"] == "Директор"),
    ("contact", {"!post": "Директор"}, lambda r: r["post"] != "Директор"),
    ("contact", {"companyId": None}, lambda r: r["companyId"] is None),
    ("contact", {"%name": "ан"}, lambda r: "ан" in low(r["name"])),
    ("deal", {"currency": "RUB"}, lambda r: r["currency"] == "RUB"),
    ("deal", {"@stageId": ["NEW", "WON"]}, lambda r: r["stageId"] in ("NEW", "WON")),
    ("deal", {"stageSemantic": "process"}, lambda r: r["stageSemantic"] == "process"),
    ("deal", {"!stageSemantic": "process"}, lambda r: r["stageSemantic"] != "process"),
    ("deal", {">opportunity": "150"}, lambda r: r["opportunity"] is not None and Decimal(r["opportunity"]) > 150),
    ("deal", {">=opportunity": "1000"}, lambda r: r["opportunity"] is not None and Decimal(r["opportunity"]) >= 1000),
    ("deal", {"<opportunity": "250"}, lambda r: r["opportunity"] is not None and Decimal(r["opportunity"]) < 250),
    ("deal", {"opportunity": None}, lambda r: r["opportunity"] is None),
    ("deal", {"closedAt": None}, lambda r: r["closedAt"] is None),
    ("deal", {"!closedAt": None}, lambda r: r["closedAt"] is not None),
    ("deal", {"%contractNumber": "2026/1"}, lambda r: "2026/1" in low(r["contractNumber"])),
    ("deal", {"%title": "СКУД", "stageId": "PREPARATION"}, lambda r: "скуд" in low(r["title"]) and r["stageId"] == "PREPARATION"),
]


@pytest.mark.parametrize("entity,filter_,predicate", LIST_FILTERS, ids=[f"{e}-{f}" for e, f, _ in LIST_FILTERS])
def test_list_filters(ccrm, catalog, entity, filter_, predicate):
    expected = {r["id"] for r in catalog[entity] if predicate(r)}
    assert expected, "a filter test should match something"
    assert listed(ccrm, entity, filter=filter_) == expected


@pytest.mark.parametrize("entity,field,index", [("contact", "companyId", 0), ("deal", "companyId", 0), ("deal", "contactId", 0)])
def test_list_filter_by_a_link_field(ccrm, catalog, entity, field, index):
    """API.md Lists: keys of `filter` are field names; `contact.companyId`, `deal.companyId` and
    `deal.contactId` are fields (`*.fields` type `link`) whose values are integer ids."""
    target = catalog["company" if field == "companyId" else "contact"][index]["id"]
    expected = {r["id"] for r in catalog[entity] if r[field] == target}
    assert listed(ccrm, entity, filter={field: target}) == expected
    assert listed(ccrm, entity, filter={f"@{field}": [target]}) == expected


LIST_SEARCHES = [
    ("company", "ромашка", {"ООО Ромашка", "ООО Ромашка-Юг"}),
    ("company", "ОБЕДА", {"ИП Петров"}),
    ("company", "василёк", {"АО Василёк"}),
    ("company", "lunch", {"Horns and Hooves"}),
    ("company", "office3@firm3.ru", {"ООО Ромашка-Юг"}),
    ("company", "9900000105", {"ЗАО Бета"}),
    ("company", "сигнализация", {"Гамма Плюс"}),
    ("contact", "ЁЛКИН", {"Ёлкин"}),
    ("contact", "бухгалтер", {"Смирнова"}),
    ("contact", "АВГУСТЕ", {"Смирнова"}),
    ("contact", "person3@mail.ru", {"Smith"}),
    ("contact", "тверская", {"Ершов"}),
    ("deal", "камер", {"Поставка камер"}),
    ("deal", "СРОЧНО", {"Монтаж СКУД"}),
    ("deal", "конкурентам", {"Сигнализация"}),
    ("deal", "Д-2026/16", {"Домофоны"}),
    ("deal", "несуществующееслово", set()),
]


@pytest.mark.parametrize("entity,query,expected", LIST_SEARCHES, ids=[f"{e}-{q}" for e, q, _ in LIST_SEARCHES])
def test_list_search(ccrm, catalog, entity, query, expected):
    ids = listed(ccrm, entity, search=query)
    key = "lastName" if entity == "contact" else "title"
    assert {r[key] for r in catalog[entity] if r["id"] in ids} == expected


def sort_key(row, field):
    value = row.get(field)
    if field == "opportunity" and value is not None:
        return Decimal(value)
    return value


LIST_ORDERS = [
    ("company", {"title": "asc"}), ("company", {"title": "desc"}), ("company", [{"createdAt": "asc"}, {"title": "desc"}]),
    ("company", {"id": "desc"}), ("contact", {"name": "asc"}), ("contact", [{"lastName": "desc"}, {"name": "asc"}]),
    ("deal", {"opportunity": "asc"}), ("deal", {"opportunity": "desc"}), ("deal", [{"stageId": "asc"}, {"title": "asc"}]),
    ("deal", {"createdAt": "desc"}),
]


@pytest.mark.parametrize("entity,order", LIST_ORDERS, ids=[f"{e}-{o}" for e, o in LIST_ORDERS])
def test_list_order_and_cursor_visit_every_row_once(ccrm, catalog, entity, order):
    rows = {r["id"]: r for r in catalog[entity]}
    keys = order if isinstance(order, list) else [order]
    for limit in (1, 2, 500):
        seen, cursor, pages = [], None, 0
        while True:
            page = ccrm.call(f"{entity}.list", {"order": order, "limit": limit, "cursor": cursor, "select": ["title" if entity != "contact" else "name"]})
            assert len(page["items"]) <= limit
            seen += [item["id"] for item in page["items"]]
            cursor, pages = page["next"], pages + 1
            assert pages < 100, "pagination does not end"
            if cursor is None:
                break
        assert sorted(seen) == sorted(rows), f"every row exactly once (limit {limit}): {seen}"
        for a, b in zip(seen, seen[1:]):
            for spec in keys:
                (field, direction), = spec.items()
                x, y = sort_key(rows[a], field), sort_key(rows[b], field)
                if x == y:
                    continue
                if x is None or y is None:
                    break
                assert (x < y) if direction == "asc" else (x > y), (field, direction, rows[a], rows[b])
                break
        first = next(iter(keys[0]))
        nulls = [sort_key(rows[i], first) is None for i in seen]
        assert nulls in (sorted(nulls), sorted(nulls, reverse=True)), "nulls together at one end"


def test_list_select_default_page_and_count(ccrm, catalog):
    page = ccrm.call("deal.list", {"select": ["title", "opportunity"], "limit": 500})
    assert all(set(item) == {"id", "title", "opportunity"} for item in page["items"])
    assert "total" not in page
    full = ccrm.call("company.list", {"limit": 1})
    assert full["items"][0] == ccrm.call("company.get", {"id": full["items"][0]["id"]}) and full["next"] is not None
    assert ccrm.call("contact.list", {"count": True, "limit": 1})["total"] == len(CONTACTS)


@pytest.mark.parametrize("entity,params", [
    ("company", {"filter": {"nosuchfield": 1}}), ("contact", {"order": {"nosuchfield": "asc"}}),
    ("deal", {"select": ["nosuchfield"]}), ("deal", {"filter": {">opportunity": "abc"}}), ("company", {"limit": 0}),
])
def test_list_with_unknown_or_malformed_params(ccrm, entity, params):
    refused(ccrm, InvalidParams, f"{entity}.list", params)


# ---------------------------------------------------------------------------- S17: the deal pipeline

def test_default_deal_pipeline(scrm):
    pipeline = default_pipeline(scrm)
    assert pipeline["entityType"] == "deal"
    stages = pipeline["stages"]
    assert [s["id"] for s in stages] == DEAL_STAGES
    assert {s["id"]: s["title"] for s in stages} == DEAL_TITLES
    semantics = {s["id"]: s["semantic"] for s in stages}
    assert semantics.pop("WON") == "success" and semantics.pop("LOSE") == "failure"
    assert set(semantics.values()) == {"process"}
    contract = next(s for s in stages if s["id"] == "CONTRACT_SIGNED")
    assert set(contract["requiredFields"]) >= {"contractNumber", "contractDate"}
    assert [p["isDefault"] for p in scrm.call("pipeline.list", {"entityType": "deal"})["items"]].count(True) == 1


S17_FIELDS = [("acceptance_days", "Срок подписания акта, дней", "integer", 5),
              ("premises", "Технические параметры помещения", "text", "Склад 850 м², высота 6 м, периметр 120 м"),
              ("site_address", "Адрес объекта", "address", "Химки, Ленинградское ш., 1")]


@pytest.fixture(scope="session")
def contract_server(crmd_bin):
    """S17 on a server of its own: "Contract signed" requires the contract and the company's own fields."""
    server, directory = start_server(crmd_bin, "contract")
    with server.client() as client:
        crm = CheckedClient(client)
        for code, title, kind, _ in S17_FIELDS:
            crm.call("field.add", {"entityType": "deal", "code": code, "title": title, "type": kind})
        pipeline = default_pipeline(crm)
        required = ["contractNumber", "contractDate"] + [f"custom.{code}" for code, *_ in S17_FIELDS]
        pipeline = crm.call("stage.update", {"pipelineId": pipeline["id"], "stageId": "CONTRACT_SIGNED", "requiredFields": required})
        assert next(s for s in pipeline["stages"] if s["id"] == "CONTRACT_SIGNED")["requiredFields"] == required
        assert default_pipeline(crm) == pipeline
        described = crm.call("deal.fields")
        server.rules = {field: described[field]["title"] for field in required}
    yield server
    stop_server(server, directory)


@pytest.fixture
def contract_rules(contract_server) -> dict:
    return contract_server.rules


@pytest.fixture
def kcrm(contract_server, request) -> CheckedClient:
    yield from checked_client(contract_server, request)


@pytest.mark.parametrize("target", ["CONTRACT_SIGNED", "INVOICE", "EXECUTING", "WON"])
def test_jump_without_the_contract_fields_is_refused_and_changes_nothing(kcrm, contract_rules, target):
    d = deal(kcrm, "Монтаж")
    history = timeline(kcrm, "deal", d["id"])
    error = refused(kcrm, RequiredFieldsMissing, "deal.update", {"id": d["id"], "fields": {"stageId": target, "title": "Другое"}})
    assert error.data["entityType"] == "deal" and error.data["id"] == d["id"] and error.stage_id == target
    assert {m["field"]: m["title"] for m in error.missing} == contract_rules
    assert len(error.missing) == len(contract_rules)
    for code, title, *_ in S17_FIELDS:
        assert contract_rules[f"custom.{code}"] == title
    assert without_money(kcrm.call("deal.get", {"id": d["id"]})) == d
    assert timeline(kcrm, "deal", d["id"]) == history


def test_partly_filled_jump_lists_only_what_is_left(kcrm, contract_rules):
    d = deal(kcrm)
    error = refused(kcrm, RequiredFieldsMissing, "deal.update", {"id": d["id"], "fields": {
        "stageId": "CONTRACT_SIGNED", "contractNumber": "15", "custom": {"acceptance_days": 5}}})
    assert {m["field"] for m in error.missing} == set(contract_rules) - {"contractNumber", "custom.acceptance_days"}
    assert without_money(kcrm.call("deal.get", {"id": d["id"]})) == d


def test_filling_the_fields_in_the_move_call_moves_the_deal(kcrm, contract_rules):
    d = deal(kcrm, opportunity="50000")
    custom = {code: value for code, _, _, value in S17_FIELDS}
    moved = kcrm.call("deal.update", {"id": d["id"], "fields": {
        "stageId": "CONTRACT_SIGNED", "contractNumber": "15", "contractDate": "2026-03-01", "custom": custom}})
    assert moved["stageId"] == "CONTRACT_SIGNED" and moved["version"] == 2 and moved["closedAt"] is None
    assert (moved["contractNumber"], moved["contractDate"], moved["custom"]) == ("15", "2026-03-01", custom)
    entry = next(e for e in timeline(kcrm, "deal", d["id"]) if e["type"] == "stageChanged")
    assert (entry["data"]["from"], entry["data"]["to"]) == ("NEW", "CONTRACT_SIGNED")
    assert {c["field"] for c in entry["data"]["changes"]} == set(contract_rules)
    assert kcrm.call("deal.update", {"id": d["id"], "fields": {"stageId": "INVOICE"}})["stageId"] == "INVOICE"
    # once required, a field cannot be emptied
    error = refused(kcrm, RequiredFieldsMissing, "deal.update", {"id": d["id"], "fields": {"custom": {"premises": None}}})
    assert [m["field"] for m in error.missing] == ["custom.premises"]
    won = kcrm.call("deal.update", {"id": d["id"], "fields": {"stageId": "WON"}})
    assert won["stageSemantic"] == "success" and won["closedAt"] is not None and recent(won["closedAt"])
    assert won["closedAt"] >= won["createdAt"]


def test_adding_a_deal_at_a_guarded_stage_is_refused(kcrm, contract_rules):
    title = f"Сразу в счёт {uid()}"
    error = refused(kcrm, RequiredFieldsMissing, "deal.add", {"fields": {"title": title, "stageId": "INVOICE"}})
    assert error.data["id"] is None and error.stage_id == "INVOICE" and {m["field"] for m in error.missing} == set(contract_rules)
    assert kcrm.call("deal.list", {"filter": {"title": title}, "count": True})["total"] == 0


def test_won_and_lost_deals_get_closed_at(scrm):
    d = deal(scrm, contractNumber="7", contractDate="2026-02-01")
    assert d["closedAt"] is None
    won = scrm.call("deal.update", {"id": d["id"], "fields": {"stageId": "WON"}})
    assert won["stageSemantic"] == "success" and won["closedAt"] and recent(won["closedAt"])
    assert scrm.call("deal.get", {"id": d["id"]})["closedAt"] == won["closedAt"]
    lost = scrm.call("deal.update", {"id": deal(scrm)["id"], "fields": {"stageId": "LOSE"}})
    assert lost["stageSemantic"] == "failure" and lost["closedAt"] and recent(lost["closedAt"])


def test_unknown_deal_stage(scrm):
    d = deal(scrm)
    refused(scrm, (InvalidValue, NotFound), "deal.update", {"id": d["id"], "fields": {"stageId": "NO_SUCH_STAGE"}})
    assert without_money(scrm.call("deal.get", {"id": d["id"]})) == d


# ---------------------------------------------------------------------------- S13: robots

def builtin_rule(crm) -> dict:
    pipeline = default_pipeline(crm)
    rules = [r for r in crm.call("automation.list", {"entityType": "deal"})["items"] if r["delay"] == 0
             and r["action"]["type"] == "comment" and "{{deal.title}}" in r["action"]["text"] and r["pipelineId"] == pipeline["id"]]
    assert rules, "no built-in next-steps rule on the default deal pipeline"
    return rules[0]


def test_next_steps_robot_comments_on_every_new_deal(scrm):
    rule = builtin_rule(scrm)
    assert rule["entityType"] == "deal" and rule["active"] is True
    assert rule in scrm.call("automation.list", {})["items"]
    co = company(scrm, f"ООО Вектор {uid()}")
    number = phone()
    c = contact(scrm, "Анна", lastName="Смирнова", phones=[{"value": number}])
    d = deal(scrm, f"Отложенная {uid()}", contactId=c["id"], companyId=co["id"])
    (comment,) = [e for e in comments(scrm, "deal", d["id"]) if d["title"] in e["data"]["text"]]
    assert comment["authorId"] is None and comment["data"].get("ruleId", rule["id"]) == rule["id"]
    text = comment["data"]["text"]
    assert "{{" not in text and "}}" not in text, text
    for value in (d["title"], co["title"], "Анна", "Смирнова", number):
        assert value in text, (value, text)
    bare = deal(scrm, f"Без связей {uid()}")
    (comment,) = [e for e in comments(scrm, "deal", bare["id"]) if bare["title"] in e["data"]["text"]]
    assert "{{" not in comment["data"]["text"] and comment["authorId"] is None


@pytest.fixture
def side_pipeline(scrm) -> dict:
    """A deal pipeline of the test's own, so that its robots touch no other test's deals."""
    return scrm.call("pipeline.add", {"entityType": "deal", "title": f"Монтаж {uid()}"})


def test_automation_crud(scrm, side_pipeline):
    p = side_pipeline
    stage = p["stages"][0]["id"]
    rule = scrm.call("automation.add", {"entityType": "deal", "pipelineId": p["id"], "trigger": "create",
                                        "action": {"type": "comment", "text": "Позвоните {{contact.name}}"}, "title": "Звонок"})
    assert (rule["entityType"], rule["pipelineId"], rule["stageId"], rule["trigger"], rule["delay"], rule["active"]) == \
        ("deal", p["id"], None, "create", 0, True)
    assert rule["title"] == "Звонок" and recent(rule["createdAt"])
    assert scrm.call("automation.get", {"id": rule["id"]}) == rule
    assert rule in scrm.call("automation.list", {"entityType": "deal"})["items"]
    assert rule not in scrm.call("automation.list", {"entityType": "lead"})["items"]
    updated = scrm.call("automation.update", {"id": rule["id"], "title": None, "active": False, "trigger": "enter",
                                              "stageId": stage})
    assert (updated["title"], updated["active"], updated["trigger"], updated["stageId"]) == (None, False, "enter", stage)
    assert updated["action"] == rule["action"] and updated["pipelineId"] == p["id"] and updated["createdAt"] == rule["createdAt"]
    assert scrm.call("automation.get", {"id": rule["id"]}) == updated
    error = refused(scrm, InvalidValue, "automation.update", {"id": rule["id"], "stageId": "NO_SUCH_STAGE"})
    assert error.field == "stageId"
    assert scrm.call("automation.get", {"id": rule["id"]}) == updated
    refused(scrm, NotFound, "automation.update", {"id": 987654, "title": "x"})
    assert scrm.call("automation.delete", {"id": rule["id"]}) == {"id": rule["id"], "deleted": True}
    error = refused(scrm, NotFound, "automation.get", {"id": rule["id"]})
    assert error.data == {"entityType": "automation", "id": rule["id"]}
    refused(scrm, NotFound, "automation.delete", {"id": rule["id"]})
    assert rule["id"] not in {r["id"] for r in scrm.call("automation.list", {})["items"]}


def test_automation_update_to_a_stage_of_another_pipeline_is_refused(scrm, side_pipeline):
    """automation.update keeps the keys not given and checks the rule as automation.add does, which
    refuses a stage of another pipeline (1007): the rule must not silently change its pipeline."""
    rule = scrm.call("automation.add", {"entityType": "deal", "pipelineId": side_pipeline["id"], "trigger": "create",
                                        "action": {"type": "comment", "text": "Проверка"}})
    with pytest.raises(InvalidValue) as caught:
        scrm.call("automation.update", {"id": rule["id"], "stageId": "CONTRACT_SIGNED"})
    assert caught.value.field == "stageId"
    assert scrm.call("automation.get", {"id": rule["id"]}) == rule


@pytest.mark.parametrize("params,field", [
    ({"trigger": "enter"}, "stageId"),
    ({"trigger": "enter", "stageId": "NO_SUCH_STAGE"}, "stageId"),
    ({"trigger": "enter", "stageId": "CONTRACT_SIGNED", "pipelineId": "side"}, "stageId"),
    ({"trigger": "create", "pipelineId": 987654}, None),
])
def test_automation_add_refuses_bad_rules(scrm, side_pipeline, params, field):
    if params.get("pipelineId") == "side":
        params = {**params, "pipelineId": side_pipeline["id"]}
    before = scrm.call("automation.list", {})["items"]
    error = refused(scrm, (InvalidValue, NotFound), "automation.add",
                    {"entityType": "deal", "action": {"type": "comment", "text": "x"}, **params})
    if field:
        assert error.field == field
    assert scrm.call("automation.list", {})["items"] == before


def test_automation_rules_run_on_their_pipeline_only(scrm, side_pipeline):
    p = side_pipeline
    stages = [s["id"] for s in p["stages"]]
    marker = f"робот-{uid()}"
    scrm.call("automation.add", {"entityType": "deal", "pipelineId": p["id"], "trigger": "create",
                                 "action": {"type": "comment", "text": f"{marker} создана {{{{deal.title}}}}"}})
    scrm.call("automation.add", {"entityType": "deal", "pipelineId": p["id"], "trigger": "create", "active": False,
                                 "action": {"type": "comment", "text": f"{marker} выключен"}})
    scrm.call("automation.add", {"entityType": "deal", "stageId": stages[1], "trigger": "enter",
                                 "action": {"type": "comment", "text": f"{marker} успех"}})
    inside = deal(scrm, "Внутри", pipelineId=p["id"])
    outside = deal(scrm, "Снаружи")
    texts = [e["data"]["text"] for e in comments(scrm, "deal", inside["id"]) if marker in e["data"]["text"]]
    assert texts == [f"{marker} создана Внутри"]
    assert not [e for e in comments(scrm, "deal", outside["id"]) if marker in e["data"]["text"]]
    scrm.call("deal.update", {"id": inside["id"], "fields": {"stageId": stages[1]}})
    texts = [e["data"]["text"] for e in comments(scrm, "deal", inside["id"]) if marker in e["data"]["text"]]
    assert texts == [f"{marker} успех", f"{marker} создана Внутри"]


def test_delayed_robot_comments_after_its_delay(scrm, side_pipeline):
    p = side_pipeline
    marker = f"отложено-{uid()}"
    rule = scrm.call("automation.add", {"entityType": "deal", "pipelineId": p["id"], "trigger": "create", "delay": 1,
                                        "action": {"type": "comment", "text": f"{marker} {{{{deal.title}}}} {{{{contact.name}}}}"}})
    assert rule["delay"] == 1
    assert scrm.call("automation.list", {"entityType": "deal"})["items"].count(rule) == 1
    c = contact(scrm, "Глеб")
    started = time.monotonic()
    d = deal(scrm, "Подождать", pipelineId=p["id"], contactId=c["id"])
    found = []
    while time.monotonic() - started < 3.5 and not found:
        found = [e for e in comments(scrm, "deal", d["id"]) if marker in e["data"]["text"]]
        time.sleep(0.1)
    assert found, "the delayed comment did not appear within 3.5 s"
    assert found[0]["data"]["text"] == f"{marker} Подождать Глеб" and found[0]["authorId"] is None
    # The job runs when the server's clock (whole seconds) reaches creation + delay, whatever
    # the speed of this machine: the comment is never stamped before that.
    assert (when(found[0]["at"]) - when(d["createdAt"])).total_seconds() >= 1, "acted before its delay"


# ---------------------------------------------------------------------------- requisites

def valid_requisites(n: int) -> list:
    return [
        ("company", "legal", {"inn": inn10(770000000 + n % 10**7), "kpp": "773601001", "ogrn": ogrn(2770000000 + n)}),
        ("company", "legal", {"inn": "7707083893", "kpp": "7736AB001", "ogrn": "1027700132195", "opf": "ПАО",
                              "fullName": "ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО «СБЕРБАНК РОССИИ»"}),
        ("company", "ip", {"inn": inn12(5000000000 + n), "ogrnip": ogrnip(450000000000 + n), "lastName": "Петров"}),
        ("company", "ip", {"inn": "500100732259", "ogrnip": "304500116000157"}),
        ("contact", "person", {"inn": "635277570478", "lastName": "Иванова", "firstName": "Анна"}),
        ("contact", "person", {"inn": inn12(7700000000 + n)}),
        ("contact", "ip", {"inn": "123456789047", "ogrnip": "385768585948949"}),
    ]


@pytest.mark.parametrize("index", range(7))
def test_requisite_add_valid_per_preset(scrm, index):
    entity, preset, fields = valid_requisites(uid())[index]
    owner = company(scrm) if entity == "company" else contact(scrm)
    r = scrm.call("requisite.add", {"entityType": entity, "entityId": owner["id"], "preset": preset, "fields": fields,
                                    "name": "Основные"})
    assert (r["entityType"], r["entityId"], r["preset"], r["source"], r["name"]) == (entity, owner["id"], preset, "manual", "Основные")
    assert {k: r["fields"].get(k) for k in fields} == fields and r["bankDetails"] == [] and r["version"] == 1
    assert scrm.call("requisite.get", {"id": r["id"]}) == r
    assert scrm.call("requisite.list", {"entityType": entity, "entityId": owner["id"]})["items"] == [r]
    entry = next(e for e in timeline(scrm, entity, owner["id"]) if e["type"] == "requisite")
    assert entry["data"]["requisiteId"] == r["id"]


INVALID_REQUISITES = [  # preset, fields, field, reason (None: any reason)
    ("legal", {"inn": "7707083894"}, "inn", "checksum"),
    ("legal", {"inn": "1234567895"}, "inn", "checksum"),
    ("legal", {"inn": "500100732259"}, "inn", None),       # 12 digits for an organisation
    ("legal", {"inn": "77070838a3"}, "inn", None),
    ("legal", {"inn": "7707083893", "kpp": "77360100"}, "kpp", None),
    ("legal", {"inn": "7707083893", "kpp": "77360100X"}, "kpp", None),
    ("legal", {"inn": "7707083893", "ogrn": "1027700132196"}, "ogrn", "checksum"),
    ("legal", {"inn": "7707083893", "ogrn": "102770013219"}, "ogrn", None),
    ("ip", {"inn": "635277570473"}, "inn", "checksum"),
    ("ip", {"inn": "7707083893"}, "inn", None),             # 10 digits for a person
    ("ip", {"inn": "500100732259", "ogrnip": "304500116000154"}, "ogrnip", "checksum"),
    ("ip", {"inn": "500100732259", "ogrnip": "30450011600015"}, "ogrnip", None),
    ("person", {"inn": "635277570473"}, "inn", "checksum"),
    ("person", {"inn": "500100732258"}, "inn", "checksum"),
    ("person", {"inn": "1234567894"}, "inn", None),
]


@pytest.mark.parametrize("preset,fields,field,reason", INVALID_REQUISITES,
                         ids=[f"{p}-{f}-{'-'.join(v.values())}" for p, v, f, _ in INVALID_REQUISITES])
def test_requisite_add_refuses_bad_identifiers(scrm, preset, fields, field, reason):
    owner = contact(scrm) if preset == "person" else company(scrm)
    entity = "contact" if preset == "person" else "company"
    error = refused(scrm, InvalidValue, "requisite.add", {"entityType": entity, "entityId": owner["id"], "preset": preset,
                                                          "fields": fields})
    assert error.field == field, error.data
    assert isinstance(error.reason, str) and error.reason
    if reason:
        assert error.reason == reason, error.data
    assert scrm.call("requisite.list", {"entityType": entity, "entityId": owner["id"]})["items"] == []
    assert not [e for e in timeline(scrm, entity, owner["id"]) if e["type"] == "requisite"]


def test_requisite_add_to_a_missing_record(scrm):
    error = refused(scrm, NotFound, "requisite.add", {"entityType": "company", "entityId": 987654321, "preset": "legal",
                                                      "fields": {"inn": "7707083893"}})
    assert error.data == {"entityType": "company", "id": 987654321}


def test_requisite_update_and_delete(scrm):
    owner = company(scrm)
    r = scrm.call("requisite.add", {"entityType": "company", "entityId": owner["id"], "preset": "legal",
                                    "fields": {"inn": "7707083893", "kpp": "773601001"}})
    error = refused(scrm, InvalidValue, "requisite.update", {"id": r["id"], "fields": {"ogrn": "1027700132196"}})
    assert (error.field, error.reason) == ("ogrn", "checksum")
    assert scrm.call("requisite.get", {"id": r["id"]}) == r
    updated = scrm.call("requisite.update", {"id": r["id"], "fields": {"ogrn": "1027700132195", "fullName": "ПАО Сбербанк"},
                                             "name": "Главные", "expectedVersion": 1})
    assert updated["fields"] == {"inn": "7707083893", "kpp": "773601001", "ogrn": "1027700132195", "fullName": "ПАО Сбербанк"}
    assert updated["version"] == 2 and updated["name"] == "Главные"
    assert refused(scrm, Conflict, "requisite.update", {"id": r["id"], "fields": {"okved": "64.19"},
                                                        "expectedVersion": 1}).reason == "version"
    bank = scrm.call("bankDetail.add", {"requisiteId": r["id"], "fields": {"bik": "049805746", "account": "40602810700000000025"}})
    assert scrm.call("requisite.delete", {"id": r["id"]}) == {"id": r["id"], "deleted": True}
    refused(scrm, NotFound, "requisite.get", {"id": r["id"]})
    refused(scrm, NotFound, "bankDetail.update", {"id": bank["id"], "fields": {"bankName": "x"}})
    assert scrm.call("requisite.list", {"entityType": "company", "entityId": owner["id"]})["items"] == []
    actions = [e["data"].get("action") for e in timeline(scrm, "company", owner["id"]) if e["type"] == "requisite"]
    # Newest first: every change of the requisite and its bank details shows on its owner.
    assert actions == ["deleted", "bankDetailAdded", "updated", "added"]


# ---------------------------------------------------------------------------- bank details

@pytest.fixture
def requisite(scrm) -> dict:
    owner = company(scrm)
    return scrm.call("requisite.add", {"entityType": "company", "entityId": owner["id"], "preset": "legal",
                                       "fields": {"inn": "7707083893", "kpp": "773601001"}})


@pytest.mark.parametrize("bik,corr,account", VALID_BANK, ids=[v[0] for v in VALID_BANK])
def test_bank_detail_add_valid(scrm, requisite, bik, corr, account):
    account = account or with_key(bik, "40702810000000001234")
    fields = {"bik": bik, "account": account, "bankName": "Банк", "bankCity": "Москва", "name": "Основной"}
    if corr:
        fields["corrAccount"] = corr
    b = scrm.call("bankDetail.add", {"requisiteId": requisite["id"], "fields": fields})
    assert {k: b[k] for k in fields} == fields and b["corrAccount"] == corr and b["requisiteId"] == requisite["id"]
    assert b["version"] == 1
    assert scrm.call("bankDetail.list", {"requisiteId": requisite["id"]})["items"] == [b]
    assert scrm.call("requisite.get", {"id": requisite["id"]})["bankDetails"] == [b]


def test_bank_account_made_for_one_bik_fails_for_another(scrm, requisite):
    account = with_key("044525225", "40702810000000001234")
    if not account_ok("044525593", account):
        error = refused(scrm, InvalidValue, "bankDetail.add", {"requisiteId": requisite["id"],
                                                               "fields": {"bik": "044525593", "account": account}})
        assert (error.field, error.reason) == ("account", "checksum")


@pytest.mark.parametrize("fields,field", [
    ({"bik": "044030653", "account": "40702810955230165465"}, "account"),
    ({"bik": "044030653", "account": "40702810955230165454"}, "account"),
    ({"bik": "044525225", "account": "40702810955230165464"}, "account"),
    ({"bik": "044525593", "account": "40702810801400016514"}, "account"),
    ({"bik": "044030653", "corrAccount": "30101810500000000654", "account": "40702810955230165464"}, "corrAccount"),
    ({"bik": "044525225", "corrAccount": "30101810500000000653", "account": "40702810955230165464"}, None),
])
def test_bank_detail_with_a_wrong_key_is_refused(scrm, requisite, fields, field):
    error = refused(scrm, InvalidValue, "bankDetail.add", {"requisiteId": requisite["id"], "fields": fields})
    if field:
        assert (error.field, error.reason) == (field, "checksum")
    else:
        assert error.field in ("account", "corrAccount")
    assert scrm.call("bankDetail.list", {"requisiteId": requisite["id"]})["items"] == []


def test_bank_detail_update_list_delete(scrm, requisite):
    first = scrm.call("bankDetail.add", {"requisiteId": requisite["id"], "fields": {
        "bik": "044030653", "corrAccount": "30101810500000000653", "account": "40702810955230165464", "bankCity": "СПб"}})
    second = scrm.call("bankDetail.add", {"requisiteId": requisite["id"], "fields": {
        "bik": "049805746", "account": "40602810700000000025"}})
    assert [b["id"] for b in scrm.call("bankDetail.list", {"requisiteId": requisite["id"]})["items"]] == [first["id"], second["id"]]
    error = refused(scrm, InvalidValue, "bankDetail.update", {"id": first["id"], "fields": {"account": "40702810955230165463"}})
    assert (error.field, error.reason) == ("account", "checksum")
    error = refused(scrm, InvalidValue, "bankDetail.update", {"id": first["id"], "fields": {"bik": "044525593"}})
    assert error.field in ("account", "corrAccount")
    assert scrm.call("bankDetail.list", {"requisiteId": requisite["id"]})["items"][0] == first
    moved = scrm.call("bankDetail.update", {"id": first["id"], "fields": {
        "bik": "044525593", "corrAccount": None, "account": "40702810801400016513", "bankName": "АО «Альфа-Банк»", "bankCity": None}})
    assert (moved["bik"], moved["corrAccount"], moved["account"], moved["bankName"], moved["bankCity"]) == \
        ("044525593", None, "40702810801400016513", "АО «Альфа-Банк»", None)
    assert moved["version"] == 2 and moved["createdAt"] == first["createdAt"]
    assert scrm.call("bankDetail.delete", {"id": first["id"]}) == {"id": first["id"], "deleted": True}
    assert scrm.call("bankDetail.list", {"requisiteId": requisite["id"]})["items"] == [second]
    assert refused(scrm, NotFound, "bankDetail.delete", {"id": first["id"]}).data == {"entityType": "bankDetail", "id": first["id"]}
    refused(scrm, NotFound, "bankDetail.add", {"requisiteId": 987654321, "fields": {"bik": "049805746", "account": "40602810700000000025"}})
    refused(scrm, NotFound, "bankDetail.list", {"requisiteId": 987654321})


# ---------------------------------------------------------------------------- S11: duplicates

def make_known(crm) -> dict:
    """A company with a phone, an e-mail and an INN, a contact of it, and another company."""
    co = crm.call("company.add", {"fields": {"title": "ООО «Ромашка»", "phones": [{"value": "8 (916) 123-45-67"}],
                                             "emails": [{"value": "Info@Romashka.RU"}]}})
    crm.call("requisite.add", {"entityType": "company", "entityId": co["id"], "preset": "legal", "fields": {"inn": "7736207543"}})
    ct = crm.call("contact.add", {"fields": {"name": "Иван", "lastName": "Петров", "companyId": co["id"],
                                             "phones": [{"value": "+7 916 123 45 67"}], "emails": [{"value": "ivan.petrov@mail.ru"}]}})
    crm.call("requisite.add", {"entityType": "contact", "entityId": ct["id"], "preset": "person", "fields": {"inn": "635277570478"}})
    other = crm.call("company.add", {"fields": {"title": "АО Василёк", "phones": [{"value": "+7 495 111-22-33"}]}})
    return {"company": co, "contact": ct, "other": other}


@pytest.fixture(scope="session")
def dupes_server(crmd_bin):
    """A server of its own holding only `make_known`'s records; the tests only read it."""
    server, directory = start_server(crmd_bin, "dupes")
    with server.client() as client:
        server.known = make_known(CheckedClient(client))
    yield server
    stop_server(server, directory)


@pytest.fixture
def dcrm(dupes_server, request) -> CheckedClient:
    yield from checked_client(dupes_server, request)


@pytest.fixture
def known(dupes_server) -> dict:
    return dupes_server.known


def found(crm, **params) -> dict:
    return {m["id"]: {k["key"] for k in m["matchedBy"]} for m in crm.call("duplicate.find", params)["items"]}


@pytest.mark.parametrize("notation", ["8 (916) 123-45-67", "+7 916 123 45 67", "89161234567", "9161234567", "+79161234567",
                                      "8-916-123-45-67", "+7 (916) 123-45-67 доб. 12", "81079161234567"])
def test_duplicates_by_phone_in_any_notation(dcrm, known, notation):
    assert found(dcrm, entityType="contact", phones=[notation]) == {known["contact"]["id"]: {"phone"}}
    assert found(dcrm, entityType="company", phones=[notation]) == {known["company"]["id"]: {"phone"}}


@pytest.mark.parametrize("notation", ["+7 916 123-45-68", "1234567", "+1 916 123 45 67"])
def test_other_phones_are_no_duplicates(dcrm, known, notation):
    assert found(dcrm, entityType="contact", phones=[notation]) == {}
    assert found(dcrm, entityType="company", phones=[notation]) == {}


def test_duplicates_by_email_ignore_case(dcrm, known):
    assert found(dcrm, entityType="company", emails=["INFO@romashka.ru"]) == {known["company"]["id"]: {"email"}}
    assert found(dcrm, entityType="contact", emails=["Ivan.Petrov@MAIL.ru"]) == {known["contact"]["id"]: {"email"}}
    assert found(dcrm, entityType="contact", emails=["ivan.petrov@mail.com"]) == {}


def test_duplicates_by_inn(dcrm, known):
    assert found(dcrm, entityType="company", inn="7736207543") == {known["company"]["id"]: {"inn"}}
    assert found(dcrm, entityType="contact", inn="635277570478") == {known["contact"]["id"]: {"inn"}}
    assert found(dcrm, entityType="company", inn="7707083893") == {}
    match = dcrm.call("duplicate.find", {"entityType": "company", "inn": "7736207543"})["items"][0]
    assert match["title"] == "ООО «Ромашка»" and match["matchedBy"] == [{"key": "inn", "value": "7736207543"}]


@pytest.mark.parametrize("title", ["Ромашка", "ООО Ромашка", "ооо \"Ромашка\"", "«Ромашка»", "ООО «РОМАШКА»", "Ромашка ООО",
                                   "Общество с ограниченной ответственностью «Ромашка»"])
def test_duplicates_by_company_title_with_and_without_legal_form(dcrm, known, title):
    assert found(dcrm, entityType="company", title=title) == {known["company"]["id"]: {"title"}}


@pytest.mark.parametrize("title", ["Ромашки", "Ромашка-Юг", "Василёк Ромашка"])
def test_other_titles_are_no_duplicates(dcrm, known, title):
    assert known["company"]["id"] not in found(dcrm, entityType="company", title=title)


def test_duplicates_by_contact_name(dcrm, known):
    assert found(dcrm, entityType="contact", title="Иван Петров") == {known["contact"]["id"]: {"title"}}
    assert found(dcrm, entityType="contact", title="Петров Иван") == {known["contact"]["id"]: {"title"}}
    assert found(dcrm, entityType="contact", title="Пётр Иванов") == {}


def test_duplicates_list_every_key_that_matched(dcrm, known):
    assert found(dcrm, entityType="company", title="Ромашка", inn="7736207543", phones=["89161234567"],
                 emails=["info@romashka.ru"]) == {known["company"]["id"]: {"title", "inn", "phone", "email"}}
    both = found(dcrm, entityType="company", phones=["89161234567", "8 495 111 22 33"])
    assert both == {known["company"]["id"]: {"phone"}, known["other"]["id"]: {"phone"}}


def test_a_deleted_company_is_no_duplicate_and_takes_its_requisites_along(crm):
    """company.delete must take the company's requisites with it: afterwards neither `requisite.get`
    nor `duplicate.find` may still see them."""
    co = make_known(crm)["company"]
    (requisite,) = crm.call("requisite.list", {"entityType": "company", "entityId": co["id"]})["items"]
    crm.call("company.delete", {"id": co["id"]})
    assert found(crm, entityType="company", phones=["89161234567"]) == {}
    assert found(crm, entityType="company", inn="7736207543") == {}, "a deleted company is still found by its INN"
    refused(crm, NotFound, "requisite.get", {"id": requisite["id"]})


def test_a_new_company_inherits_nothing_from_a_deleted_one(crm):
    crm.call("company.add", {"fields": {"title": "Остаётся"}})
    old = crm.call("company.add", {"fields": {"title": "Удаляемая"}})
    crm.call("requisite.add", {"entityType": "company", "entityId": old["id"], "preset": "legal", "fields": {"inn": "7707083893"}})
    crm.call("comment.add", {"entityType": "company", "id": old["id"], "text": "Комментарий удалённой компании"})
    crm.call("company.delete", {"id": old["id"]})
    new = crm.call("company.add", {"fields": {"title": "Новая"}})
    assert crm.call("requisite.list", {"entityType": "company", "entityId": new["id"]})["items"] == [], \
        f"company {new['id']} got the requisites of deleted company {old['id']}"
    assert [e["type"] for e in timeline(crm, "company", new["id"])] == ["created"], \
        f"company {new['id']} got the timeline of deleted company {old['id']}"


# ---------------------------------------------------------------------------- S12: merges

def test_company_merge(scrm):
    number = phone()
    target = company(scrm, f"Ромашка {uid()}", phones=[{"value": number}], industry="Охрана")
    first = company(scrm, f"ООО «Ромашка» {uid()}", industry="IT", website="https://romashka.example.ru",
                    phones=[{"value": "8" + national(number)}, {"value": "+7 495 000-00-01", "type": "HOME"}],
                    emails=[{"value": "info@romashka.example.ru"}])
    second = company(scrm, f"Ромашка-2 {uid()}", address="Москва", comments="Второй офис")
    worker = contact(scrm, companyId=first["id"])
    sale = deal(scrm, companyId=second["id"], contactId=worker["id"])
    requisite = scrm.call("requisite.add", {"entityType": "company", "entityId": first["id"], "preset": "legal",
                                            "fields": {"inn": "7707083893"}})
    note = scrm.call("comment.add", {"entityType": "company", "id": second["id"], "text": f"заметка {uid()}"})

    merged = scrm.call("company.merge", {"targetId": target["id"], "sourceIds": [first["id"], second["id"]]})
    assert merged["id"] == target["id"] and merged["title"] == target["title"] and merged["industry"] == "Охрана"
    assert (merged["website"], merged["address"], merged["comments"]) == ("https://romashka.example.ru", "Москва", "Второй офис")
    assert merged["emails"] == [{"value": "info@romashka.example.ru", "type": "WORK"}]
    assert [national(p["value"]) for p in merged["phones"]] == [national(number), "4950000001"], merged["phones"]
    assert merged["version"] > target["version"]
    assert scrm.call("company.get", {"id": target["id"]}) == merged
    for source in (first, second):
        assert refused(scrm, NotFound, "company.get", {"id": source["id"]}).data == {"entityType": "company", "id": source["id"]}
    assert scrm.call("contact.get", {"id": worker["id"]})["companyId"] == target["id"]
    assert scrm.call("deal.get", {"id": sale["id"]})["companyId"] == target["id"]
    moved = scrm.call("requisite.list", {"entityType": "company", "entityId": target["id"]})["items"]
    assert [r["id"] for r in moved] == [requisite["id"]] and moved[0]["entityId"] == target["id"]
    history = timeline(scrm, "company", target["id"])
    assert note["id"] in {e["id"] for e in history} and all(e["entityId"] == target["id"] for e in history)
    entry = next(e for e in history if e["type"] == "merged")
    assert sorted(entry["data"]["sourceIds"]) == sorted([first["id"], second["id"]])


def test_contact_merge(scrm):
    number, extra = phone(), phone()
    target = contact(scrm, "Пётр", phones=[{"value": "8" + national(number)}])
    source = contact(scrm, "Пётр", lastName="Сидоров", post="Директор",
                     phones=[{"value": number}, {"value": extra, "type": "MOBILE"}], emails=[{"value": "p.sidorov@example.ru"}])
    requisite = scrm.call("requisite.add", {"entityType": "contact", "entityId": source["id"], "preset": "person",
                                            "fields": {"inn": "635277570478"}})
    sale = deal(scrm, contactId=source["id"])
    merged = scrm.call("contact.merge", {"targetId": target["id"], "sourceIds": [source["id"]]})
    assert (merged["name"], merged["lastName"], merged["post"]) == ("Пётр", "Сидоров", "Директор")
    assert merged["phones"] == [{"value": "8" + national(number), "type": "WORK"}, {"value": extra, "type": "MOBILE"}]
    assert merged["emails"] == [{"value": "p.sidorov@example.ru", "type": "WORK"}]
    refused(scrm, NotFound, "contact.get", {"id": source["id"]})
    assert scrm.call("deal.get", {"id": sale["id"]})["contactId"] == target["id"]
    assert [r["id"] for r in scrm.call("requisite.list", {"entityType": "contact", "entityId": target["id"]})["items"]] == [requisite["id"]]
    assert any(e["type"] == "merged" for e in timeline(scrm, "contact", target["id"]))


@pytest.mark.parametrize("entity", ["company", "contact"])
def test_merge_refusals_change_nothing(scrm, entity):
    make = company if entity == "company" else contact
    target, other = make(scrm), make(scrm)
    error = refused(scrm, InvalidValue, f"{entity}.merge", {"targetId": target["id"], "sourceIds": [target["id"]]})
    assert error.field == "sourceIds"
    refused(scrm, InvalidValue, f"{entity}.merge", {"targetId": target["id"], "sourceIds": [other["id"], target["id"]]})
    refused(scrm, NotFound, f"{entity}.merge", {"targetId": target["id"], "sourceIds": [other["id"], 987654321]})
    refused(scrm, NotFound, f"{entity}.merge", {"targetId": 987654321, "sourceIds": [other["id"]]})
    assert scrm.call(f"{entity}.get", {"id": target["id"]}) == target
    assert scrm.call(f"{entity}.get", {"id": other["id"]}) == other
