"""What access to the socket cannot do, and what only the config file sets (issue 8, "safe by
construction" and "the config file is checked"), against the real binary:

- files crmd creates are its user's alone (directories 0700, files 0600) under umask 022;
- the config file is checked: a missing --config file, unknown keys and wrong types stop crmd
  with exit status 2 and a message naming the key;
- the sendmail program comes from the config file only; settings.update cannot name one;
- registry.import reads only under the config file's importDirs, and says the same about a
  path outside them whether or not the file exists;
- a new mail host drops the stored credentials, so a listener of the caller's receives none.
"""
from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import CheckedClient, ROOT
from helpers import invoice_deal
from crmd_client import CrmdError, InvalidValue

LEAD = {"fields": {"title": "Звонок", "phones": [{"value": "+7 900 000-00-00"}], "emails": [{"value": "k@example.ru"}],
                   "city": "Омск", "topic": "t"}}
RSMP = """<?xml version="1.0" encoding="UTF-8"?>
<Файл ИдФайл="VO_RRMSPSV_0000_9965_20260110_00000000-0000-0000-0000-000000000000" ВерсФорм="4.05" ТипИнф="РЕЕСТРМСП" КолДок="0">
</Файл>
"""


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


# ---------------------------------------------------------------------------- private files

def test_directories_and_files_are_private_whatever_the_umask(make_server, workdir):
    data = workdir / "data" / "crm"
    imports = workdir / "imports"
    imports.mkdir()
    (imports / "rsmp.xml").write_text(RSMP, encoding="utf-8")
    previous = os.umask(0o022)
    try:
        server = make_server(db_path=data / "crmd.sqlite", socket_path=workdir / "run" / "crmd.sock",
                             config={"importDirs": [str(imports)]})
    finally:
        os.umask(previous)
    with server.client() as c:
        c.call("lead.add", LEAD)
        c.call("settings.update", {"mail": {"transport": "smtp", "host": "smtp.example.ru", "password": "p"}})
        try:
            c.call("registry.import", {"path": str(imports / "rsmp.xml"), "format": "rsmp"})
        except CrmdError as error:  # an empty registry file may be refused; the registry database exists either way
            assert error.code == 1008, error
    created = [workdir / "data", data, workdir / "run"]
    assert {str(d): oct(mode(d)) for d in created} == {str(d): "0o700" for d in created}
    files = sorted(p for p in data.iterdir())
    names = {p.name for p in files}
    assert {"crmd.sqlite", "crmd.sqlite-wal", "crmd.sqlite-shm", "registry.sqlite"} <= names, names
    assert {p.name: oct(mode(p)) for p in files} == {p.name: "0o600" for p in files}
    assert mode(server.socket_path) == 0o600


def test_database_files_left_readable_by_an_older_version_are_made_private(make_server, workdir):
    first = make_server(name="old")
    with first.client() as c:
        c.call("lead.add", LEAD)
    assert first.stop() == 0
    os.chmod(first.db_path, 0o644)
    again = make_server(name="old")
    with again.client() as c:
        assert c.call("lead.list", {})["items"]
    assert mode(again.db_path) == 0o600
    for suffix in ("-wal", "-shm"):
        companion = Path(str(again.db_path) + suffix)
        if companion.exists():
            assert mode(companion) == 0o600, companion


# ---------------------------------------------------------------------------- the config file

def run_crmd(crmd_bin: str, workdir: Path, *args: str) -> subprocess.CompletedProcess:
    argv = [crmd_bin, "serve", "--socket", str(workdir / "c.sock"), "--db", str(workdir / "c.sqlite"), *args]
    return subprocess.run(argv, capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)


def refused_config(crmd_bin: str, workdir: Path, config: str | None, *mentions: str) -> str:
    path = workdir / "bad.json"
    if config is not None:
        path.write_text(config, encoding="utf-8")
    done = run_crmd(crmd_bin, workdir, "--config", str(path))
    assert done.returncode == 2, (done.returncode, done.stderr)
    message = done.stderr.strip()
    assert message.startswith("crmd: "), message
    assert len(message.splitlines()) == 1, message
    for mention in (str(path),) + mentions:
        assert mention in message, (mention, message)
    assert not (workdir / "c.sqlite").exists(), "crmd opened the database despite a bad config file"
    return message


