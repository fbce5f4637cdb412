"""The company's time zone (issue 9) through the real server: `settings.timeZone` (IANA,
default Europe/Moscow) decides which day "today" is — an invoice's default date, the year that
numbers it, and `overdue`. The server's clock cannot be set from outside, so these tests use two
zones 25 hours apart (Kiritimati +14, Pago Pago -11), whose dates always differ, and compare with
today as Python's zoneinfo sees it. A back-dated invoice takes the next number of its date's
year. Every result is checked against its method's schema."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from helpers import invoice_deal, refused
from crmd_client import InvalidValue

EAST, WEST = "Pacific/Kiritimati", "Pacific/Pago_Pago"


def today(zone: str) -> str:
    return datetime.now(timezone.utc).astimezone(ZoneInfo(zone)).date().isoformat()


def test_the_default_zone_is_moscow_and_null_resets_to_it(crm):
    assert crm.call("settings.get", {})["timeZone"] == "Europe/Moscow"
    assert crm.call("settings.update", {"timeZone": "Asia/Vladivostok"})["timeZone"] == "Asia/Vladivostok"
    assert crm.call("settings.get", {})["timeZone"] == "Asia/Vladivostok"
    assert crm.call("settings.update", {"timeZone": None})["timeZone"] == "Europe/Moscow"
    assert crm.call("settings.get", {})["timeZone"] == "Europe/Moscow"


@pytest.mark.parametrize("name", ["Mars/Olympus", "MSK", "GMT+3", "europe/moscow", "+03:00"])
def test_an_unknown_zone_is_refused_and_changes_nothing(crm, name):
    crm.call("settings.update", {"timeZone": "America/New_York"})
    error = refused(crm, InvalidValue, "settings.update", {"timeZone": name})
    assert error.data["field"] == "timeZone"
    assert error.data["reason"] == "unknownTimeZone"
    assert crm.call("settings.get", {})["timeZone"] == "America/New_York"


def test_the_default_date_is_today_in_the_company_zone(crm):
    deal_id = invoice_deal(crm)
    dates = {}
    for zone in (EAST, WEST):
        crm.call("settings.update", {"timeZone": zone})
        before = today(zone)
        invoice = crm.call("invoice.createFromDeal", {"dealId": deal_id})
        assert invoice["date"] in {before, today(zone)}
        assert invoice["number"].startswith(invoice["date"][:4] + "-")
        dates[zone] = invoice["date"]
    assert dates[EAST] > dates[WEST]


def test_overdue_follows_the_company_zone(crm):
    deal_id = invoice_deal(crm)
    due = today(WEST)      # today in Pago Pago is already past in Kiritimati, a day or two ahead
    invoice = crm.call("invoice.createFromDeal", {"dealId": deal_id, "date": "2026-01-15", "dueDate": due})
    crm.call("invoice.setStatus", {"id": invoice["id"], "status": "sent"})
    crm.call("settings.update", {"timeZone": EAST})
    assert crm.call("invoice.get", {"id": invoice["id"]})["status"] == "overdue"
    assert [i["id"] for i in crm.call("invoice.list", {"filter": {"status": "overdue"}})["items"]] == [invoice["id"]]
    crm.call("settings.update", {"timeZone": WEST})
    if today(WEST) != due:
        pytest.skip("midnight passed in Pago Pago during the test")
    assert crm.call("invoice.get", {"id": invoice["id"]})["status"] == "sent"
    assert crm.call("invoice.list", {"filter": {"status": "overdue"}})["items"] == []


def test_a_back_dated_invoice_takes_the_next_number_of_its_year(crm):
    deal_id = invoice_deal(crm)
    numbers = [crm.call("invoice.createFromDeal", {"dealId": deal_id, "date": date})["number"]
               for date in ("2025-06-10", "2025-02-01", "2024-12-31", "2025-12-31")]
    assert numbers == ["2025-00001", "2025-00002", "2024-00001", "2025-00003"]
