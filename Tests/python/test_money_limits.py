"""Money has limits (issue 9) through the real server: every amount, given or computed, is at
most 9999999999999.99 and every quantity at most 999999999999.999. One past a limit is 1007
`tooLarge` naming the field, the call changes nothing and the server goes on answering; at the
limits the totals are exact to the kopeck. Other numbers from a call that the server computes
with (a stage's position, an invoice number's width, a due date) are bounded the same way: no
call can make the server trap. Every result is checked against its method's schema."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest

from helpers import checked_client, refused, start_server, stop_server
from crmd_client import InvalidParams, InvalidValue, RequiredFieldsMissing

MAXIMUM = "9999999999999.99"
ONE_PAST = "10000000000000.00"
MAX_QUANTITY = "999999999999.999"


@pytest.fixture(scope="module")
def money_server(crmd_bin):
    server, directory = start_server(crmd_bin, "money")
    yield server
    stop_server(server, directory)


@pytest.fixture
def mcrm(money_server, request):
    yield from checked_client(money_server, request)


def alive(server) -> None:
    """The server still runs and answers a new connection."""
    assert server.running
    with server.client() as other:
        assert other.call("server.info", {})


def deal(c, title: str = "Крупная поставка", **fields) -> dict:
    return c.call("deal.add", {"fields": {"title": title, **fields}})


def seller_and_payer(c) -> int:
    """A seller with a bank account and a payer company with requisites; the payer's id."""
    seller = c.call("company.add", {"fields": {"title": "Видеосистемы", "isMyCompany": True}})
    requisite = c.call("requisite.add", {"entityType": "company", "entityId": seller["id"], "preset": "legal",
                                         "fields": {"inn": "7707083893", "kpp": "773601001", "shortName": "ООО «Видеосистемы»"}})
    c.call("bankDetail.add", {"requisiteId": requisite["id"], "fields": {"bik": "044525593", "account": "40702810801400016513"}})
    c.call("settings.update", {"sellerCompanyId": seller["id"]})      # the module's server has several of "my companies"
    buyer = c.call("company.add", {"fields": {"title": "ИП Петров"}})
    c.call("requisite.add", {"entityType": "company", "entityId": buyer["id"], "preset": "ip",
                             "fields": {"inn": "500100732259", "shortName": "ИП Петров И. С."}})
    return buyer["id"]


def state(c, deal_id: int) -> tuple:
    return c.call("deal.productRows.get", {"id": deal_id}), c.call("deal.get", {"id": deal_id})


