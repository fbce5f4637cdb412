"""Lead conversion through the real server (seed scenarios S8-S13): the schemes, fields the targets
lack (1004), duplicates and the manager's decisions (1003), deal pipeline requirements (1001),
converted leads (1005), requisites travelling to the company or the contact, and the robot's
comment on the new deal. Every result is checked against its method's schema.

Most tests share one server per xdist worker (`scrm`) with data unique to the test (phones,
names, INNs made here); tests that change the default deal pipeline or count every record get
a fresh server (`crm`)."""
from __future__ import annotations


import pytest

from conftest import CheckedClient
from helpers import uid, inn10, inn12, ogrnip, refused, timeline, checked_client, start_server, stop_server
from crmd_client import (Conflict, CrmdError, DuplicatesFound, FieldsMissingInTarget, InvalidParams, InvalidValue,
                         NotFound, RequiredFieldsMissing)


@pytest.fixture(scope="session")
def conversion_server(crmd_bin):
    server, directory = start_server(crmd_bin, "conversion")
    yield server
    stop_server(server, directory)


@pytest.fixture
def scrm(conversion_server, request) -> CheckedClient:
    yield from checked_client(conversion_server, request)


def test_identifier_helpers_match_the_reference():
    assert inn10(770708389) == "7707083893" and inn12(5001007322) == "500100732259"
    assert ogrnip(450011600015) == "304500116000157"


ERROR_DATA = {1001: "RequiredFieldsMissingData", 1002: "NotFoundData", 1003: "DuplicatesFoundData",
              1004: "FieldsMissingInTargetData", 1005: "ConflictData", 1007: "InvalidValueData",
              -32602: "InvalidParamsData"}


def default_pipeline(crm, entity: str = "deal") -> dict:
    return next(p for p in crm.call("pipeline.list", {"entityType": entity})["items"] if p["isDefault"])


def phone_of(n: int) -> str:
    digits = f"9{n % 10**9:09d}"
    return f"+7 {digits[:3]} {digits[3:6]}-{digits[6:8]}-{digits[8:]}"


def lead_fields(n: int | None = None, **more) -> dict:
    """A complete lead (S2) whose phone, e-mail and name no other test uses."""
    n = uid() if n is None else n
    fields = {"title": f"Видеонаблюдение {n}", "name": f"Иван{n}", "lastName": f"Петров{n}", "secondName": "Сергеевич",
              "phones": [{"value": phone_of(n), "type": "MOBILE"}], "emails": [{"value": f"client{n}@example.ru"}],
              "city": "Химки", "topic": "Видеонаблюдение", "source": "Сайт", "comments": f"Склад {n} м²"}
    fields.update(more)
    return fields


def add_lead(crm, **more) -> dict:
    return crm.call("lead.add", {"fields": lead_fields(**more)})


def company_lead(crm, **more) -> dict:
    n = uid()
    return add_lead(crm, clientType="company", companyTitle=f"ООО «Вектор-{n}»",
                    requisites={"inn": inn10(n), "kpp": "773601001", "opf": "ООО"}, **more)


def counts(crm) -> dict:
    return {e: crm.call(f"{e}.list", {"count": True, "limit": 1})["total"] for e in ("contact", "company", "deal")}


def check_converted_lead(crm, lead: dict, result: dict) -> dict:
    after = crm.call("lead.get", {"id": lead["id"]})
    assert after["stageId"] == "CONVERTED" and after["stageSemantic"] == "success"
    assert after["convertedAt"] is not None and after["version"] > lead["version"]
    entry = next(e for e in timeline(crm, "lead", lead["id"]) if e["type"] == "converted")
    assert entry["data"]["dealId"] == result["dealId"] and entry["data"]["contactId"] == result["contactId"]
    assert entry["data"]["companyId"] == result["companyId"]
    return after


def check_deal_from_lead(crm, lead: dict, result: dict) -> dict:
    d = crm.call("deal.get", {"id": result["dealId"]})
    assert d["leadId"] == lead["id"] and d["title"] == lead["title"] and d["comments"] == lead["comments"]
    assert (d["contactId"], d["companyId"]) == (result["contactId"], result["companyId"])
    assert d["pipelineId"] == default_pipeline(crm)["id"] and d["stageId"] == "NEW"
    return d


