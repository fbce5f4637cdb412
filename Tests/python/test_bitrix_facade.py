"""The Bitrix24 REST facade (`/rest/{userId}/{token}/{method}`) driven by an existing Bitrix24
client library, fast-bitrix24 from PyPI, used unchanged: it is given the bridge's webhook URL
as it would be given a Bitrix24 portal's. What it wrote is checked through crmd's own socket.

fast-bitrix24 wraps even single calls in `batch` requests (form-encoded `cmd` strings with
PHP-style nesting) and pages lists by `start` with `total`, so these tests exercise the
facade's batch, form decoding and paging the way a real Bitrix24 script does."""
from __future__ import annotations

import http.client
import json

import pytest
from aiohttp import ClientResponseError
from fast_bitrix24 import Bitrix
from fast_bitrix24.server_response import ErrorInServerResponseException


def webhook(bridge, user_id: int = 1, token: str | None = None) -> str:
    return f"{bridge.url.rstrip('/')}/rest/{user_id}/{token or bridge.token}/"


@pytest.fixture
def b24(bridge):
    # Plain HTTP on loopback: no TLS to verify.
    return Bitrix(webhook(bridge), verbose=False, ssl=False)


def relax_lead_stage(admin):
    """The default funnel requires phones, e-mails, city and topic at NEW; these tests make
    leads from Bitrix24-style fields of their own choosing."""
    pipeline = admin.call("pipeline.list", {"entityType": "lead"})["items"][0]["id"]
    admin.call("stage.update", {"pipelineId": pipeline, "stageId": "NEW", "requiredFields": []})


def test_leads_added_listed_past_fifty_and_updated(bridge, b24):
    with bridge.client() as admin:
        relax_lead_stage(admin)
    items = [{"fields": {"TITLE": f"Окна {n}" if n % 3 == 0 else f"Двери {n}", "NAME": "Пётр",
                         "PHONE": [{"VALUE": f"+7900000{n:04d}", "VALUE_TYPE": "MOBILE"}]}} for n in range(120)]
    # fast-bitrix24 sends its batches of 50 at once and returns the ids as the batches answer.
    ids = sorted(b24.call("crm.lead.add", items))
    assert len(ids) == 120 and all(isinstance(i, int) for i in ids)

    with bridge.client() as admin:
        stored = admin.call("lead.list", {"count": True, "limit": 500, "select": ["title", "phones"]})
        assert stored["total"] == 120
        by_title = {lead["title"]: lead for lead in stored["items"]}
        assert set(by_title) == {item["fields"]["TITLE"] for item in items}
        assert by_title["Окна 0"]["phones"] == [{"value": "+79000000000", "type": "MOBILE"}]

    every = b24.get_all("crm.lead.list", {"select": ["ID", "TITLE"]})
    assert sorted(int(lead["ID"]) for lead in every) == sorted(ids)

    windows = b24.get_all("crm.lead.list", {"filter": {"%TITLE": "окна"}, "select": ["ID", "TITLE"]})
    assert len(windows) == 40 and all(lead["TITLE"].startswith("Окна") for lead in windows)

    later = b24.get_all("crm.lead.list", {"filter": {">ID": ids[99]}, "select": ["ID"]})
    assert sorted(int(lead["ID"]) for lead in later) == ids[100:]

    # get_by_ID() with one id answers the record itself (fast-bitrix24 unwraps a single result).
    phone = b24.get_by_ID("crm.lead.get", [ids[5]])["PHONE"][0]["VALUE"]
    b24.call("crm.lead.update", {"ID": ids[5], "fields": {"TITLE": "Окна и двери", "STATUS_ID": "QUALIFICATION",
                                                          "PHONE": [{"VALUE": "+74950000000", "VALUE_TYPE": "WORK"}]}})
    both = b24.get_by_ID("crm.lead.get", [ids[5], ids[6]])
    lead = both[str(ids[5])]   # keyed by the batch labels, which are text
    assert set(both) == {str(ids[5]), str(ids[6])}
    assert lead["TITLE"] == "Окна и двери"
    assert lead["STATUS_ID"] == "QUALIFICATION"
    assert [p["VALUE"] for p in lead["PHONE"]] == [phone, "+74950000000"]
    with bridge.client() as admin:
        assert admin.call("lead.get", {"id": ids[5]})["stageId"] == "QUALIFICATION"


