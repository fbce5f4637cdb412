"""Bank accounts as the Bank of Russia checks them (issue 9), through `bankDetail.add` on the real
server: an account at a РКЦ or another division of the Bank of Russia (БИК ending 000, 001, 002) is
keyed with "0" + БИК digits 5–6 (Order 515), and a treasury account (03…) is taken as payment
orders write it, with the ЕКС (40102…) in the correspondent account's place — the real, published
details of the single tax payment (ЕНП) among them."""
from __future__ import annotations

import pytest

from helpers import checked_client, refused, start_server, stop_server
from crmd_client import InvalidValue

# Казначейство России (ФНС России): the recipient of the ЕНП, as the tax service publishes it.
ENP = {"bik": "017003983", "account": "03100643000000018500", "corrAccount": "40102810445370000059",
       "bankName": "ОТДЕЛЕНИЕ ТУЛА БАНКА РОССИИ//УФК по Тульской области, г Тула"}
# УФК по г. Москве.
MOSCOW = {"bik": "004525988", "account": "03100643000000017300", "corrAccount": "40102810545370000003",
          "bankName": "ГУ БАНКА РОССИИ ПО ЦФО//УФК ПО Г. МОСКВЕ г. Москва"}


@pytest.fixture(scope="module")
def bank_server(crmd_bin):
    server, directory = start_server(crmd_bin, "banks")
    yield server
    stop_server(server, directory)


@pytest.fixture
def bcrm(bank_server, request):
    yield from checked_client(bank_server, request)


@pytest.fixture
def treasury(bcrm) -> dict:
    """The requisites of Казначейство России (ФНС России)."""
    company = bcrm.call("company.add", {"fields": {"title": "Казначейство России (ФНС России)"}})
    return bcrm.call("requisite.add", {"entityType": "company", "entityId": company["id"], "preset": "legal",
                                       "fields": {"inn": "7727406020", "kpp": "770801001",
                                                  "shortName": "Казначейство России (ФНС России)"}})


@pytest.mark.parametrize("fields", [ENP, MOSCOW], ids=["ENP", "Moscow"])
def test_real_treasury_details_are_accepted_as_written(bcrm, treasury, fields):
    detail = bcrm.call("bankDetail.add", {"requisiteId": treasury["id"], "fields": fields})
    assert {key: detail[key] for key in fields} == fields
    assert bcrm.call("requisite.get", {"id": treasury["id"]})["bankDetails"] == [detail]


@pytest.mark.parametrize("bik,account", [("044525000", "40101810045250010041"), ("046577001", "40101810500000010010")])
def test_an_account_at_a_bank_of_russia_division_is_keyed_with_its_number(bcrm, treasury, bik, account):
    detail = bcrm.call("bankDetail.add", {"requisiteId": treasury["id"], "fields": {"bik": bik, "account": account}})
    assert (detail["bik"], detail["account"]) == (bik, account)
    wrong = account[:-1] + str((int(account[-1]) + 1) % 10)
    error = refused(bcrm, InvalidValue, "bankDetail.add", {"requisiteId": treasury["id"], "fields": {"bik": bik, "account": wrong}})
    assert (error.field, error.reason) == ("account", "checksum")


@pytest.mark.parametrize("change,field,reason", [
    ({"corrAccount": None}, "account", "checksum"),                              # no ЕКС: keyed, and no key fits
    ({"corrAccount": "30101810400000000225"}, "account", "checksum"),            # a bank's correspondent account
    ({"corrAccount": "40102810445370000050"}, "corrAccount", "checksum"),        # the ЕКС one digit off
    ({"bik": "004525988"}, "corrAccount", "checksum"),                           # the ЕКС of another ТОФК
], ids=["no-eks", "bank-corr", "eks-digit", "eks-bik"])
def test_treasury_details_that_do_not_hold_together_are_refused(bcrm, treasury, change, field, reason):
    fields = {key: value for key, value in {**ENP, **change}.items() if value is not None}
    error = refused(bcrm, InvalidValue, "bankDetail.add", {"requisiteId": treasury["id"], "fields": fields})
    assert (error.field, error.reason) == (field, reason)
    assert bcrm.call("bankDetail.list", {"requisiteId": treasury["id"]})["items"] == []