def check_contact_from_lead(crm, lead: dict, result: dict) -> dict:
    c = crm.call("contact.get", {"id": result["contactId"]})
    assert (c["name"], c["lastName"], c["secondName"]) == (lead["name"], lead["lastName"], lead["secondName"])
    assert c["phones"] == lead["phones"] and c["emails"] == lead["emails"] and c["leadId"] == lead["id"]
    assert c["companyId"] == result["companyId"]
    return c


# ---------------------------------------------------------------------------- S9: schemes

def test_person_becomes_deal_and_contact(scrm):
    n = uid()
    lead = add_lead(scrm, clientType="person", requisites={"inn": inn12(n), "lastName": "Петров"})
    result = scrm.call("lead.convert", {"id": lead["id"]})
    assert result["companyId"] is None and result["createdFields"] == []
    check_converted_lead(scrm, lead, result)
    check_deal_from_lead(scrm, lead, result)
    check_contact_from_lead(scrm, lead, result)
    (requisite,) = scrm.call("requisite.list", {"entityType": "contact", "entityId": result["contactId"]})["items"]
    assert requisite["preset"] == "person" and requisite["fields"]["inn"] == inn12(n) and requisite["source"] == "lead"


def test_company_becomes_deal_contact_and_company(scrm):
    n = uid()
    requisites = {"inn": inn10(n), "kpp": "773601001", "ogrn": "1027700132195", "opf": "ООО"}
    lead = add_lead(scrm, clientType="company", companyTitle=f"ООО «Ромашка-{n}»", requisites=requisites)
    result = scrm.call("lead.convert", {"id": lead["id"], "scheme": "auto"})
    assert result["companyId"] is not None
    check_converted_lead(scrm, lead, result)
    check_deal_from_lead(scrm, lead, result)
    check_contact_from_lead(scrm, lead, result)
    co = scrm.call("company.get", {"id": result["companyId"]})
    assert co["title"] == f"ООО «Ромашка-{n}»" and co["leadId"] == lead["id"] and co["isMyCompany"] is False
    (requisite,) = scrm.call("requisite.list", {"entityType": "company", "entityId": co["id"]})["items"]
    assert requisite["preset"] == "legal" and requisite["source"] == "lead"
    assert {k: requisite["fields"].get(k) for k in requisites} == requisites
    assert scrm.call("requisite.list", {"entityType": "contact", "entityId": result["contactId"]})["items"] == []


def test_sole_proprietor_requisites_go_to_the_company_as_ip(scrm):
    n = uid()
    requisites = {"inn": inn12(n), "ogrnip": ogrnip(n)}
    lead = add_lead(scrm, clientType="ip", companyTitle=f"ИП Петров {n}", requisites=requisites)
    result = scrm.call("lead.convert", {"id": lead["id"]})
    check_converted_lead(scrm, lead, result)
    co = scrm.call("company.get", {"id": result["companyId"]})
    assert co["title"] == f"ИП Петров {n}"  # S14: named after the lead
    (requisite,) = scrm.call("requisite.list", {"entityType": "company", "entityId": co["id"]})["items"]
    assert requisite["preset"] == "ip" and {k: requisite["fields"].get(k) for k in requisites} == requisites
    assert scrm.call("requisite.list", {"entityType": "contact", "entityId": result["contactId"]})["items"] == []


def test_explicit_deal_contact_scheme_makes_no_company(scrm):
    lead = add_lead(scrm, clientType="company", companyTitle=f"ООО «Без компании {uid()}»")
    before = scrm.call("company.list", {"filter": {"title": lead["companyTitle"]}, "count": True})["total"]
    result = scrm.call("lead.convert", {"id": lead["id"], "scheme": "dealContact"})
    assert result["companyId"] is None
    check_converted_lead(scrm, lead, result)
    check_deal_from_lead(scrm, lead, result)
    assert scrm.call("contact.get", {"id": result["contactId"]})["companyId"] is None
    assert scrm.call("company.list", {"filter": {"title": lead["companyTitle"]}, "count": True})["total"] == before == 0


def test_explicit_deal_contact_scheme_for_a_lead_with_company_requisites(scrm):
    """`dealContact` is a scheme the caller may choose for any lead (lead.convert.json), and the lead's
    requisites were accepted by lead.add; contacts may hold `legal` requisites (requisite.add). The
    conversion must not fail on requisites the caller never sent to it."""
    lead = company_lead(scrm)
    before = scrm.call("company.list", {"filter": {"title": lead["companyTitle"]}, "count": True})["total"]
    result = scrm.call("lead.convert", {"id": lead["id"], "scheme": "dealContact"})
    assert result["companyId"] is None
    check_deal_from_lead(scrm, lead, result)
    assert scrm.call("contact.get", {"id": result["contactId"]})["companyId"] is None
    assert scrm.call("company.list", {"filter": {"title": lead["companyTitle"]}, "count": True})["total"] == before == 0
    copied = scrm.call("requisite.list", {"entityType": "contact", "entityId": result["contactId"]})["items"]
    assert all(r["fields"].get("inn") == lead["requisites"]["inn"] for r in copied)


