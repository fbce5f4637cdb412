#!/usr/bin/env python3
"""The 1C exchange at scale (issue 14, "Speed"): exporting invoices to 1C and importing a bank
statement against many invoices.

    bench/exchange.py                                  # 10,000 to export; 10,000 payments vs 1,000,000 invoices
    INVOICES=2000 BIG=20000 PAYMENTS=1000 bench/exchange.py   # a quick run
    DB=/var/tmp/crmd-invoices-1m.sqlite bench/exchange.py     # keep the big database; a later run reuses a copy

(a) Export. INVOICES (10,000) invoices are seeded in-process into a temporary database
(`crmd-bench seed-invoices`: the CRM's own `createFromDeal`, 1,000 payers), crmd starts on it
with an `exportDirs` directory, and `exchange.export1C {since: 0, path}` (every invoice, to a
file) is timed from the request to the reply, which comes once the file is in place and synced.
crmd's VmRSS and VmHWM (peak) are read from /proc before and after, and after a small export of
the first 1,000 invoices made first: an export that streams raises the peak no further from the
small file to the whole one; one that builds the file in memory raises it by about the file's
size. The file is parsed as a stream (xml.etree.iterparse) and must hold one `Документ` per
invoice, with the size and SHA-256 the reply gave. For information, the same invoices are then
exported in replies (`ids` pages of 1,000, base64 in each). Target: < 2 s, memory flat.

(b) Bank statement. BIG (1,000,000) invoices are seeded the same way (into DB if given and
missing; a DB that exists is reused, on a copy, so that the payments are not applied to it;
the copy is synced to disk before crmd starts).
PAYMENTS (10,000) incoming payments are built as a 1CClientBankExchange file (Windows-1251) to
the seller's account: UNMATCHED_SHARE (10 %) of them must match nothing (no invoice number, a
number no invoice has, or a real number from another payer for another amount), the others
each pay a distinct open invoice in full, from its payer's INN, naming it in one of the forms
people write («Оплата по счету № 2026-00015 от 20.11.2026», «сч.15», «по сч 2026-15»,
«счёт-оферта №15», …). `exchange.importPayments {format: "1c-bank", data}` is timed (at most
IMPORT_TIMEOUT seconds, 900), with the CPU time crmd spent on it (from /proc: steadier than the
wall clock on a noisy machine), and its `{payments, matched, unmatched, duplicates}` checked
against what was built. Target: < 5 s.

crmd is `$CRMD_BIN` (else .build/release/crmd), crmd-bench `$CRMD_BENCH` (else
.build/release/crmd-bench); a missing release binary is built with `swift build -c release`.
Prints each figure against its target with PASS or MISS, then one JSON line. A MISS does not
fail the script; a wrong count, a bad XML or a failed call does (exit 1). Standard library only.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Clients" / "python"))
from crmd_client import Client, InternalError  # noqa: E402

CRMD = os.environ.get("CRMD_BIN") or str(ROOT / ".build" / "release" / "crmd")
CRMD_BENCH = os.environ.get("CRMD_BENCH") or str(ROOT / ".build" / "release" / "crmd-bench")
INVOICES = int(os.environ.get("INVOICES", "10000"))
BIG = int(os.environ.get("BIG", "1000000"))
PAYMENTS = int(os.environ.get("PAYMENTS", "10000"))
UNMATCHED_SHARE = float(os.environ.get("UNMATCHED_SHARE", "0.1"))
IMPORT_TIMEOUT = float(os.environ.get("IMPORT_TIMEOUT", "900"))
KEPT_DB = os.environ.get("DB")
SKIP = set(filter(None, os.environ.get("SKIP", "").split(",")))  # "export" and/or "import"

EXPORT_TARGET_S, IMPORT_TARGET_S = 2.0, 5.0
OUR_ACCOUNT = "40702810801400016513"  # the seller's account that seed-invoices gives
DOCUMENT = "Документ"


def say(text: str) -> None:
    print(f"\n== {text}", flush=True)


def run(argv: list[str]) -> None:
    print("$ " + " ".join(argv), flush=True)
    subprocess.run(argv, check=True)


def ensure_binaries() -> None:
    for binary, product in ((CRMD, "crmd"), (CRMD_BENCH, "crmd-bench")):
        if not os.access(binary, os.X_OK):
            say(f"building {product} (release): {binary} is missing")
            subprocess.run(["swift", "build", "-c", "release", "--product", product], cwd=ROOT, check=True)


def seed(db: str, invoices: int) -> float:
    started = time.perf_counter()
    run([CRMD_BENCH, "seed-invoices", "--db", db, "--invoices", str(invoices)])
    return time.perf_counter() - started


def cpu_seconds(pid: int) -> float:
    """The user and system CPU time a process has used, from /proc (its threads included)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in KiB."""
    figures = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            figures[key] = int(value.split()[0])
    return figures


class Server:
    """crmd serve on a database, in a directory of its own; stopped by SIGTERM (else killed)."""

    def __init__(self, directory: str, db: str, settings: dict | None = None) -> None:
        self.socket = f"{directory}/crmd.sock"
        config = f"{directory}/crmd.json"
        Path(config).write_text(json.dumps({"synchronous": "full", "maxMessageSize": 64 << 20, **(settings or {})}))
        self.log = open(f"{directory}/crmd.log", "ab")
        argv = [CRMD, "serve", "--db", db, "--socket", self.socket, "--config", config]
        print("$ " + " ".join(argv) + " &", flush=True)
        self.process = subprocess.Popen(argv, stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 60
        while not os.path.exists(self.socket):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                sys.exit(f"crmd did not start (see {directory}/crmd.log)")
            time.sleep(0.01)

    def client(self) -> Client:
        return Client.connect(self.socket, call_timeout=None)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def parse_export(result: dict) -> tuple[int, int]:
    """The XML's size and how many `Документ` it holds; exits if it does not parse."""
    xml = base64.b64decode(result["data"])
    root = ElementTree.fromstring(xml)  # honours the declared encoding (windows-1251)
    return len(xml), sum(1 for element in root.iter() if element.tag == DOCUMENT)


