"""Helpers shared by the outside-client tests: unique numbers and checksum-valid identifiers
(INN, OGRN, OGRNIP as REFERENCE-ru.md defines them), and small call wrappers."""
from __future__ import annotations

import itertools
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from conftest import BASE, REGISTRY, CheckedClient, CrmdServer

from crmd_client import ConnectionClosed, CrmdError

_serial = itertools.count(random.randrange(10_000, 90_000) * 100)


def uid() -> int:
    return next(_serial)


def inn10(body: int) -> str:
    """A checksum-valid legal-entity INN from 9 digits (REFERENCE-ru.md)."""
    digits = [int(c) for c in f"{body % 10**9:09d}"]
    return "".join(map(str, digits)) + str(sum(d * w for d, w in zip(digits, (2, 4, 10, 3, 5, 9, 4, 6, 8))) % 11 % 10)


def inn12(body: int) -> str:
    """A checksum-valid personal INN from 10 digits."""
    digits = [int(c) for c in f"{body % 10**10:010d}"]
    digits.append(sum(d * w for d, w in zip(digits, (7, 2, 4, 10, 3, 5, 9, 4, 6, 8))) % 11 % 10)
    digits.append(sum(d * w for d, w in zip(digits, (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8))) % 11 % 10)
    return "".join(map(str, digits))


def ogrn(body: int) -> str:
    first = f"1{body % 10**11:011d}"
    return first + str(int(first) % 11 % 10)


def ogrnip(body: int) -> str:
    first = f"3{body % 10**13:013d}"
    return first + str(int(first) % 13 % 10)


def refused(crm, exception, method, params) -> CrmdError:
    with pytest.raises(exception) as caught:
        crm.call(method, params)
    assert_error_data(caught.value)
    return caught.value


def without_money(deal: dict) -> dict:
    """A deal as `deal.get` shows it, less the `money` only `get` works out (to compare with what add or update gave)."""
    return {key: value for key, value in deal.items() if key != "money"}


def timeline(crm, entity: str, id_: int) -> list:
    entries, cursor = [], None
    while True:
        page = crm.call("timeline.list", {"entityType": entity, "id": id_, "limit": 500, "cursor": cursor})
        entries += page["items"]
        cursor = page["next"]
        if cursor is None:
            return entries


ERROR_DATA = {1001: "RequiredFieldsMissingData", 1002: "NotFoundData", 1003: "DuplicatesFoundData",
              1004: "FieldsMissingInTargetData", 1005: "ConflictData", 1006: "ForbiddenData",
              1007: "InvalidValueData", 1008: "RegistryUnavailableData", -32602: "InvalidParamsData"}


def assert_error_data(error: CrmdError) -> None:
    name = ERROR_DATA.get(error.code)
    if name:
        validator = Draft202012Validator({"$ref": f"{BASE}common.json#/$defs/{name}"}, registry=REGISTRY)
        problems = [e.message for e in validator.iter_errors(error.data)]
        assert not problems, (error.code, error.data, problems)


def start_server(crmd_bin: str, name: str, config: dict | None = None) -> tuple[CrmdServer, Path]:
    """A server of a test module's own in a fresh directory; stop it with `stop_server`."""
    directory = Path(tempfile.mkdtemp(prefix="crmd-", dir="/tmp"))
    return CrmdServer(crmd_bin, directory, name=name, config=config).start(), directory


def stop_server(server: CrmdServer, directory: Path) -> None:
    """Stops a server started by `start_server`; it must exit 0."""
    code = server.stop()
    text = server.stderr_text()
    shutil.rmtree(directory, ignore_errors=True)
    assert code == 0, f"crmd {server.name} did not exit cleanly: {code}\n{text[-5000:]}"


def checked_client(server: CrmdServer, request):
    """A schema-checking client on a shared server, whose log goes into a failing test's report."""
    request.node.crmd_servers = [server]
    with server.client() as client:
        yield CheckedClient(client)


def invoice_deal(c, rows=({"name": "Камера", "price": "4500", "quantity": "2"},)) -> int:
    """A seller with a bank account, a payer with requisites and a deal with `rows`; the deal's id."""
    deal = c.call("deal.add", {"fields": {"title": "Камеры", "companyId": invoice_parties(c)}})
    c.call("deal.productRows.set", {"id": deal["id"], "rows": list(rows)})
    return deal["id"]


def invoice_parties(c) -> int:
    """A seller (my company) with requisites and a bank account, and a payer company with
    requisites; the payer's id."""
    seller = c.call("company.add", {"fields": {"title": "Видеосистемы", "isMyCompany": True}})
    requisite = c.call("requisite.add", {"entityType": "company", "entityId": seller["id"], "preset": "legal",
                                         "fields": {"inn": "7707083893", "kpp": "773601001", "shortName": "ООО «Видеосистемы»"}})
    c.call("bankDetail.add", {"requisiteId": requisite["id"], "fields": {"bik": "044525593", "account": "40702810801400016513"}})
    buyer = c.call("company.add", {"fields": {"title": "ИП Петров"}})
    c.call("requisite.add", {"entityType": "company", "entityId": buyer["id"], "preset": "ip",
                             "fields": {"inn": "500100732259", "shortName": "ИП Петров И. С."}})
    return buyer["id"]


def write_until_killed(server, fields: dict | None, writers: int = 4, seconds: float = 1.5, write_one=None) -> list[int]:
    """`writers` connections add leads with `fields` (or each call `write_one(client)`, which
    returns the id of what it wrote) until `server` is killed with SIGKILL after `seconds`;
    returns the ids of the writes that were acknowledged, in no particular order."""
    acknowledged: list[int] = []
    lock = threading.Lock()

    def write() -> None:
        client = server.client()
        try:
            while True:
                written = write_one(client) if write_one else client.call("lead.add", {"fields": fields}, timeout=10)["id"]
                with lock:
                    acknowledged.append(written)
        except (ConnectionClosed, OSError, TimeoutError):
            return

    threads = [threading.Thread(target=write) for _ in range(writers)]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    assert server.stop(signal.SIGKILL) == -signal.SIGKILL
    for thread in threads:
        thread.join(15)
    return acknowledged


class RegistryStub:
    """registry_stub.py (the online INN registry's stand-in) on a free loopback port, answering
    `token`; `slow` makes its slow INN take that many seconds."""

    def __init__(self, token: str, slow: float | None = None):
        argv = [sys.executable, str(Path(__file__).resolve().parent / "registry_stub.py"), "--port", "0", "--token", token]
        if slow is not None:
            argv += ["--slow-seconds", str(slow)]
        self.token = token
        self.process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.process.stdout.readline()
        if not line.strip().isdigit():
            self.stop()
            raise AssertionError(f"registry stub did not start: {line!r}")
        self.port = int(line)
        self.url = f"http://127.0.0.1:{self.port}"

    def config(self) -> dict:
        """The crmd config that looks INNs up in this stub."""
        return {"registry": {"source": "online", "url": self.url, "token": self.token, "timeoutSeconds": 5}}

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
