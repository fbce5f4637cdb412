"""The company registry through the real server (seed scenarios S14-S16).

Offline: SME registry files (единый реестр субъектов МСП, the tax service's XML, alone or in a
ZIP) written here are loaded with `registry.import`; `requisite.lookup` and `requisite.add` with
`lookup: true` then find organisations and sole proprietors, and the company takes the registered
short name. Online: crmd talks to `registry_stub.py`, a loopback stand-in for the findById/party
API, and must turn each of its failures into 1008 with the right reason and change nothing."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from conftest import BASE, REGISTRY, CheckedClient
from helpers import uid, inn10, inn12, checked_client, start_server, stop_server, RegistryStub
from crmd_client import CrmdError, InvalidValue, NotFound

TOKEN = "T"


UNKNOWN_ORG, UNKNOWN_PERSON = inn10(771234561), inn12(7712345612)  # in no registry file below


# ---------------------------------------------------------------------------- the SME registry format

def xml_text(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def organisation(inn: str, ogrn: str, name: str, short: str | None = None, region=("77", "ГОРОД", "МОСКВА"),
                 city=None, okved=("62.01", "Разработка компьютерного программного обеспечения"), category="1",
                 date="10.01.2026") -> str:
    short_attr = f' НаимОргСокр="{xml_text(short)}"' if short else ""
    city_el = f'<Город Тип="{city[0]}" Наим="{city[1]}"/>' if city else ""
    return (f'<Документ ИдДок="{inn}-doc" ДатаСост="{date}" ДатаВклМСП="10.08.2016" ВидСубМСП="1" КатСубМСП="{category}" '
            f'ПризНовМСП="2" СведСоцПред="2" ССЧР="12">\n'
            f'<ОргВклМСП НаимОрг="{xml_text(name)}"{short_attr} ИННЮЛ="{inn}" ОГРН="{ogrn}"/>\n'
            f'<СведМН КодРегион="{region[0]}"><Регион Тип="{region[1]}" Наим="{region[2]}"/>{city_el}</СведМН>\n'
            f'<СвОКВЭД><СвОКВЭДОсн КодОКВЭД="{okved[0]}" НаимОКВЭД="{okved[1]}" ВерсОКВЭД="2014"/>'
            f'<СвОКВЭДДоп КодОКВЭД="46.51" НаимОКВЭД="Торговля оптовая компьютерами" ВерсОКВЭД="2014"/></СвОКВЭД>\n'
            f'<СвЛиценз СерЛиценз="77" НомЛиценз="123" ДатаЛиценз="01.01.2020"><НаимЛицВД>Деятельность</НаимЛицВД></СвЛиценз>\n'
            f'</Документ>')


def entrepreneur(inn: str, ogrnip: str, last: str, first: str, middle: str | None, region=("50", "ОБЛАСТЬ", "МОСКОВСКАЯ"),
                 city=("ГОРОД", "ХИМКИ"), date="10.01.2026") -> str:
    middle_attr = f' Отчество="{middle}"' if middle else ""
    city_el = f'<Город Тип="{city[0]}" Наим="{city[1]}"/>' if city else ""
    return (f'<Документ ИдДок="{inn}-doc" ДатаСост="{date}" ДатаВклМСП="10.08.2016" ВидСубМСП="2" КатСубМСП="1" ПризНовМСП="2">\n'
            f'<ИПВклМСП ИННФЛ="{inn}" ОГРНИП="{ogrnip}"><ФИОИП Фамилия="{last}" Имя="{first}"{middle_attr}/></ИПВклМСП>\n'
            f'<СведМН КодРегион="{region[0]}"><Регион Тип="{region[1]}" Наим="{region[2]}"/>{city_el}</СведМН>\n'
            f'<СвОКВЭД><СвОКВЭДОсн КодОКВЭД="43.21" НаимОКВЭД="Производство электромонтажных работ" ВерсОКВЭД="2014"/></СвОКВЭД>\n'
            f'</Документ>')


def registry_file(documents: list[str]) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<Файл ИдФайл="VO_RRMSPSV_0000_9965_20260110_test" ВерсФорм="4.02" ТипИнф="РЕЕСТРМСП" КолДок="{len(documents)}">\n'
            '<ИдОтпр><ФИООтв Фамилия="-" Имя="-"/></ИдОтпр>\n' + "\n".join(documents) + "\n</Файл>\n")


YANDEX = organisation("7736207543", "1027700229193", 'ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ "ЯНДЕКС"', 'ООО "ЯНДЕКС"',
                      category="3")
KHIMKI = organisation("7707083893", "1027700132195", 'АКЦИОНЕРНОЕ ОБЩЕСТВО "ХИМКИ & ПАРТНЁРЫ"', 'АО "ХИМКИ & ПАРТНЁРЫ"',
                      region=("50", "ОБЛАСТЬ", "МОСКОВСКАЯ"), city=("ГОРОД", "ХИМКИ"), category="2")
PETROV = entrepreneur("500100732259", "304500116000157", "ПЕТРОВ", "ПЁТР", "ПЕТРОВИЧ")
BASE_FILE = registry_file([YANDEX, KHIMKI, PETROV])


# ---------------------------------------------------------------------------- helpers

def check(name: str, value) -> None:
    validator = Draft202012Validator({"$ref": f"{BASE}{name}"}, registry=REGISTRY)
    problems = [e.message for e in validator.iter_errors(value)]
    assert not problems, (name, value, problems)


def unavailable(crm, method: str, params: dict, reason: str) -> CrmdError:
    """Calls a method that must fail with 1008 REGISTRY_UNAVAILABLE for `reason`."""
    with pytest.raises(CrmdError) as caught:
        crm.call(method, params)
    error = caught.value
    assert error.code == 1008, f"{method} {params}: expected 1008, got {error.code} {error.message} {error.data}"
    check("common.json#/$defs/RegistryUnavailableData", error.data)
    assert error.data["reason"] == reason, error.data
    return error


def refused(crm, exception, method, params) -> CrmdError:
    with pytest.raises(exception) as caught:
        crm.call(method, params)
    return caught.value


def timeline(crm, entity: str, id_: int) -> list:
    return crm.call("timeline.list", {"entityType": entity, "id": id_, "limit": 500})["items"]


# ---------------------------------------------------------------------------- offline

@pytest.fixture(scope="session")
def import_dir(tmp_path_factory) -> Path:
    """The directory the offline server may import from (`importDirs` of its config file)."""
    return tmp_path_factory.mktemp("imports")


@pytest.fixture(scope="session")
def offline_server(crmd_bin, import_dir):
    """A server whose offline registry holds BASE_FILE; the import's result is kept on it."""
    server, directory = start_server(crmd_bin, "offline", {"importDirs": [str(import_dir)]})
    path = import_dir / "rsmp.xml"
    path.write_text(BASE_FILE, encoding="utf-8")
    with server.client() as client:
        server.first_import = CheckedClient(client).call("registry.import", {"path": str(path), "format": "rsmp"})
    yield server
    stop_server(server, directory)