def parse_file(path: str) -> tuple[int, str, int]:
    """The file's size, SHA-256 and `Документ` count, read as a stream; exits if it does not parse."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    documents = 0
    for _, element in ElementTree.iterparse(path, events=("end",)):
        if element.tag == DOCUMENT:
            documents += 1
            element.clear()
    return os.path.getsize(path), digest.hexdigest(), documents


def export_bench(directory: str) -> dict:
    say(f"(a) exchange.export1C of {INVOICES} invoices")
    db = f"{directory}/export.sqlite"
    seeded = seed(db, INVOICES)
    exports = f"{directory}/1c"
    os.mkdir(exports)
    target = f"{exports}/orders.xml"
    server = Server(directory, db, {"exportDirs": [exports]})
    figures: dict = {"invoices": INVOICES, "seedSeconds": round(seeded, 1)}
    try:
        with server.client() as crm:
            crm.call("server.info")
            before = memory(server.process.pid)
            # A small export first: what any export holds whatever its size (the read connection's
            # page cache, the pending MiB of output, one page of invoices) is reached by it.
            small = crm.call("exchange.export1C", {"ids": list(range(1, min(1000, INVOICES) + 1)), "path": f"{exports}/small.xml"})
            warm = memory(server.process.pid)
            started = time.perf_counter()
            written = crm.call("exchange.export1C", {"since": 0, "path": target})
            seconds = time.perf_counter() - started
            after = memory(server.process.pid)
            # The same invoices in replies: `ids` pages of 1,000 (the schema's most), the file in base64 in each.
            paged_started = time.perf_counter()
            pages = [crm.call("exchange.export1C", {"ids": list(range(first, min(first + 1000, INVOICES + 1)))})
                     for first in range(1, INVOICES + 1, 1000)]
            paged_seconds = time.perf_counter() - paged_started
            paged_after = memory(server.process.pid)
    finally:
        server.stop()
    print(f"seeded in {seeded:.1f} s", flush=True)
    size, sha256, documents = parse_file(target)
    if (written["count"], documents) != (INVOICES, INVOICES) or (size, sha256) != (written["bytes"], written["sha256"]):
        sys.exit(f"the file holds {documents} {DOCUMENT} in {size} bytes (sha256 {sha256}); crmd said {written}")
    figures.update({"seconds": round(seconds, 3), "bytes": size, "encoding": written["encoding"], "rssBeforeKiB": before["VmRSS"],
                    "rssAfterKiB": after["VmRSS"], "peakBeforeKiB": before["VmHWM"], "peakAfterKiB": after["VmHWM"],
                    "smallBytes": small["bytes"], "peakAfterSmallKiB": warm["VmHWM"]})
    print(f"export {{since: 0, path}}: {seconds:.3f} s, {size / 1e6:.1f} MB of XML ({written['encoding']}), "
          f"{documents} {DOCUMENT} parsed back, SHA-256 checked", flush=True)
    print(f"crmd memory: VmRSS {before['VmRSS'] / 1024:.0f} -> {after['VmRSS'] / 1024:.0f} MiB, VmHWM (peak) "
          f"{before['VmHWM'] / 1024:.0f} -> {warm['VmHWM'] / 1024:.0f} MiB after {small['count']} invoices "
          f"({small['bytes'] / 2**20:.1f} MiB) -> {after['VmHWM'] / 1024:.0f} MiB after all", flush=True)
    parsed = [parse_export(page) for page in pages]
    paged_bytes, paged_documents = sum(size for size, _ in parsed), sum(count for _, count in parsed)
    if paged_documents != INVOICES:
        sys.exit(f"the {len(pages)} exports by ids hold {paged_documents} {DOCUMENT}, not {INVOICES}")
    figures.update({"pagedSeconds": round(paged_seconds, 3), "pages": len(pages), "pagedBytes": paged_bytes,
                    "pagedPeakAfterKiB": paged_after["VmHWM"]})
    print(f"export by ids in replies, {len(pages)} calls of <= 1000: {paged_seconds:.3f} s, {paged_bytes / 1e6:.1f} MB of XML, "
          f"{paged_documents} {DOCUMENT} parsed back; VmHWM then {paged_after['VmHWM'] / 1024:.0f} MiB", flush=True)
    return figures


def purpose(invoice: dict, form: int) -> str:
    """How a payer writes the invoice in the payment's purpose: one of several real-world forms."""
    number = invoice["number"]
    sequence = str(int(number.rsplit("-", 1)[-1]))
    year = invoice["date"][:4]
    dated = ".".join(reversed(invoice["date"].split("-")))
    forms = [
        f"Оплата по счету № {number} от {dated}, в т.ч. НДС",
        f"Оплата по сч.{sequence} за работы",
        f"Оплата по сч {year}-{sequence}. Без НДС",
        f"Оплата по счёту №{number}",
        f"Оплата по счет-оферте № {sequence} от {dated}",
        f"Оплата по счету на оплату {number} за услуги",
        f"ОПЛАТА ПО СЧ. N {sequence} ОТ {dated} СУММА {invoice['due']}",
    ]
    return forms[form % len(forms)]