def test_explicit_deal_contact_company_scheme_for_a_person(scrm):
    lead = add_lead(scrm, clientType="person")
    result = scrm.call("lead.convert", {"id": lead["id"], "scheme": "dealContactCompany"})
    assert result["companyId"] is not None
    check_converted_lead(scrm, lead, result)
    check_deal_from_lead(scrm, lead, result)
    check_contact_from_lead(scrm, lead, result)
    assert scrm.call("company.get", {"id": result["companyId"]})["leadId"] == lead["id"]


def test_deal_options_of_the_conversion(scrm):
    pipeline = scrm.call("pipeline.add", {"entityType": "deal", "title": f"Монтаж {uid()}"})
    lead = add_lead(scrm, clientType="person")
    result = scrm.call("lead.convert", {"id": lead["id"], "deal": {"pipelineId": pipeline["id"], "fields": {
        "title": "Своё название", "opportunity": "150000.5", "currency": "RUB"}}})
    d = scrm.call("deal.get", {"id": result["dealId"]})
    assert d["pipelineId"] == pipeline["id"] and d["stageId"] == pipeline["stages"][0]["id"]
    assert (d["title"], d["opportunity"], d["leadId"]) == ("Своё название", "150000.50", lead["id"])


def test_robot_comment_on_the_new_deal(scrm):
    lead = company_lead(scrm)
    result = scrm.call("lead.convert", {"id": lead["id"]})
    notes = [e for e in timeline(scrm, "deal", result["dealId"]) if e["type"] == "comment"]
    assert len(notes) == 1 and notes[0]["authorId"] is None
    text = notes[0]["data"]["text"]
    assert "{{" not in text and "}}" not in text, text
    for value in (lead["title"], lead["companyTitle"], lead["name"], lead["lastName"], lead["phones"][0]["value"]):
        assert value in text, (value, text)


def test_convert_a_missing_lead(scrm):
    assert refused(scrm, NotFound, "lead.convert", {"id": 987654321}).data == {"entityType": "lead", "id": 987654321}


# ---------------------------------------------------------------------------- converted leads

def test_converting_twice_is_a_conflict(scrm):
    lead = add_lead(scrm, clientType="person")
    scrm.call("lead.convert", {"id": lead["id"]})
    converted = scrm.call("lead.get", {"id": lead["id"]})
    error = refused(scrm, Conflict, "lead.convert", {"id": lead["id"]})
    assert error.reason == "converted"
    assert scrm.call("lead.get", {"id": lead["id"]}) == converted
    assert scrm.call("deal.list", {"filter": {"title": lead["title"]}, "count": True})["total"] == 1


@pytest.mark.parametrize("fields", [{"title": "Другое"}, {"stageId": "NEW"}, {"comments": None},
                                    {"requisites": {"inn": "7707083893"}}])
def test_a_converted_lead_refuses_updates(scrm, fields):
    lead = add_lead(scrm, clientType="person")
    scrm.call("lead.convert", {"id": lead["id"]})
    converted = scrm.call("lead.get", {"id": lead["id"]})
    assert refused(scrm, Conflict, "lead.update", {"id": lead["id"], "fields": fields}).reason == "converted"
    assert scrm.call("lead.get", {"id": lead["id"]}) == converted


def test_lead_update_cannot_move_to_converted(scrm):
    lead = company_lead(scrm)
    error = refused(scrm, InvalidValue, "lead.update", {"id": lead["id"], "fields": {"stageId": "CONVERTED"}})
    assert (error.field, error.reason) == ("stageId", "convertRequired")
    assert scrm.call("lead.get", {"id": lead["id"]}) == lead
    error = refused(scrm, InvalidValue, "lead.add", {"fields": lead_fields(stageId="CONVERTED")})
    assert error.reason == "convertRequired"


# ---------------------------------------------------------------------------- S8: lead requisites