@pytest.mark.parametrize("config,mentions", [
    (None, ["does not exist"]),
    ('{"synchronus": "full"}', ['unknown key "synchronus"', "synchronous"]),
    ('{"maxMessageSize": "big"}', ['"maxMessageSize"', "integer", '"big"']),
    ('{"maxMessageSize": 10}', ['"maxMessageSize"', "at least 1024"]),
    ('{"synchronous": "sometimes"}', ['"synchronous"', '"full"', '"normal"']),
    ('{"registry": {"source": "online", "url": "https://r.example.ru/", "tokn": "x"}}', ['unknown key "registry.tokn"']),
    ('{"registry": {"source": "online"}}', ['"registry"', "url", "token"]),
    ('{"registry": {"token": 4242424242}}', ['"registry.token"', "a string, not a value of type integer"]),
    ('{"registry": "online"}', ['"registry"', "object"]),
    ('{"mail": {"sendmailPath": 5}}', ['"mail.sendmailPath"', "string"]),
    ('{"mail": {"sendmailPath": "sendmail"}}', ['"mail.sendmailPath"', "absolute"]),
    ('{"mail": {"host": "smtp.example.ru"}}', ['unknown key "mail.host"']),
    ('{"sms": {"commandPath": "send-sms"}}', ['"sms.commandPath"', "absolute"]),
    ('{"sms": {"apiId": "x"}}', ['unknown key "sms.apiId"']),
    ('{"importDirs": "/tmp"}', ['"importDirs"', "array"]),
    ('{"importDirs": ["imports"]}', ['"importDirs[0]"', "absolute"]),
    ('{"importDirs": ["/nonexistent/crmd-imports"]}', ['"importDirs[0]"', "/nonexistent/crmd-imports", "not a directory"]),
    ('{"fontDirs": ["/usr/share/fonts", "fonts"]}', ['"fontDirs[1]"', "absolute"]),
    ('{"exportDirs": ["/nonexistent/crmd-1c"]}', ['"exportDirs[0]"', "/nonexistent/crmd-1c", "not a directory"]),
    ('{"maxMessageSize": 4096,}', ["not valid JSON"]),
    ('[]', ["JSON object"]),
], ids=["missing", "unknown", "type", "range", "option", "nested-unknown", "online-incomplete", "token-type", "not-object",
        "sendmail-type", "sendmail-relative", "mail-unknown", "sms-relative", "sms-unknown", "dirs-type", "dirs-relative", "dirs-missing", "fontdirs-relative", "exportdirs-missing", "json",
        "array"])
def test_a_bad_config_file_stops_crmd_with_a_message_naming_the_key(crmd_bin, workdir, config, mentions):
    message = refused_config(crmd_bin, workdir, config, *mentions)
    assert "4242424242" not in message, "a secret is echoed"


def test_a_good_config_file_and_a_missing_default_one_start(make_server, workdir):
    imports = workdir / "imports"
    imports.mkdir()
    server = make_server(config={"maxMessageSize": 4096, "synchronous": "normal", "importDirs": [str(imports)], "fontDirs": [str(imports)],
                                 "mail": {"sendmailPath": "/usr/sbin/sendmail"}, "sms": {"commandPath": "/usr/local/bin/send-sms"},
                                 "registry": {"source": "offline"}})
    with server.client() as c:
        assert c.call("server.info", {})
    plain = make_server(name="plain")  # no --config and no crmd.json beside the database: the defaults
    with plain.client() as c:
        assert c.call("server.info", {})


# ---------------------------------------------------------------------------- import directories

def test_registry_import_reads_only_under_the_configured_directories(make_server, workdir):
    imports = workdir / "imports"
    imports.mkdir()
    outside = workdir / "outside"
    outside.mkdir()
    (outside / "secret.xml").write_text(RSMP, encoding="utf-8")
    (imports / "link.xml").symlink_to(outside / "secret.xml")
    server = make_server(config={"importDirs": [str(imports)]})
    crm = CheckedClient(server.client())
    answers = []
    for path in [outside / "secret.xml", outside / "no-such-file.xml", Path("/etc/shadow"), Path("/nonexistent/x.zip"),
                 imports / ".." / "outside" / "secret.xml", imports / "link.xml", "imports/link.xml", "relative.xml"]:
        with pytest.raises(InvalidValue) as caught:
            crm.call("registry.import", {"path": str(path), "format": "rsmp"})
        error = caught.value
        assert error.data == {"field": "path", "reason": "outsideImportDirs"}, (path, error.data)
        assert "importDirs" in error.message and str(imports) in error.message
        answers.append((error.code, error.message, error.data))
    assert len(set(map(repr, answers))) == 1, f"the answer depends on the path: {answers}"
    # Inside: a missing file is reported as such (1008), and a good one loads.
    with pytest.raises(CrmdError) as caught:
        crm.call("registry.import", {"path": str(imports / "missing.xml"), "format": "rsmp"})
    assert caught.value.code == 1008
    crm.raw.close()


def test_without_import_directories_nothing_is_imported(server, workdir):
    path = workdir / "rsmp.xml"
    path.write_text(RSMP, encoding="utf-8")
    with server.client() as c:
        with pytest.raises(InvalidValue) as caught:
            c.call("registry.import", {"path": str(path), "format": "rsmp"})
    assert caught.value.data == {"field": "path", "reason": "outsideImportDirs"}
    assert "none is listed" in caught.value.message