def document(number: int, amount: str, payer_inn: str, text: str) -> list[str]:
    payer_account = f"40702810{number % 10**12:012d}"
    return ["СекцияДокумент=Платежное поручение", f"Номер={number}", "Дата=20.11.2026", f"Сумма={amount}",
            f"ПлательщикСчет={payer_account}", f"ПлательщикИНН={payer_inn}", f"Плательщик1=ООО «Плательщик {number}»",
            f"ПолучательСчет={OUR_ACCOUNT}", "ПолучательИНН=7736207543", "Получатель1=ООО «Видеосистемы»",
            "ДатаПоступило=21.11.2026", f"НазначениеПлатежа={text}", "ВидОплаты=01", "Очередность=5", "КонецДокумента"]


def statement(documents: list[list[str]]) -> bytes:
    header = ["1CClientBankExchange", "ВерсияФормата=1.03", "Кодировка=Windows", "Отправитель=Бухгалтерия",
              "ДатаНачала=20.11.2026", "ДатаКонца=21.11.2026", f"РасчСчет={OUR_ACCOUNT}", "Документ=Платежное поручение"]
    lines = header + [line for d in documents for line in d] + ["КонецФайла"]
    return ("\r\n".join(lines) + "\r\n").encode("cp1251")


def build_statement(crm: Client, big: int) -> tuple[bytes, int, int]:
    """PAYMENTS payments against invoices 1..big: the file, and how many must match and not."""
    rng = random.Random(14)
    misses = round(PAYMENTS * UNMATCHED_SHARE)
    hits = PAYMENTS - misses
    if hits > big:
        sys.exit(f"PAYMENTS - unmatched ({hits}) exceeds the {big} invoices")
    ids = rng.sample(range(1, big + 1), hits + misses)
    invoices = []
    for start in range(0, len(ids), 1000):
        replies = crm.pipeline([("invoice.get", {"id": i}) for i in ids[start:start + 1000]], timeout=300)
        failed = [reply for reply in replies if isinstance(reply, BaseException)]
        if failed:
            sys.exit(f"invoice.get failed: {failed[0]!r}")
        invoices += replies
    # "overdue" is a sent invoice past its due date, as shown; it is still open.
    shut = [i for i in invoices[:hits] if i["status"] not in ("draft", "sent", "partiallyPaid", "overdue") or i["due"] != i["total"]]
    if shut:
        sys.exit(f"invoice {shut[0]['id']} is not open and unpaid ({shut[0]['status']}, due {shut[0]['due']}): use a fresh database")
    documents = []
    for index, invoice in enumerate(invoices[:hits]):
        documents.append(document(100_000 + index, invoice["due"], invoice["payer"]["inn"], purpose(invoice, index)))
    for index, invoice in enumerate(invoices[hits:]):
        number = 100_000 + hits + index
        kind = index % 3
        if kind == 0:  # no invoice number at all: a contract, a loan
            text = f"Оплата по договору № {index + 1} от 01.10.2026, НДС не облагается"
            documents.append(document(number, invoice["due"], invoice["payer"]["inn"], text))
        elif kind == 1:  # a number no invoice has
            text = f"Оплата по счету № 2026-{big + 1000 + index:05d} от 20.11.2026"
            documents.append(document(number, invoice["due"], invoice["payer"]["inn"], text))
        else:  # a real number, but another payer and another amount: not confident
            text = purpose(invoice, index)
            documents.append(document(number, "1.23", "7707083893", text))
    rng.shuffle(documents)
    return statement(documents), hits, misses