@pytest.mark.parametrize("requisites,field", [
    ({"inn": "7707083894"}, "requisites.inn"),
    ({"inn": "635277570473"}, "requisites.inn"),
    ({"inn": "77070838"}, "requisites.inn"),
    ({"inn": "7707083893", "ogrn": "1027700132196"}, "requisites.ogrn"),
    ({"inn": "500100732259", "ogrnip": "304500116000154"}, "requisites.ogrnip"),
])
def test_lead_requisites_are_checked(scrm, requisites, field):
    fields = lead_fields()
    error = refused(scrm, InvalidValue, "lead.add", {"fields": {**fields, "requisites": requisites}})
    assert error.field == field
    if requisites.get("inn") in ("7707083894", "635277570473"):
        assert error.reason == "checksum"
    assert scrm.call("lead.list", {"filter": {"title": fields["title"]}, "count": True})["total"] == 0
    lead = add_lead(scrm)
    assert refused(scrm, InvalidValue, "lead.update", {"id": lead["id"], "fields": {"requisites": requisites}}).field == field
    assert scrm.call("lead.get", {"id": lead["id"]}) == lead


# ---------------------------------------------------------------------------- S10: fields the targets lack

def test_fields_missing_in_targets_then_created_with_consent(crm):
    crm.call("field.add", {"entityType": "lead", "code": "site_area", "title": "Площадь объекта, м²", "type": "decimal"})
    crm.call("field.add", {"entityType": "lead", "code": "floors", "title": "Этажность", "type": "integer"})
    crm.call("field.add", {"entityType": "lead", "code": "unused", "title": "Без значения", "type": "string"})
    deal_floors = crm.call("field.add", {"entityType": "deal", "code": "floors", "title": "Этажей", "type": "integer"})
    lead = add_lead(crm, clientType="company", companyTitle="ООО «Склад»", custom={"site_area": "850.5", "floors": 3})
    before = counts(crm)

    error = refused(crm, FieldsMissingInTarget, "lead.convert", {"id": lead["id"]})
    fields = {f["field"]: f for f in error.fields}
    assert set(fields) == {"custom.site_area", "custom.floors"}, error.fields
    assert sorted(fields["custom.site_area"]["missingIn"]) == ["company", "contact", "deal"]
    assert sorted(fields["custom.floors"]["missingIn"]) == ["company", "contact"]
    assert (fields["custom.site_area"]["title"], fields["custom.site_area"]["type"]) == ("Площадь объекта, м²", "decimal")
    assert (fields["custom.floors"]["title"], fields["custom.floors"]["type"]) == ("Этажность", "integer")
    assert counts(crm) == before and crm.call("lead.get", {"id": lead["id"]}) == lead
    assert crm.call("field.list", {"entityType": "deal"})["items"] == [deal_floors]

    result = crm.call("lead.convert", {"id": lead["id"], "createMissingFields": True})
    created = {(f["entityType"], f["field"]) for f in result["createdFields"]}
    assert created == {("deal", "custom.site_area"), ("contact", "custom.site_area"), ("company", "custom.site_area"),
                       ("contact", "custom.floors"), ("company", "custom.floors")}
    assert len(result["createdFields"]) == 5
    for entity in ("deal", "contact", "company"):
        by_code = {f["code"]: f for f in crm.call("field.list", {"entityType": entity})["items"]}
        assert by_code["site_area"]["type"] == "decimal" and by_code["site_area"]["title"] == "Площадь объекта, м²"
        assert "unused" not in by_code
    assert crm.call("field.list", {"entityType": "deal"})["items"][0] == deal_floors  # the existing one is kept
    for entity, key in (("deal", "dealId"), ("contact", "contactId"), ("company", "companyId")):
        custom = crm.call(f"{entity}.get", {"id": result[key]})["custom"]
        assert custom.get("floors") == 3 and custom.get("site_area") in ("850.5", "850.50"), (entity, custom)
    check_converted_lead(crm, lead, result)


def test_dealcontact_scheme_reports_only_its_targets(crm):
    crm.call("field.add", {"entityType": "lead", "code": "budget", "title": "Бюджет", "type": "money"})
    lead = add_lead(crm, clientType="company", companyTitle="ООО «Бюджет»",
                    custom={"budget": {"amount": "150000.00", "currency": "RUB"}})
    error = refused(crm, FieldsMissingInTarget, "lead.convert", {"id": lead["id"], "scheme": "dealContact"})
    assert [(f["field"], sorted(f["missingIn"])) for f in error.fields] == [("custom.budget", ["contact", "deal"])]
    result = crm.call("lead.convert", {"id": lead["id"], "scheme": "dealContact", "createMissingFields": True})
    assert {(f["entityType"], f["field"]) for f in result["createdFields"]} == {("deal", "custom.budget"), ("contact", "custom.budget")}
    assert crm.call("field.list", {"entityType": "company"})["items"] == []
    assert crm.call("deal.get", {"id": result["dealId"]})["custom"]["budget"] == {"amount": "150000.00", "currency": "RUB"}