# ---------------------------------------------------------------------------- mail: programs and secrets

def invoice_ready(c) -> int:
    """An invoice of a deal with a payer, one row and a seller with a bank account; its id."""
    deal_id = invoice_deal(c, rows=[{"name": "Монтаж", "price": "10000.50"}])
    return c.call("invoice.createFromDeal", {"dealId": deal_id})["id"]


def wait_sent(c, invoice_id: int, timeout: float = 20) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        message = c.call("invoice.get", {"id": invoice_id})["messages"][0]
        if message["status"] not in ("queued", "sending") or time.monotonic() > deadline:
            return message
        time.sleep(0.1)


def test_the_sendmail_program_comes_from_the_config_file_only(make_server, workdir):
    delivered, planted = workdir / "delivered.eml", workdir / "planted"
    program = workdir / "sendmail.sh"
    program.write_text(f"#!/bin/sh\ncat > '{delivered}'\n")
    program.chmod(0o700)
    evil = workdir / "evil.sh"
    evil.write_text(f"#!/bin/sh\ntouch '{planted}'\ncat >/dev/null\n")
    evil.chmod(0o700)
    server = make_server(config={"mail": {"sendmailPath": str(program)}})
    with server.client() as c:
        for mail in [{"transport": "sendmail", "sendmailPath": str(evil)}, {"sendmailPath": str(evil)}, {"sendmailPath": None}]:
            with pytest.raises(InvalidValue) as caught:
                c.call("settings.update", {"mail": mail})
            assert caught.value.data == {"field": "mail.sendmailPath", "reason": "configOnly"}
            assert "config file" in caught.value.message
        assert c.call("settings.get", {})["mail"] == {"transport": "outbox"}
        with pytest.raises(InvalidValue) as caught:
            c.call("settings.update", {"documents": {"fontPath": str(evil)}})
        assert caught.value.data == {"field": "documents.fontPath", "reason": "outsideFontDirs"}
        invoice_id = invoice_ready(c)
        c.call("settings.update", {"mail": {"transport": "sendmail"}, "publicBaseUrl": "https://crm.example.ru/i/"})
        c.call("invoice.send", {"id": invoice_id, "to": "buh@example.ru", "mode": "link"})
        assert wait_sent(c, invoice_id)["status"] == "sent"
    assert delivered.exists() and b"buh@example.ru" in delivered.read_bytes()
    assert not planted.exists()


def test_a_new_mail_host_drops_the_password_so_a_listener_of_the_callers_receives_none(make_server, workdir):
    mail = workdir / "mail"
    mail.mkdir()
    record = workdir / "auth.txt"
    sink = subprocess.Popen([sys.executable, str(ROOT / "Tests" / "python" / "smtp_sink.py"), str(mail), "--record-auth", str(record)],
                            stdout=subprocess.PIPE, text=True)
    try:
        port = int(sink.stdout.readline())
        server = make_server()
        with server.client() as c:
            invoice_id = invoice_ready(c)
            c.call("settings.update", {"publicBaseUrl": "https://crm.example.ru/i/",
                                       "mail": {"transport": "smtp", "host": "smtp.example.invalid", "port": port,
                                                "username": "billing", "password": "s3cret-Pa55", "from": "billing@example.ru"}})
            # The attack: the host pointed at the caller's own listener, the password given back as shown.
            answer = c.call("settings.update", {"mail": {"host": "127.0.0.1", "password": "********"}})
            assert "password" not in answer["mail"] and "username" not in answer["mail"], answer["mail"]
            c.call("invoice.send", {"id": invoice_id, "to": "buh@example.ru", "mode": "link"})
            assert wait_sent(c, invoice_id)["status"] == "sent"
        assert len(list(mail.glob("*.eml"))) == 1
        assert not record.exists() or record.read_text() == "", record.read_text()
        assert "s3cret-Pa55" not in server.stderr_text()
    finally:
        sink.kill()
        sink.wait()


def test_a_fifo_named_as_the_font_is_refused_at_once_and_the_server_still_stops(make_server, workdir):
    fonts = workdir / "fonts"
    fonts.mkdir()
    os.mkfifo(fonts / "trap.ttf")  # nobody ever writes to it: a blocking open would wait for good
    server = make_server(config={"fontDirs": [str(fonts)]})
    with server.client() as c:
        invoice_id = invoice_ready(c)
        c.call("settings.update", {"documents": {"fontPath": str(fonts / "trap.ttf")}})
        started = time.monotonic()
        with pytest.raises(InvalidValue) as caught:
            c.call("invoice.render", {"id": invoice_id, "format": "pdf"}, timeout=10)
        assert caught.value.data == {"field": "documents.fontPath", "reason": "font"}
        assert time.monotonic() - started < 5
    started = time.monotonic()
    assert server.stop() == 0
    assert time.monotonic() - started < 5
