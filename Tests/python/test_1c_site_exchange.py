"""The 1C site exchange (issue 14, item 2) played the way 1C plays it, over real HTTP against
`crmd serve --http`: Basic auth with the exchange user's e-mail and API token at
`?type=sale&mode=checkauth`, the session cookie on every later request, `init`, `query` (the
CommerceML of the invoices not yet acknowledged, windows-1251, read with xml.etree), `success`,
then 1C's documents uploaded in chunks with `file` and applied with `import`.
"""
from __future__ import annotations

import base64
import http.client
import re
import stat
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest
from conftest import CheckedClient
from test_export_1c import documents, invoice, parties, requisites
from test_import_1c import commerceml, document

ROWS = [{"name": "Камера", "price": "4500", "quantity": "2", "vatRate": "22"}]


@pytest.fixture
def site(bridge):
    """crmd with its HTTP bridge (conftest's `bridge`): (the bridge's port, a checked socket client)."""
    with bridge.client() as client:
        yield bridge.port, CheckedClient(client)


def user_with_role(crm, email: str, role: str) -> str:
    """A user with the built-in role `role` and an API token: the Basic credentials `email:token`."""
    user = crm.call("user.add", {"fields": {"name": "Обмен с 1С", "email": email}})
    role_id = next(r["id"] for r in crm.call("role.list", {})["items"] if r["code"] == role)
    crm.call("user.setRoles", {"id": user["id"], "roleIds": [role_id]})
    return f"{email}:{crm.call('token.add', {'userId': user['id'], 'name': '1C'})['token']}"


class OneC:
    """What 1C does: one HTTP request per step, the cookie from checkauth sent back on each."""

    def __init__(self, port: int, path: str = "/1c/exchange"):
        self.port, self.path = port, path
        self.cookie: str | None = None

    def request(self, query: str, method: str = "GET", body: bytes | None = None, credentials: str | None = None):
        headers = {"User-Agent": "1C+Enterprise/8.3"}
        if credentials is not None:
            headers["Authorization"] = "Basic " + base64.b64encode(credentials.encode()).decode()
        if self.cookie:
            headers["Cookie"] = self.cookie
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, f"{self.path}?{query}", body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()

    def lines(self, query: str, **kwargs) -> list[str]:
        """A text answer's lines, decoded from windows-1251 as its Content-Type says."""
        status, headers, body = self.request(query, **kwargs)
        assert headers["Content-Type"] == "text/plain; charset=windows-1251", headers["Content-Type"]
        return body.decode("cp1251").splitlines()

    def checkauth(self, credentials: str) -> list[str]:
        lines = self.lines("type=sale&mode=checkauth", credentials=credentials)
        assert lines[0] == "success", lines
        self.cookie = f"{lines[1]}={lines[2]}"
        return lines