# ---------------------------------------------------------------------------- S11/S12: duplicates and decisions

@pytest.fixture
def twins(scrm) -> dict:
    """An existing contact and company that a new lead duplicates: same phone in another notation,
    same INN and the company's name without its legal form."""
    n = uid()
    inn = inn10(n)
    digits = f"9{n % 10**9:09d}"
    co = scrm.call("company.add", {"fields": {"title": f"ООО «Альфа-{n}»", "phones": [{"value": "+7" + digits}]}})
    scrm.call("requisite.add", {"entityType": "company", "entityId": co["id"], "preset": "legal", "fields": {"inn": inn}})
    ct = scrm.call("contact.add", {"fields": {"name": f"Мария{n}", "phones": [{"value": "8 " + digits}]}})
    lead = scrm.call("lead.add", {"fields": lead_fields(n, name=f"Мария{n}", lastName=f"Ёлкина{n}", clientType="company",
                                                        companyTitle=f"Альфа-{n}", requisites={"inn": inn, "kpp": "770401001"})})
    return {"company": co, "contact": ct, "lead": lead, "inn": inn}


def matches(error: CrmdError, entity: str) -> dict:
    return {m["id"]: {k["key"] for k in m["matchedBy"]} for m in error.data.get(entity, [])}


def test_duplicates_are_reported_and_nothing_is_created(scrm, twins):
    lead = twins["lead"]
    error = refused(scrm, DuplicatesFound, "lead.convert", {"id": lead["id"]})
    assert matches(error, "contact") == {twins["contact"]["id"]: {"phone"}}
    assert matches(error, "company") == {twins["company"]["id"]: {"inn", "title"}}
    assert next(m for m in error.data["company"])["title"] == twins["company"]["title"]
    assert scrm.call("lead.get", {"id": lead["id"]}) == lead
    assert scrm.call("deal.list", {"filter": {"title": lead["title"]}, "count": True})["total"] == 0
    assert scrm.call("company.list", {"filter": {"title": lead["companyTitle"]}, "count": True})["total"] == 0
    assert scrm.call("contact.list", {"filter": {"lastName": lead["lastName"]}, "count": True})["total"] == 0
    # deciding for the contact only still leaves the company to decide
    error = refused(scrm, DuplicatesFound, "lead.convert", {"id": lead["id"], "contact": {"action": "create"}})
    assert matches(error, "contact") == {} and matches(error, "company") == {twins["company"]["id"]: {"inn", "title"}}


def test_decision_create_makes_new_records(scrm, twins):
    lead = twins["lead"]
    result = scrm.call("lead.convert", {"id": lead["id"], "contact": {"action": "create"}, "company": {"action": "create"}})
    assert result["contactId"] != twins["contact"]["id"] and result["companyId"] != twins["company"]["id"]
    check_contact_from_lead(scrm, lead, result)
    assert scrm.call("company.get", {"id": result["companyId"]})["title"] == lead["companyTitle"]
    assert scrm.call("contact.get", {"id": twins["contact"]["id"]}) == twins["contact"]
    assert scrm.call("company.get", {"id": twins["company"]["id"]}) == twins["company"]


def test_decision_use_takes_the_records_as_they_are(scrm, twins):
    lead = twins["lead"]
    result = scrm.call("lead.convert", {"id": lead["id"], "contact": {"action": "use", "id": twins["contact"]["id"]},
                                        "company": {"action": "use", "id": twins["company"]["id"]}})
    assert (result["contactId"], result["companyId"]) == (twins["contact"]["id"], twins["company"]["id"])
    d = check_deal_from_lead(scrm, lead, result)
    assert (d["contactId"], d["companyId"]) == (twins["contact"]["id"], twins["company"]["id"])
    check_converted_lead(scrm, lead, result)
    for entity in ("contact", "company"):
        before, after = twins[entity], scrm.call(f"{entity}.get", {"id": twins[entity]["id"]})
        meta = {"leadId", "version", "updatedAt", "updatedBy"}
        assert {k: v for k, v in after.items() if k not in meta} == {k: v for k, v in before.items() if k not in meta}
        assert after["leadId"] == before["leadId"] or after["version"] > before["version"], \
            f"{entity} {before['id']} changed (leadId {before['leadId']} -> {after['leadId']}) without a new version"