def kopecks(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------------------- the issue's call

@pytest.mark.parametrize("count", [2, 1])
def test_the_issue_rows_are_refused_the_server_lives_and_nothing_changes(money_server, mcrm, count):
    d = deal(mcrm)
    mcrm.call("deal.productRows.set", {"id": d["id"], "rows": [{"name": "Было", "price": "100"}]})
    before = state(mcrm, d["id"])
    row = {"name": "Очень много", "price": "9999999999999.99", "quantity": "1000000000"}
    error = refused(mcrm, InvalidValue, "deal.productRows.set", {"id": d["id"], "rows": [row] * count})
    assert (error.field, error.reason) == ("rows.0", "tooLarge")
    assert money_server.running
    assert state(mcrm, d["id"]) == before
    with money_server.client() as other:          # a new connection is answered too
        assert other.call("deal.get", {"id": d["id"]})["opportunity"] == "100.00"


def test_rows_whose_sum_passes_the_limit_name_the_rows(mcrm):
    d = deal(mcrm)
    before = state(mcrm, d["id"])
    error = refused(mcrm, InvalidValue, "deal.productRows.set", {"id": d["id"], "rows": [
        {"name": "a", "price": MAXIMUM}, {"name": "b", "price": "0.01"}]})
    assert (error.field, error.reason) == ("rows", "tooLarge")
    # VAT on top of a row at the maximum passes it too.
    error = refused(mcrm, InvalidValue, "deal.productRows.set", {"id": d["id"], "rows": [
        {"name": "a", "price": MAXIMUM, "vatRate": "22", "vatIncluded": False}]})
    assert (error.field, error.reason) == ("rows.0", "tooLarge")
    assert state(mcrm, d["id"]) == before


@pytest.mark.parametrize("row,field", [
    ({"name": "x", "price": ONE_PAST}, "rows.0.price"),
    ({"name": "x", "price": "99999999999999999999999999999999999999.99"}, "rows.0.price"),
    ({"name": "x", "price": "1", "quantity": "1000000000000"}, "rows.0.quantity"),
    ({"name": "x", "price": "1", "discount": {"type": "amount", "value": ONE_PAST}}, "rows.0.discount"),
], ids=["price", "huge-price", "quantity", "discount"])
def test_a_value_past_its_limit_says_too_large(mcrm, row, field):
    d = deal(mcrm)
    error = refused(mcrm, InvalidValue, "deal.productRows.set", {"id": d["id"], "rows": [{"name": "ok", "price": "1"}, row]})
    assert (error.field, error.reason) == (field.replace("rows.0", "rows.1"), "tooLarge")
    assert mcrm.call("deal.productRows.get", {"id": d["id"]})["rows"] == []


def test_a_malformed_amount_is_still_a_format_problem(mcrm):
    d = deal(mcrm)
    with pytest.raises(InvalidParams):
        mcrm.call("deal.productRows.set", {"id": d["id"], "rows": [{"name": "x", "price": "1.005"}]})


def test_stored_amounts_past_the_limit_are_refused(mcrm):
    error = refused(mcrm, InvalidValue, "product.add", {"fields": {"name": "Дорого", "price": ONE_PAST}})
    assert (error.field, error.reason) == ("price", "tooLarge")
    error = refused(mcrm, InvalidValue, "deal.add", {"fields": {"title": "x", "opportunity": ONE_PAST}})
    assert (error.field, error.reason) == ("opportunity", "tooLarge")
    assert deal(mcrm, opportunity=MAXIMUM)["opportunity"] == MAXIMUM


# ---------------------------------------------------------------------------- at the limits

def test_rows_at_the_limits_give_exact_totals(mcrm):
    d = deal(mcrm)
    top = mcrm.call("deal.productRows.set", {"id": d["id"], "rows": [{"name": "Всё", "price": MAXIMUM, "vatRate": "none"}]})
    assert top["totals"]["total"] == MAXIMUM and mcrm.call("deal.get", {"id": d["id"]})["opportunity"] == MAXIMUM
    rows = [{"name": "Штучно", "price": "0.01", "quantity": MAX_QUANTITY, "vatRate": "20"},
            {"name": "Остальное", "price": "9989999999999.99", "vatRate": "22"}]
    result = mcrm.call("deal.productRows.set", {"id": d["id"], "rows": rows})
    sums = [kopecks(Decimal(r["price"]) * Decimal(r["quantity"] if "quantity" in r else "1")) for r in rows]
    vats = [kopecks(s * rate / (100 + rate)) for s, rate in zip(sums, (Decimal(20), Decimal(22)))]
    assert [r["sum"] for r in result["rows"]] == [str(s) for s in sums] == ["10000000000.00", "9989999999999.99"]
    assert [r["vat"] for r in result["rows"]] == [str(v) for v in vats]
    assert result["totals"]["total"] == MAXIMUM and result["totals"]["vat"] == str(sum(vats))


def test_an_invoice_at_the_maximum_is_paid_to_the_kopeck(mcrm):
    payer = seller_and_payer(mcrm)
    d = deal(mcrm, companyId=payer)
    mcrm.call("deal.productRows.set", {"id": d["id"], "rows": [{"name": "Всё", "price": MAXIMUM}]})
    invoice = mcrm.call("invoice.createFromDeal", {"dealId": d["id"], "date": "2026-03-05"})
    assert invoice["total"] == MAXIMUM
    assert invoice["amountInWords"].startswith("Девять триллионов девятьсот девяносто девять миллиардов")
    assert invoice["amountInWords"].endswith("рублей 99 копеек")
    for amount in (ONE_PAST, "92233720368547758.07", "1" + "0" * 60):
        error = refused(mcrm, InvalidValue, "invoice.addPayment", {"id": invoice["id"], "amount": amount, "date": "2026-03-06"})
        assert (error.field, error.reason) == ("amount", "tooLarge")
    mcrm.call("invoice.addPayment", {"id": invoice["id"], "amount": "0.01", "date": "2026-03-06"})
    error = refused(mcrm, InvalidValue, "invoice.addPayment", {"id": invoice["id"], "amount": MAXIMUM, "date": "2026-03-06"})
    assert (error.field, error.reason) == ("amount", "overpayment")
    paid = mcrm.call("invoice.addPayment", {"id": invoice["id"], "amount": "9999999999999.98", "date": "2026-03-06"})
    assert (paid["status"], paid["paid"], paid["due"]) == ("paid", MAXIMUM, "0.00")
    assert mcrm.call("invoice.render", {"id": invoice["id"], "format": "html"}) is not None


def test_an_invoice_is_not_made_from_rows_past_the_limit(mcrm):
    payer = seller_and_payer(mcrm)
    d = deal(mcrm, companyId=payer)
    refused(mcrm, InvalidValue, "deal.productRows.set", {"id": d["id"], "rows": [{"name": "x", "price": MAXIMUM}] * 2})
    error = refused(mcrm, RequiredFieldsMissing, "invoice.createFromDeal", {"dealId": d["id"]})   # nothing was set
    assert [m["field"] for m in error.missing] == ["productRows"]
    listed = mcrm.call("invoice.list", {"filter": {"dealId": d["id"]}})
    assert listed["items"] == []


# ---------------------------------------------------------------------------- list filters

@pytest.mark.parametrize("method,key,value", [
    ("deal.list", ">opportunity", ONE_PAST),
    ("deal.list", "<=opportunity", "-" + ONE_PAST),
    ("deal.list", "@opportunity", ["1", "99999999999999999999999"]),
    ("invoice.list", "<total", "1" + "0" * 40),
    ("product.list", "price", 100000000000000000000),
])
def test_a_filter_past_the_limit_says_too_large(mcrm, method, key, value):
    error = refused(mcrm, InvalidValue, method, {"filter": {key: value}})
    assert (error.field, error.reason) == (f"filter.{key}", "tooLarge")


def test_a_filter_at_the_limit_finds_exactly(mcrm):
    top = deal(mcrm, "Верхняя", opportunity=MAXIMUM)
    below = deal(mcrm, "Чуть ниже", opportunity="9999999999999.98")
    found = mcrm.call("deal.list", {"filter": {">=opportunity": MAXIMUM, "@id": [top["id"], below["id"]]}})["items"]
    assert [item["id"] for item in found] == [top["id"]]
    found = mcrm.call("deal.list", {"filter": {"<opportunity": MAXIMUM, "@id": [top["id"], below["id"]]}})["items"]
    assert [item["id"] for item in found] == [below["id"]]


# ---------------------------------------------------------------------------- other numbers from a call

def test_a_stage_position_past_its_limit_is_refused_and_the_next_stage_still_fits(money_server, mcrm):
    pipeline = mcrm.call("pipeline.add", {"entityType": "deal", "title": "Крупные"})
    for sort in (9223372036854775807, 1000000001, -9223372036854775808):
        error = refused(mcrm, InvalidValue, "stage.add", {"pipelineId": pipeline["id"], "title": "Край", "sort": sort})
        assert (error.field, error.reason) == ("sort", "tooLarge")
    alive(money_server)
    mcrm.call("stage.add", {"pipelineId": pipeline["id"], "title": "Край", "sort": 1000000000})
    after = mcrm.call("stage.add", {"pipelineId": pipeline["id"], "title": "За краем"})
    assert after["stages"][-1]["sort"] == 1000000010
    error = refused(mcrm, InvalidValue, "stage.update", {"pipelineId": pipeline["id"], "stageId": after["stages"][-1]["id"],
                                                          "sort": 9223372036854775807})
    assert (error.field, error.reason) == ("sort", "tooLarge")
    error = refused(mcrm, InvalidValue, "pipeline.add", {"entityType": "deal", "title": "Ещё",
                                                         "stages": [{"title": "x", "sort": -9223372036854775808}]})
    assert (error.field, error.reason) == ("stages.0.sort", "tooLarge")


@pytest.mark.parametrize("number_format", ["{N:5}-{N:-9223372036854775808}", "{YYYY}-{N:5}/{N:99999999999}"])
def test_an_invoice_number_width_past_two_digits_is_refused(money_server, mcrm, number_format):
    before = mcrm.call("settings.get", {})["invoiceNumberFormat"]
    error = refused(mcrm, InvalidValue, "settings.update", {"invoiceNumberFormat": number_format})
    assert (error.field, error.reason) == ("invoiceNumberFormat", "format")
    assert mcrm.call("settings.get", {})["invoiceNumberFormat"] == before
    alive(money_server)


def test_a_default_due_date_past_the_calendar_is_refused(mcrm):
    payer = seller_and_payer(mcrm)
    d = deal(mcrm, companyId=payer)
    mcrm.call("deal.productRows.set", {"id": d["id"], "rows": [{"name": "x", "price": "1"}]})
    error = refused(mcrm, InvalidValue, "invoice.createFromDeal", {"dealId": d["id"], "date": "9999-12-30"})
    assert (error.field, error.reason) == ("dueDate", "tooLarge")
    invoice = mcrm.call("invoice.createFromDeal", {"dealId": d["id"], "date": "9999-12-30", "dueDate": "9999-12-31"})
    assert invoice["dueDate"] == "9999-12-31"
