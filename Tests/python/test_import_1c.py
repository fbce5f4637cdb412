"""Documents back from 1C (issue 14, item 3; S25, S26) through the API of a real crmd:

- `invoice.attachDocument` attaches a shipment or closing document (акт, накладная, УПД,
  счёт-фактура) to an invoice with its number, date and file; `invoice.documents` lists them,
  `invoice.getDocument` gives one with its file; the invoice's timeline tells it; the same
  kind, number and date again is 1005.
"""
from __future__ import annotations

import base64

import pytest
from crmd_client import Conflict, InvalidParams, NotFound
from helpers import refused, timeline
from test_export_1c import invoice, parties

ROWS = [{"name": "Камера", "price": "4500", "quantity": "2", "vatRate": "22"}]


def test_documents_attached_by_hand(crm):
    buyer = parties(crm)
    bill = invoice(crm, buyer, ROWS)
    pdf = "%PDF-1.4 Акт №А-17".encode()
    act = crm.call("invoice.attachDocument", {"id": bill["id"], "kind": "act", "number": "А-17", "date": "2026-11-25",
                                              "data": base64.b64encode(pdf).decode(), "fileName": "act.pdf"})
    assert (act["invoiceId"], act["kind"], act["number"], act["date"], act["size"], act["source"]) == \
        (bill["id"], "act", "А-17", "2026-11-25", len(pdf), "manual")
    factura = crm.call("invoice.attachDocument", {"id": bill["id"], "kind": "invoiceFactura", "number": "118", "date": "2026-11-25",
                                                  "source": "edo"})
    assert factura["fileName"] is None and factura["size"] is None and factura["source"] == "edo"

    listed = crm.call("invoice.documents", {"id": bill["id"]})["items"]
    assert [d["id"] for d in listed] == [act["id"], factura["id"]] and all("data" not in d for d in listed)
    got = crm.call("invoice.getDocument", {"id": bill["id"], "documentId": act["id"]})
    assert base64.b64decode(got["data"]) == pdf
    assert crm.call("invoice.getDocument", {"id": bill["id"], "documentId": factura["id"]})["data"] is None

    told = [e["data"] for e in timeline(crm, "invoice", bill["id"]) if e["type"] == "document"]
    assert {(d["action"], d["document"], d["number"], d["documentId"]) for d in told} == \
        {("attached", "act", "А-17", act["id"]), ("attached", "invoiceFactura", "118", factura["id"])}

    error = refused(crm, Conflict, "invoice.attachDocument", {"id": bill["id"], "kind": "act", "number": "А-17", "date": "2026-11-25"})
    assert error.data["reason"] == "duplicate" and error.data["documentId"] == act["id"]
    other = invoice(crm, buyer, ROWS)
    refused(crm, NotFound, "invoice.getDocument", {"id": other["id"], "documentId": act["id"]})
    refused(crm, NotFound, "invoice.documents", {"id": 9999})
    with pytest.raises(InvalidParams):
        crm.call("invoice.attachDocument", {"id": bill["id"], "kind": "contract", "number": "1", "date": "2026-11-25"})