def test_decision_merge_fills_the_empty_fields(scrm, twins):
    lead = twins["lead"]
    n = uid()
    for entity in ("lead", "deal", "contact", "company"):
        scrm.call("field.add", {"entityType": entity, "code": f"area{n}", "title": "Площадь", "type": "integer"})
    lead = scrm.call("lead.update", {"id": lead["id"], "fields": {"custom": {f"area{n}": 42}}})
    result = scrm.call("lead.convert", {"id": lead["id"], "contact": {"action": "merge", "id": twins["contact"]["id"]},
                                        "company": {"action": "merge", "id": twins["company"]["id"]}})
    assert (result["contactId"], result["companyId"]) == (twins["contact"]["id"], twins["company"]["id"])
    c = scrm.call("contact.get", {"id": twins["contact"]["id"]})
    assert c["name"] == twins["contact"]["name"]  # kept
    assert (c["lastName"], c["secondName"], c["source"]) == (lead["lastName"], lead["secondName"], lead["source"])  # filled
    assert c["emails"] == lead["emails"]
    assert c["phones"] == twins["contact"]["phones"], "the same number in another notation is not added twice"
    assert c["custom"].get(f"area{n}") == 42 and c["version"] > twins["contact"]["version"]
    co = scrm.call("company.get", {"id": twins["company"]["id"]})
    assert co["title"] == twins["company"]["title"] and co["custom"].get(f"area{n}") == 42
    assert co["version"] > twins["company"]["version"]
    innss = [r["fields"].get("inn") for r in scrm.call("requisite.list", {"entityType": "company", "entityId": co["id"]})["items"]]
    assert twins["inn"] in innss
    assert any(e["type"] == "merged" for e in timeline(scrm, "contact", c["id"]))


def test_decision_for_a_missing_record(scrm, twins):
    lead = twins["lead"]
    error = refused(scrm, NotFound, "lead.convert", {"id": lead["id"], "contact": {"action": "use", "id": 987654321},
                                                     "company": {"action": "create"}})
    assert error.data == {"entityType": "contact", "id": 987654321}
    assert scrm.call("lead.get", {"id": lead["id"]}) == lead
    with pytest.raises(InvalidParams):
        scrm.call("lead.convert", {"id": lead["id"], "contact": {"action": "merge"}})


# ---------------------------------------------------------------------------- S11: the deal pipeline's requirements

def test_deal_pipeline_requirement_refuses_the_conversion_and_creates_nothing(crm):
    crm.call("field.add", {"entityType": "deal", "code": "object_type", "title": "Тип объекта", "type": "string"})
    pipeline = default_pipeline(crm)
    crm.call("stage.update", {"pipelineId": pipeline["id"], "stageId": "NEW", "requiredFields": ["opportunity", "custom.object_type"]})
    lead = company_lead(crm)
    before, history = counts(crm), timeline(crm, "lead", lead["id"])
    lists = {e: crm.call(f"{e}.list", {"limit": 500}) for e in ("contact", "company", "deal")}
    error = refused(crm, RequiredFieldsMissing, "lead.convert", {"id": lead["id"]})
    assert error.data["entityType"] == "deal" and error.data["id"] is None and error.stage_id == "NEW"
    assert {m["field"]: m["title"] for m in error.missing} == {"opportunity": crm.call("deal.fields")["opportunity"]["title"],
                                                               "custom.object_type": "Тип объекта"}
    assert counts(crm) == before
    assert {e: crm.call(f"{e}.list", {"limit": 500}) for e in ("contact", "company", "deal")} == lists
    assert crm.call("lead.get", {"id": lead["id"]}) == lead
    assert timeline(crm, "lead", lead["id"]) == history

    result = crm.call("lead.convert", {"id": lead["id"], "deal": {"fields": {"opportunity": "5000",
                                                                             "custom": {"object_type": "Склад"}}}})
    d = crm.call("deal.get", {"id": result["dealId"]})
    assert (d["opportunity"], d["custom"], d["stageId"]) == ("5000.00", {"object_type": "Склад"}, "NEW")
    assert counts(crm) == {"contact": before["contact"] + 1, "company": before["company"] + 1, "deal": before["deal"] + 1}