@pytest.fixture
def ocrm(offline_server, request) -> CheckedClient:
    yield from checked_client(offline_server, request)


@pytest.fixture
def files(import_dir) -> Path:
    return Path(tempfile.mkdtemp(prefix="rsmp-", dir=import_dir))


def test_import_reports_the_counts(offline_server):
    assert offline_server.first_import == {"records": 3, "organisations": 2, "entrepreneurs": 1, "files": 1,
                                           "sourceDate": "2026-01-10"}


def test_lookup_finds_an_organisation(ocrm):
    result = ocrm.call("requisite.lookup", {"inn": "7736207543"})
    assert (result["found"], result["source"], result["preset"]) == (True, "offline", "legal")
    fields = result["fields"]
    assert (fields["inn"], fields["ogrn"]) == ("7736207543", "1027700229193")
    assert fields["fullName"] == 'ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ "ЯНДЕКС"'
    assert fields["shortName"] == 'ООО "ЯНДЕКС"' and fields["opf"] == "ООО"
    assert fields["okved"] == "62.01" and "ogrnip" not in fields and "kpp" not in fields
    khimki = ocrm.call("requisite.lookup", {"inn": "7707083893"})["fields"]
    assert khimki["shortName"] == 'АО "ХИМКИ & ПАРТНЁРЫ"' and khimki["fullName"] == 'АКЦИОНЕРНОЕ ОБЩЕСТВО "ХИМКИ & ПАРТНЁРЫ"'
    assert khimki["opf"] == "АО" and "ХИМКИ" in json.dumps(khimki, ensure_ascii=False).upper()


