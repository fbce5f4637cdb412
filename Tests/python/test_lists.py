"""Lists at scale (issue 10) through the real binary: a phone found in any notation, `%`
contains exactly as per-row folding found it, the refusal of a sort without an index, and
schemas compiled on a method's first call still refusing an invalid first call."""
from __future__ import annotations

import threading

import pytest

from crmd_client import InvalidParams
from helpers import refused, uid



def notations(ten: str) -> list[str]:
    """A ten-digit national number in each way people type it."""
    return ["+7" + ten, "8" + ten, f"+7 ({ten[:3]}) {ten[3:6]}-{ten[6:8]}-{ten[8:]}", f"8 ({ten[:3]}) {ten[3:6]} {ten[6:8]} {ten[8:]}", ten,
            f"8-{ten[:3]}-{ten[3:6]}-{ten[6:8]}-{ten[8:]}"]


@pytest.mark.parametrize("entity", ["lead", "contact", "company"])
def test_search_finds_a_phone_in_any_notation(crm, entity):
    ten = f"9{uid() % 10**9:09d}"
    other = f"9{(uid() + 7) % 10**9:09d}"
    name = {"lead": "title", "contact": "name", "company": "title"}[entity]
    extra = {"emails": [{"value": "a@example.ru"}], "city": "Москва", "topic": "Охрана"} if entity == "lead" else {}
    stored = f"+7 {ten[:3]} {ten[3:6]}-{ten[6:8]}-{ten[8:]}"
    wanted = crm.call(f"{entity}.add", {"fields": {name: "Нужный", "phones": [{"value": stored}], **extra}})["id"]
    crm.call(f"{entity}.add", {"fields": {name: "Другой", "phones": [{"value": "8" + other}], **extra}})
    for typed in notations(ten):
        found = crm.call(f"{entity}.list", {"search": typed})["items"]
        assert [item["id"] for item in found] == [wanted], typed
    absent = f"9{(uid() + 13) % 10**9:09d}"
    for typed in notations(absent):
        assert crm.call(f"{entity}.list", {"search": typed})["items"] == [], typed


CITIES = ["Москва", "МОСКВА", "г. москва", "Подмосковье", "Ёлкино", "ЕЛКИНО", "ёлки", "Звёздный", "звездный", "Moscow",
          "MOSCOW city", "Санкт-Петербург", "Омск", "Томск", "a*b?c[d]", "50% скидки"]
NEEDLES = ["моск", "МОСК", "ёлки", "елки", "ЁЛ", "звёзд", "звезд", "mosc", "CITY", "омск", "м", "ск", "-пет", "*b?", "[d]", "50%",
           "нет такого", "Ё"]


def fold(text: str) -> str:
    return text.lower().replace("ё", "е")


@pytest.fixture
def cities(crm):
    ids = {}
    for n, city in enumerate(CITIES):
        lead = crm.call("lead.add", {"fields": {"title": f"Л{n}", "city": city, "phones": [{"value": f"+7 916 555-{n:02d}-{n:02d}"}],
                                                "emails": [{"value": f"c{n}@example.ru"}], "topic": "Охрана"}})
        ids[lead["id"]] = city
    return ids


def every_page(crm, params, limit):
    seen, cursor = [], None
    while True:
        page = crm.call("lead.list", {**params, "limit": limit, "cursor": cursor, "select": ["city"]})
        seen += [item["id"] for item in page["items"]]
        cursor = page["next"]
        if cursor is None:
            return seen


@pytest.mark.parametrize("needle", NEEDLES)
def test_contains_is_case_insensitive_for_cyrillic_and_folds_yo(crm, cities, needle):
    expected = sorted(i for i, city in cities.items() if fold(needle) in fold(city))
    for limit in (1, 2, 100):  # small pages scan the first rows, a whole page asks the trigram index
        assert every_page(crm, {"filter": {"%city": needle}}, limit) == expected, (needle, limit)
        by_title = every_page(crm, {"filter": {"%city": needle}, "order": {"title": "desc"}}, limit)
        assert sorted(by_title) == expected, (needle, limit)


def test_contains_follows_updates_and_deletes(crm, cities):
    first, second = list(cities)[:2]
    crm.call("lead.update", {"id": first, "fields": {"city": "Ёжиково"}})
    crm.call("lead.delete", {"id": second})
    assert every_page(crm, {"filter": {"%city": "ежик"}}, 50) == [first]
    assert second not in every_page(crm, {"filter": {"%city": "моск"}}, 50)


@pytest.mark.parametrize("entity,field,sortable", [
    ("lead", "city", ["id", "createdAt", "updatedAt", "stageId", "title"]),
    ("lead", "custom.area", ["id", "createdAt", "updatedAt", "stageId", "title"]),
    ("contact", "post", ["id", "createdAt", "name", "lastName"]),
    ("company", "industry", ["id", "createdAt", "title"]),
    ("deal", "closedAt", ["id", "createdAt", "stageId", "title", "opportunity"]),
    ("product", "sku", ["id", "name", "price"]),
    ("invoice", "dueDate", ["id", "date", "total"]),
])
def test_a_sort_without_an_index_is_refused_with_the_sortable_fields(crm, entity, field, sortable):
    if field.startswith("custom."):
        crm.call("field.add", {"entityType": entity, "code": field[7:], "title": "Площадь", "type": "decimal"})
    error = refused(crm, InvalidParams, f"{entity}.list", {"order": [{sortable[-1]: "asc"}, {field: "desc"}]})
    assert error.code == -32602
    (problem,) = error.errors
    assert problem["path"] == "/order/1" and problem["reason"] == "notSortable"
    assert problem["field"] == field and problem["sortable"] == sortable and field in problem["message"]
    for name in sortable:
        crm.call(f"{entity}.list", {"order": {name: "desc"}, "limit": 2})


def test_the_first_call_of_a_method_is_still_validated(server):
    """Nothing is compiled at start-up: the first call of each method compiles its schema and
    must refuse what the schema refuses, also when many connections make it at once."""
    bad = [("lead.list", {"limit": 0}), ("product.list", {"order": {"name": "sideways"}}), ("user.get", {"id": "one"}),
           ("invoice.list", {"filter": 5}), ("lead.get", {"id": 1, "extra": True})]
    outcomes: dict[tuple[int, str], object] = {}

    def call(worker: int, method: str, params: dict) -> None:
        client = server.client()
        try:
            client.call(method, params)
            outcomes[worker, method] = "accepted"
        except Exception as error:  # noqa: BLE001 - recorded and checked below
            outcomes[worker, method] = error
        finally:
            client.close()

    threads = [threading.Thread(target=call, args=(w, m, p)) for w in range(8) for m, p in bad]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(outcomes) == 8 * len(bad)
    for (worker, method), outcome in outcomes.items():
        assert isinstance(outcome, InvalidParams), (worker, method, outcome)
        assert outcome.errors and all("path" in e and "message" in e for e in outcome.errors)
    client = server.client()
    assert client.call("lead.list", {"limit": 1})["items"] == []
    client.close()