def test_deal_with_product_rows(bridge, b24):
    company = b24.call("crm.company.add", {"fields": {"TITLE": "ООО «Ромашка»", "PHONE": [{"VALUE": "+74951112233"}]}})
    contact = b24.call("crm.contact.add", {"fields": {"NAME": "Анна", "LAST_NAME": "Иванова", "COMPANY_ID": company}})
    deal = b24.call("crm.deal.add", {"fields": {"TITLE": "Поставка кресел", "COMPANY_ID": company, "CONTACT_ID": contact,
                                                "OPPORTUNITY": "14972.70", "CURRENCY_ID": "RUB", "ASSIGNED_BY_ID": 1}})
    product = b24.call("crm.product.add", {"fields": {"NAME": "Кресло", "PRICE": "4990.90", "CURRENCY_ID": "RUB"}})
    assert b24.call("crm.deal.productrows.set", {"id": deal, "rows": [
        {"PRODUCT_ID": product, "PRICE": "4990.90", "QUANTITY": 3, "TAX_RATE": 22, "TAX_INCLUDED": "Y"},
    ]}) is True

    with bridge.client() as admin:
        stored = admin.call("deal.get", {"id": deal})
        assert stored["opportunity"] == "14972.70"
        assert (stored["companyId"], stored["contactId"]) == (company, contact)
        rows = admin.call("deal.productRows.get", {"id": deal})
        assert rows["totals"]["total"] == "14972.70"
        assert rows["rows"][0]["productId"] == product

    # raw=True: one plain POST of JSON, the reply as the server sent it.
    reply = b24.call("crm.deal.productrows.get", {"id": deal}, raw=True)
    assert set(reply) == {"result", "time"}
    rows = reply["result"]
    assert [(r["PRODUCT_NAME"], r["PRICE"], r["QUANTITY"], r["TAX_RATE"]) for r in rows] == [("Кресло", "4990.90", "3", "22")]

    deals = b24.get_all("crm.deal.list", {"filter": {"COMPANY_ID": company}, "select": ["ID", "OPPORTUNITY", "STAGE_ID"]})
    assert deals == [{"ID": str(deal), "OPPORTUNITY": "14972.70", "STAGE_ID": "NEW"}]


def test_batch_with_references_and_halt(bridge, b24):
    with bridge.client() as admin:
        relax_lead_stage(admin)
    result = b24.call_batch({"halt": 0, "cmd": {
        "made": "crm.lead.add?fields[TITLE]=Из пакета&fields[NAME]=Олег",
        "read": "crm.lead.get?id=$result[made]",
        "found": "crm.lead.list?filter[NAME]=$result[read][NAME]&select[]=ID",
    }})
    assert result["read"]["TITLE"] == "Из пакета"
    assert result["found"] == [{"ID": str(result["made"])}]

    with pytest.raises(ErrorInServerResponseException) as refused:
        b24.call_batch({"halt": 1, "cmd": {"missing": "crm.lead.get?id=999999",
                                           "after": "crm.lead.add?fields[TITLE]=не должен появиться"}})
    assert refused.value.args[0] == {"missing": {"error": "", "error_description": "Not found"}}
    with bridge.client() as admin:
        assert admin.call("lead.list", {"count": True, "limit": 1})["total"] == 1


def test_errors_as_bitrix_answers_them(bridge, b24):
    with pytest.raises(ErrorInServerResponseException) as in_batch:
        b24.call("crm.lead.frobnicate", {"ID": 1})
    assert list(in_batch.value.args[0].values()) == [{"error": "ERROR_METHOD_NOT_FOUND", "error_description": "Method not found!"}]
    with pytest.raises(ClientResponseError) as unknown:
        b24.call("crm.lead.frobnicate", {"ID": 1}, raw=True)
    assert unknown.value.status == 404

    conn = http.client.HTTPConnection(bridge.host, bridge.port, timeout=10)
    conn.request("POST", f"/rest/1/{bridge.token}/crm.deal.get.json", body=json.dumps({"id": 4242}),
                 headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    assert response.status == 400
    assert json.loads(response.read()) == {"error": "", "error_description": "Not found"}

    conn.request("GET", "/rest/1/crmd_not_a_token/crm.lead.list")
    response = conn.getresponse()
    assert response.status == 401
    response.read()

    conn.request("GET", f"/rest/1/{bridge.token}/crm.lead.list?filter[!%25TITLE]=x")
    response = conn.getresponse()
    body = json.loads(response.read())
    assert response.status == 400 and "NOT LIKE" in body["error_description"]


def test_the_webhook_path_must_name_the_tokens_user(bridge):
    conn = http.client.HTTPConnection(bridge.host, bridge.port, timeout=10)
    for path in (f"/rest/2/{bridge.token}/crm.lead.list.json", "/rest/1/crmd_not_a_token/crm.lead.list.json"):
        conn.request("GET", path)
        response = conn.getresponse()
        assert response.status == 401, path
        assert json.loads(response.read()) == {"error": "NO_AUTH_FOUND", "error_description": "Wrong authorization data"}
    conn.request("GET", f"/rest/1/{bridge.token}/crm.lead.list.json")
    response = conn.getresponse()
    assert response.status == 200 and json.loads(response.read())["result"] == []
    conn.request("GET", "/rest/1/only-two-parts")
    response = conn.getresponse()
    assert response.status == 404 and json.loads(response.read())["error"] == "ERROR_METHOD_NOT_FOUND"