def test_a_whole_exchange_sends_invoices_once_and_takes_1cs_documents(site, workdir):
    port, crm = site
    bill = invoice(crm, parties(crm), ROWS)
    onec = OneC(port)
    auth = onec.checkauth(user_with_role(crm, "1c@example.ru", "exchange"))
    assert len(auth) == 5 and auth[1] == "crmd_1c_session" and re.fullmatch(r"[0-9a-f]{64}", auth[2])
    assert auth[3].startswith("sessid=") and auth[4].startswith("timestamp=")

    init = onec.lines("type=sale&mode=init")
    assert init[0] == "zip=no" and init[2] == auth[3] and init[3] == "version=2.05"
    file_limit = int(init[1].removeprefix("file_limit="))
    assert file_limit > 0

    status, headers, body = onec.request(f"type=sale&mode=query&{auth[3]}")
    assert status == 200 and headers["Content-Type"] == "application/xml; charset=windows-1251"
    assert body.startswith(b'<?xml version="1.0" encoding="windows-1251"?>')
    sent = documents(ET.fromstring(body))  # decoded by its declaration
    assert list(sent) == [bill["number"]]
    order = sent[bill["number"]]
    assert order.findtext("Ид") == f"crmd-invoice-{bill['id']}" and order.findtext("Сумма") == "9000.00"
    assert order.findtext("Контрагенты/Контрагент/ИНН") == "7736207543"
    assert requisites(order)["Заказ оплачен"] == "false"
    # The export went through a file in crmd's spool directory beside the database, gone once sent.
    spool = workdir / "spool"
    assert spool.is_dir() and list(spool.iterdir()) == [] and stat.S_IMODE(spool.stat().st_mode) == 0o700
    assert onec.lines("type=sale&mode=success") == ["success"]
    _, _, again = onec.request("type=sale&mode=query")
    assert documents(ET.fromstring(again)) == {}

    # 1C's answer: the order paid, an act made on it, an order crmd never made — in two chunks.
    answer = commerceml([
        document(bill["number"], "Заказ товара", requisites=[("Дата оплаты по 1С", "2026-11-26T00:00:00"), ("Номер оплаты по 1С", "88")]),
        document("А-17", "Акт", basis=f"Счет на оплату № {bill['number']} от 20.11.2026"),
        document("2026-99999", "Заказ товара"),
    ], "windows-1251").encode("cp1251")
    name = quote("документы-1c.xml")
    for chunk in (answer[:len(answer) // 2], answer[len(answer) // 2:]):
        assert len(chunk) <= file_limit
        assert onec.lines(f"type=sale&mode=file&filename={name}", method="POST", body=chunk) == ["success"]
    assert onec.lines(f"type=sale&mode=import&filename={name}") == \
        ["success", "documents 3, payments 1, attached 1, cancelled 0, not applied 1 (2026-99999 notFound)"]

    paid = crm.call("invoice.get", {"id": bill["id"]})
    assert paid["status"] == "paid" and [p["source"] for p in paid["payments"]] == ["1c"]
    assert [(d["kind"], d["number"]) for d in crm.call("invoice.documents", {"id": bill["id"]})["items"]] == [("act", "А-17")]

    # The payment changed the invoice: the next query sends it again, now paid.
    _, _, paid_back = onec.request("type=sale&mode=query")
    assert requisites(documents(ET.fromstring(paid_back))[bill["number"]])["Заказ оплачен"] == "true"
    assert onec.lines("type=sale&mode=success") == ["success"]


def test_what_1c_is_refused(site):
    port, crm = site
    credentials = user_with_role(crm, "1c@example.ru", "exchange")
    onec = OneC(port)

    status, headers, body = onec.request("type=sale&mode=checkauth")
    assert status == 401 and headers["WWW-Authenticate"].startswith("Basic ") and body.startswith(b"failure\n")
    token = credentials.split(":", 1)[1]
    for wrong in ["1c@example.ru:crmd_9_" + "A" * 43, f"someone@example.ru:{token}"]:
        lines = onec.lines("type=sale&mode=checkauth", credentials=wrong)
        assert lines[0] == "failure" and len(lines) == 2, lines
    manager = onec.lines("type=sale&mode=checkauth", credentials=user_with_role(crm, "manager@example.ru", "manager"))
    assert manager[0] == "failure" and "exchange role" in manager[1]
    assert onec.lines("type=catalog&mode=checkauth", credentials=credentials)[0] == "failure"

    assert onec.lines("type=sale&mode=init")[0] == "failure"  # no session yet
    onec.checkauth(credentials)
    for bad in ["../orders.xml", quote("/etc/passwd", safe=""), quote("C:\\v8_1.xml", safe=""), "a%00.xml"]:
        lines = onec.lines(f"type=sale&mode=file&filename={bad}", method="POST", body=b"<x/>")
        assert lines[0] == "failure" and len(lines) == 2, (bad, lines)
    assert onec.lines("type=sale&mode=import&filename=never.xml")[0] == "failure"
    assert onec.lines("type=sale&mode=complete")[0] == "failure"
    assert onec.lines("type=sale&mode=success")[0] == "failure"  # no query sent anything

    onec.cookie = "crmd_1c_session=" + "0" * 64
    assert onec.lines("type=sale&mode=query")[0] == "failure"

    # Bitrix's address answers the same protocol.
    bitrix = OneC(port, "/bitrix/admin/1c_exchange.php")
    bitrix.checkauth(credentials)
    assert bitrix.lines("type=sale&mode=init")[0] == "zip=no"