def test_lookup_finds_a_sole_proprietor(ocrm):
    result = ocrm.call("requisite.lookup", {"inn": "500100732259"})
    assert (result["found"], result["source"], result["preset"]) == (True, "offline", "ip")
    fields = result["fields"]
    assert (fields["inn"], fields["ogrnip"], fields["opf"]) == ("500100732259", "304500116000157", "ИП")
    assert (fields["lastName"].upper(), fields["firstName"].upper(), fields["middleName"].upper()) == ("ПЕТРОВ", "ПЁТР", "ПЕТРОВИЧ")
    assert "ПЕТРОВ" in fields["fullName"].upper() and fields["okved"] == "43.21" and "ogrn" not in fields


def test_lookup_of_an_unknown_inn(ocrm):
    assert inn10(770708389) == "7707083893" and inn12(5001007322) == "500100732259"
    assert ocrm.call("requisite.lookup", {"inn": UNKNOWN_ORG}) == {"found": False, "source": "offline", "preset": None, "fields": {}}
    assert ocrm.call("requisite.lookup", {"inn": UNKNOWN_PERSON})["found"] is False
    error = refused(ocrm, InvalidValue, "requisite.lookup", {"inn": "7707083894"})
    assert error.field == "inn" and error.reason == "checksum"


def test_requisite_add_with_lookup_fills_and_renames(ocrm):
    """S15, S16: the fields come from the registry, and the company takes the registered short name."""
    company = ocrm.call("company.add", {"fields": {"title": f"Яндекс по заявке {uid()}"}})
    requisite = ocrm.call("requisite.add", {"entityType": "company", "entityId": company["id"], "preset": "legal",
                                            "fields": {"inn": "7736207543", "kpp": "770401001"}, "lookup": True})
    assert requisite["source"] == "registry:offline" and requisite["preset"] == "legal"
    fields = requisite["fields"]
    assert fields["kpp"] == "770401001"  # given, kept
    assert (fields["ogrn"], fields["shortName"]) == ("1027700229193", 'ООО "ЯНДЕКС"')
    assert fields["fullName"] == 'ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ "ЯНДЕКС"'
    renamed = ocrm.call("company.get", {"id": company["id"]})
    assert renamed["title"] == 'ООО "ЯНДЕКС"' and renamed["version"] == company["version"] + 1
    change = next(e for e in timeline(ocrm, "company", company["id"]) if e["type"] == "updated")
    assert {"field": "title", "old": company["title"], "new": 'ООО "ЯНДЕКС"'} in change["data"]["changes"]
    assert ocrm.call("requisite.list", {"entityType": "company", "entityId": company["id"]})["items"] == [requisite]


def test_requisite_add_with_lookup_of_a_sole_proprietor(ocrm):
    company = ocrm.call("company.add", {"fields": {"title": f"ИП Петров {uid()}"}})
    requisite = ocrm.call("requisite.add", {"entityType": "company", "entityId": company["id"], "preset": "legal",
                                            "fields": {"inn": "500100732259"}, "lookup": True})
    assert requisite["preset"] == "ip", "with lookup the preset is the registry's"
    assert requisite["fields"]["ogrnip"] == "304500116000157"
    short = requisite["fields"].get("shortName") or requisite["fields"]["fullName"]
    assert ocrm.call("company.get", {"id": company["id"]})["title"] == short