def copy_database(source: str, target: str) -> None:
    """The database file with its WAL and shared-memory files, as they are (no server runs on it)."""
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(source + suffix):
            shutil.copyfile(source + suffix, target + suffix)
    # Written out before crmd starts: otherwise the kernel flushes the copy's gigabytes while the
    # import runs, and its commits' fsyncs wait behind them, as no server's own database would.
    os.sync()


def import_bench(directory: str) -> dict:
    say(f"(b) exchange.importPayments of {PAYMENTS} payments against {BIG} invoices")
    db = f"{directory}/import.sqlite"
    seeded = None
    if KEPT_DB and os.path.exists(KEPT_DB):
        say(f"reusing {KEPT_DB} (a copy: the import pays its invoices)")
        copy_database(KEPT_DB, db)
    else:
        seeded = seed(KEPT_DB or db, BIG)
        if KEPT_DB:
            copy_database(KEPT_DB, db)
    server = Server(directory, db)
    try:
        with server.client() as crm:
            data, hits, misses = build_statement(crm, BIG)
            print(f"statement: {PAYMENTS} payments, {len(data) / 1e6:.1f} MB; {hits} should match, {misses} should not", flush=True)
            before, cpu_before = memory(server.process.pid), cpu_seconds(server.process.pid)
            started = time.perf_counter()
            try:
                result = crm.call("exchange.importPayments", {"format": "1c-bank", "data": base64.b64encode(data).decode()},
                                  timeout=IMPORT_TIMEOUT)
            except TimeoutError:
                seconds = time.perf_counter() - started
                print(f"no reply within IMPORT_TIMEOUT={IMPORT_TIMEOUT:.0f} s; stopping crmd", flush=True)
                return {"invoices": BIG, "payments": PAYMENTS, "seconds": None, "timedOutAfter": round(seconds, 1),
                        "seedSeconds": seeded and round(seeded, 1)}
            seconds = time.perf_counter() - started
            after, cpu = memory(server.process.pid), cpu_seconds(server.process.pid) - cpu_before
    finally:
        server.stop()
    got = (result["payments"], result["matched"], result["unmatched"], result["duplicates"])
    print(f"import: {seconds:.3f} s ({cpu:.2f} s of crmd's CPU); payments {got[0]}, matched {got[1]}, unmatched {got[2]}, duplicates {got[3]}", flush=True)
    print(f"crmd memory: VmRSS {before['VmRSS'] / 1024:.0f} -> {after['VmRSS'] / 1024:.0f} MiB, "
          f"VmHWM (peak) {before['VmHWM'] / 1024:.0f} -> {after['VmHWM'] / 1024:.0f} MiB", flush=True)
    if got != (PAYMENTS, hits, misses, 0):
        sys.exit(f"expected payments {PAYMENTS}, matched {hits}, unmatched {misses}, duplicates 0; got {got}")
    return {"invoices": BIG, "payments": PAYMENTS, "seconds": round(seconds, 3), "cpuSeconds": round(cpu, 2), "matched": hits, "unmatched": misses,
            "bytes": len(data), "peakBeforeKiB": before["VmHWM"], "peakAfterKiB": after["VmHWM"],
            "seedSeconds": seeded and round(seeded, 1)}


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main() -> None:
    ensure_binaries()
    report: dict = {}
    with tempfile.TemporaryDirectory(prefix="crmd-exchange-bench-") as directory:
        if "export" not in SKIP:
            report["export"] = export_bench(directory)
        if "import" not in SKIP:
            report["import"] = import_bench(directory)
    say("against the targets")
    if "export" in report:
        e = report["export"]
        grown = (e["peakAfterKiB"] - e["peakAfterSmallKiB"]) / 1024
        file_bytes = e["bytes"]
        # Flat: from the small export to the whole one the peak grows by less than a tenth of what the
        # file grew by (a streamed export holds a page and a chunk, not the file).
        flat = grown * 2**20 < (file_bytes - e["smallBytes"]) / 10
        e["memoryFlat"] = flat
        print(f"export of {e['invoices']} invoices to a file: {e['seconds']:.3f} s   (target < {EXPORT_TARGET_S:g} s)   "
              f"{verdict(e['seconds'] < EXPORT_TARGET_S)}")
        print(f"export of {e['invoices']} invoices by ids in replies, {e['pages']} calls: {e['pagedSeconds']:.3f} s   (for information)")
        print(f"export memory: peak +{grown:.1f} MiB from a {e['smallBytes'] / 2**20:.0f} MiB file to a {file_bytes / 2**20:.0f} MiB one"
              f"   (target flat)   {verdict(flat)}")
    if "import" in report:
        i = report["import"]
        if i["seconds"] is None:
            print(f"statement of {i['payments']} payments vs {i['invoices']} invoices: > {i['timedOutAfter']:.0f} s (timed out)   "
                  f"(target < {IMPORT_TARGET_S:g} s)   MISS")
        else:
            print(f"statement of {i['payments']} payments vs {i['invoices']} invoices: {i['seconds']:.3f} s   "
                  f"(target < {IMPORT_TARGET_S:g} s)   {verdict(i['seconds'] < IMPORT_TARGET_S)}")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