def test_rename_entity_false_keeps_the_title(ocrm):
    company = ocrm.call("company.add", {"fields": {"title": f"Оставить имя {uid()}"}})
    requisite = ocrm.call("requisite.add", {"entityType": "company", "entityId": company["id"], "preset": "legal",
                                            "fields": {"inn": "7736207543"}, "lookup": True, "renameEntity": False})
    assert requisite["fields"]["shortName"] == 'ООО "ЯНДЕКС"'
    assert ocrm.call("company.get", {"id": company["id"]}) == company
    assert not [e for e in timeline(ocrm, "company", company["id"]) if e["type"] == "updated"]


def test_given_fields_win_over_the_registry(ocrm):
    company = ocrm.call("company.add", {"fields": {"title": f"Свой ОКВЭД {uid()}"}})
    requisite = ocrm.call("requisite.add", {"entityType": "company", "entityId": company["id"], "preset": "legal",
                                            "fields": {"inn": "7707083893", "okved": "64.19", "directorName": "Греф Г. О."},
                                            "lookup": True, "renameEntity": False})
    assert (requisite["fields"]["okved"], requisite["fields"]["directorName"]) == ("64.19", "Греф Г. О.")
    assert requisite["fields"]["ogrn"] == "1027700132195"


def test_requisite_add_with_lookup_of_an_unknown_inn_changes_nothing(ocrm):
    company = ocrm.call("company.add", {"fields": {"title": f"Неизвестная {uid()}"}})
    history = timeline(ocrm, "company", company["id"])
    error = refused(ocrm, NotFound, "requisite.add", {"entityType": "company", "entityId": company["id"], "preset": "legal",
                                                      "fields": {"inn": UNKNOWN_ORG}, "lookup": True})
    check("common.json#/$defs/NotFoundData", error.data)
    assert error.data["entityType"] == "registryEntry" and str(error.data["id"]) == UNKNOWN_ORG
    assert ocrm.call("requisite.list", {"entityType": "company", "entityId": company["id"]})["items"] == []
    assert ocrm.call("company.get", {"id": company["id"]}) == company
    assert timeline(ocrm, "company", company["id"]) == history


def test_requisite_add_with_lookup_needs_an_inn(ocrm):
    company = ocrm.call("company.add", {"fields": {"title": f"Без ИНН {uid()}"}})
    error = refused(ocrm, InvalidValue, "requisite.add", {"entityType": "company", "entityId": company["id"],
                                                          "preset": "legal", "fields": {}, "lookup": True})
    assert error.field == "inn"
    assert ocrm.call("requisite.list", {"entityType": "company", "entityId": company["id"]})["items"] == []


def test_import_of_a_zip_of_several_files(ocrm, files):
    path = files / "data-20260110.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("VO_RRMSPSV_1.xml", registry_file([organisation("1234567894", "1027700070518", 'ООО "ТЕСТ"', 'ООО "ТЕСТ"')]))
        archive.writestr("VO_RRMSPSV_2.xml", registry_file([
            entrepreneur("635277570478", "385768585948949", "ИВАНОВА", "АННА", None, region=("61", "ОБЛАСТЬ", "РОСТОВСКАЯ"),
                         city=("Г", "РОСТОВ-НА-ДОНУ")),
            organisation("7736050003", "1027700070518", 'ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО "ГАЗПРОМ"', 'ПАО "ГАЗПРОМ"')]))
        archive.writestr("VO_RRMSPSV_3.xml", registry_file([entrepreneur("123456789047", "304500116000157", "СИДОРОВ", "ИВАН", "ИВАНОВИЧ")]))
    result = ocrm.call("registry.import", {"path": str(path), "format": "rsmp"})
    assert result == {"records": 4, "organisations": 2, "entrepreneurs": 2, "files": 3, "sourceDate": "2026-01-10"}
    assert ocrm.call("requisite.lookup", {"inn": "1234567894"})["fields"]["shortName"] == 'ООО "ТЕСТ"'
    ivanova = ocrm.call("requisite.lookup", {"inn": "635277570478"})
    assert ivanova["preset"] == "ip" and ivanova["fields"]["lastName"].upper() == "ИВАНОВА" and "middleName" not in ivanova["fields"]
    assert ocrm.call("requisite.lookup", {"inn": "7736050003"})["fields"]["opf"] == "ПАО"
    assert ocrm.call("requisite.lookup", {"inn": "123456789047"})["found"] is True
    assert ocrm.call("requisite.lookup", {"inn": "7736207543"})["found"] is True, "earlier data is kept"


def truncated(text: str) -> bytes:
    data = text.encode("utf-8")
    return data[: len(data) * 2 // 3]


BAD_FILES = [
    ("truncated.xml", lambda: truncated(registry_file([organisation("7736050003", "1027700070518", "ООО ОБРЫВ", "ООО ОБРЫВ"),
                                                       organisation("1234567894", "1027700070518", "ООО ДВА")]))),
    ("notxml.xml", lambda: "Это не XML, а просто текст".encode("utf-8")),
    ("garbage.zip", lambda: b"PK\x03\x04 not really a zip archive"),
    ("notzip.zip", lambda: b"\x00\x01\x02\x03" * 100),
    ("empty.xml", lambda: b""),
    ("wrongroot.xml", lambda: '<?xml version="1.0" encoding="UTF-8"?><Другое><Документ/></Другое>'.encode("utf-8")),
    ("withtruncated.zip", None),
]


@pytest.mark.parametrize("name,content", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_a_bad_file_is_refused_and_changes_nothing(ocrm, files, name, content):
    path = files / name
    if content is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("good.xml", registry_file([organisation("7736050003", "1027700070518", "ООО ХОРОШЕЕ", "ООО ХОРОШЕЕ")]))
            archive.writestr("bad.xml", truncated(registry_file([organisation("1234567894", "1027700070518", "ООО ПЛОХОЕ")])))
    else:
        path.write_bytes(content())
    before = {inn: ocrm.call("requisite.lookup", {"inn": inn}) for inn in ("7736207543", "500100732259", "7736050003", "1234567894")}
    unavailable(ocrm, "registry.import", {"path": str(path), "format": "rsmp"}, "badFile")
    after = {inn: ocrm.call("requisite.lookup", {"inn": inn}) for inn in before}
    assert after == before, "a refused import must change nothing"
    assert after["7736207543"]["found"] and after["500100732259"]["found"]


def test_a_missing_file_is_refused(ocrm, files):
    with pytest.raises(CrmdError) as caught:
        ocrm.call("registry.import", {"path": str(files / "no-such-file.zip"), "format": "rsmp"})
    assert caught.value.code == 1008, (caught.value.code, caught.value.data)
    assert ocrm.call("requisite.lookup", {"inn": "7736207543"})["found"] is True


def drain(queue) -> list:
    notes = []
    while not queue.empty():
        notes.append(queue.get_nowait())
    return notes


@pytest.mark.parametrize("token", ["import-1", 7], ids=["string-token", "integer-token"])
def test_a_large_import_sends_progress_notifications_to_a_caller_that_asks(make_server, workdir, token):
    server = make_server(config={"importDirs": [str(workdir)]})
    crm = CheckedClient(server.client())
    count = 10_050
    documents = [organisation(f"{7_700_000_000 + i}", f"{1_027_700_000_000 + i}", f'ООО "РОМАШКА-{i}"') for i in range(count)]
    documents[5000] = YANDEX
    path = workdir / "big.xml"
    path.write_text(registry_file(documents), encoding="utf-8")
    drain(crm.raw.notifications)
    result = crm.call("registry.import", {"path": str(path), "format": "rsmp", "progressToken": token}, timeout=120)
    assert result["records"] == count and result["organisations"] == count and result["entrepreneurs"] == 0
    notes = drain(crm.raw.notifications)
    progress = [n for n in notes if n.get("method") == "registry.importProgress"]
    assert len(progress) >= 2, f"expected progress notifications, got {notes}"
    for note in progress:
        assert note["jsonrpc"] == "2.0" and "id" not in note
        assert note["params"]["progressToken"] == token
        check("methods/registry.import.json#/$defs/progress", note["params"])
    records = [n["params"]["records"] for n in progress]
    assert records == sorted(records) and records[-1] == count and records[0] < count
    size = path.stat().st_size
    assert all(n["params"]["totalBytes"] in (size, None) for n in progress)
    read = [n["params"]["bytesRead"] for n in progress]
    assert read == sorted(read) and all(0 <= b <= size for b in read)
    assert crm.call("requisite.lookup", {"inn": "7736207543"})["fields"]["shortName"] == 'ООО "ЯНДЕКС"'
    # The same import without a token: the caller receives nothing it did not ask for.
    assert crm.call("registry.import", {"path": str(path), "format": "rsmp"}, timeout=120)["records"] == count
    assert crm.call("server.info", {})
    assert drain(crm.raw.notifications) == []
    crm.raw.close()


# ---------------------------------------------------------------------------- online

def Stub(token: str = TOKEN, slow: float = 4) -> RegistryStub:
    """registry_stub.py on a free loopback port."""
    return RegistryStub(token, slow)


def online_config(url: str, token: str = TOKEN) -> dict:
    return {"registry": {"source": "online", "url": url, "token": token, "timeoutSeconds": 2}}


@pytest.fixture(scope="session")
def stub():
    s = Stub()
    yield s
    s.stop()


@pytest.fixture(scope="session")
def online_server(crmd_bin, stub):
    server, directory = start_server(crmd_bin, "online", online_config(stub.url))
    yield server
    stop_server(server, directory)


@pytest.fixture
def ncrm(online_server, request) -> CheckedClient:
    yield from checked_client(online_server, request)


def test_online_lookup_of_a_company(ncrm):
    result = ncrm.call("requisite.lookup", {"inn": "7736207543"})
    assert (result["found"], result["source"], result["preset"]) == (True, "online", "legal")
    fields = result["fields"]
    assert (fields["inn"], fields["kpp"], fields["ogrn"]) == ("7736207543", "770401001", "1027700229193")
    assert fields["fullName"] == 'ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ "ЯНДЕКС"'
    assert fields["shortName"] == 'ООО "ЯНДЕКС"' and fields["opf"] == "ООО"
    assert fields["directorName"] == "Иванов Иван Иванович"
    assert fields["legalAddress"] in ("119021, г Москва, ул Льва Толстого, д 16", "г Москва, ул Льва Толстого, д 16")
    assert fields["registrationDate"] == "2002-07-18", "registration_date 1027027800000 ms is 2002-07-18 in UTC"
    assert fields["status"].lower() in ("active", "действующая", "действует"), fields["status"]
    assert fields["okved"] == "62.01"


def test_online_lookup_of_a_sole_proprietor(ncrm):
    result = ncrm.call("requisite.lookup", {"inn": "500100732259"})
    assert (result["found"], result["source"], result["preset"]) == (True, "online", "ip")
    fields = result["fields"]
    assert (fields["inn"], fields["ogrnip"], fields["opf"]) == ("500100732259", "304500116000157", "ИП")
    assert (fields["lastName"], fields["firstName"], fields["middleName"]) == ("Петров", "Пётр", "Петрович")
    assert fields["fullName"] == "Индивидуальный предприниматель Петров Пётр Петрович"
    assert fields["registrationDate"] == "2004-04-14" and "kpp" not in fields and "ogrn" not in fields
    assert "Химки" in fields["legalAddress"] and fields["status"]


def test_online_lookup_of_an_unknown_inn(ncrm):
    assert ncrm.call("requisite.lookup", {"inn": "635277570478"}) == {"found": False, "source": "online", "preset": None, "fields": {}}


@pytest.mark.parametrize("inn,reason", [("7707083893", "httpStatus"), ("1234567894", "badResponse"),
                                        ("123456789047", "badResponse"), ("7736050003", "timeout")])
def test_online_failures(ncrm, inn, reason):
    started = time.monotonic()
    unavailable(ncrm, "requisite.lookup", {"inn": inn}, reason)
    elapsed = time.monotonic() - started
    assert elapsed < 3.5, f"the answer took {elapsed:.1f} s with timeoutSeconds 2"
    if reason == "timeout":
        assert elapsed >= 1.5, f"gave up after {elapsed:.1f} s, before the configured 2 s"


def test_online_requisite_add_with_lookup_fills_and_renames(ncrm):
    company = ncrm.call("company.add", {"fields": {"title": f"Яндекс онлайн {uid()}"}})
    requisite = ncrm.call("requisite.add", {"entityType": "company", "entityId": company["id"], "preset": "legal",
                                            "fields": {"inn": "7736207543"}, "lookup": True})
    assert requisite["source"] == "registry:online"
    assert (requisite["fields"]["kpp"], requisite["fields"]["directorName"]) == ("770401001", "Иванов Иван Иванович")
    assert ncrm.call("company.get", {"id": company["id"]})["title"] == 'ООО "ЯНДЕКС"'


@pytest.mark.parametrize("inn,reason", [("7707083893", "httpStatus"), ("1234567894", "badResponse"),
                                        ("123456789047", "badResponse"), ("7736050003", "timeout")])
def test_online_requisite_add_with_a_failing_lookup_changes_nothing(ncrm, inn, reason):
    company = ncrm.call("company.add", {"fields": {"title": f"Не переименовывать {uid()}"}})
    history = timeline(ncrm, "company", company["id"])
    unavailable(ncrm, "requisite.add", {"entityType": "company", "entityId": company["id"], "preset": "legal",
                                        "fields": {"inn": inn}, "lookup": True}, reason)
    assert ncrm.call("requisite.list", {"entityType": "company", "entityId": company["id"]})["items"] == []
    assert ncrm.call("company.get", {"id": company["id"]}) == company
    assert timeline(ncrm, "company", company["id"]) == history


def test_online_requisite_add_of_an_unknown_inn(ncrm):
    company = ncrm.call("company.add", {"fields": {"title": f"Нет в реестре {uid()}"}})
    error = refused(ncrm, NotFound, "requisite.add", {"entityType": "company", "entityId": company["id"], "preset": "person",
                                                      "fields": {"inn": "635277570478"}, "lookup": True})
    assert error.data["entityType"] == "registryEntry"
    assert ncrm.call("company.get", {"id": company["id"]}) == company


def test_online_wrong_token(make_server, stub):
    server = make_server(name="badtoken", config=online_config(stub.url, token="not-the-token"))
    with server.client() as client:
        crm = CheckedClient(client)
        unavailable(crm, "requisite.lookup", {"inn": "7736207543"}, "unauthorized")
        company = crm.call("company.add", {"fields": {"title": "Токен"}})
        unavailable(crm, "requisite.add", {"entityType": "company", "entityId": company["id"], "preset": "legal",
                                           "fields": {"inn": "7736207543"}, "lookup": True}, "unauthorized")
        assert crm.call("company.get", {"id": company["id"]}) == company
        assert crm.call("requisite.list", {"entityType": "company", "entityId": company["id"]})["items"] == []


def test_online_registry_stopped(make_server):
    own = Stub()
    try:
        server = make_server(name="stopped", config=online_config(own.url))
        with server.client() as client:
            crm = CheckedClient(client)
            assert crm.call("requisite.lookup", {"inn": "500100732259"})["found"] is True
            own.stop()
            started = time.monotonic()
            unavailable(crm, "requisite.lookup", {"inn": "500100732259"}, "unreachable")
            assert time.monotonic() - started < 3.5
            company = crm.call("company.add", {"fields": {"title": "Без реестра"}})
            unavailable(crm, "requisite.add", {"entityType": "company", "entityId": company["id"], "preset": "ip",
                                               "fields": {"inn": "500100732259"}, "lookup": True}, "unreachable")
            assert crm.call("company.get", {"id": company["id"]}) == company
            assert crm.call("requisite.list", {"entityType": "company", "entityId": company["id"]})["items"] == []
    finally:
        own.stop()
