#!/usr/bin/env python3
"""The web client's first screen (issue 15, "Speed"): the kanban of 500 leads in headless Chromium.

    bench/web_first_screen.py                 # 500 leads, 10 loads
    LEADS=2000 REPEAT=5 bench/web_first_screen.py

crmd (`$CRMD_BIN`, else .build/release/crmd) runs on a temporary database with the bridge on a
free loopback port serving Clients/web (`--http 127.0.0.1:0 --web Clients/web`). LEADS (500)
leads are added in batches of 100 over the socket, a user with an API token is made, and the
browser (Debian's chromium and chromium-driver, driven by Selenium) signs in once. Then the
board is loaded REPEAT (10) times, each time into a fresh document: the figure is the time from
the start of the navigation to the moment every card of the first page is in the document (the
`crmd-board-ready` performance mark of js/board.js), with the median against the 1 s target.

Prints the figures and one JSON line; exits 1 if the run broke (a card missing, no bridge).
"""
from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Clients" / "python"))
sys.path.insert(0, str(ROOT / "Tests" / "python"))
from crmd_client import Client  # noqa: E402
from web_helpers import BRIDGE_LINE, WEB_DIR, Browser, missing_browser_parts, signed_in_user  # noqa: E402

CRMD = os.environ.get("CRMD_BIN") or str(ROOT / ".build" / "release" / "crmd")
LEADS = int(os.environ.get("LEADS", "500"))
REPEAT = int(os.environ.get("REPEAT", "10"))
TARGET_MS = 1000


def start_crmd(directory: Path) -> tuple[subprocess.Popen, Path, str]:
    socket_path = directory / "crmd.sock"
    stderr_path = directory / "crmd.stderr"
    argv = [CRMD, "serve", "--socket", str(socket_path), "--db", str(directory / "crmd.sqlite"),
            "--http", "127.0.0.1:0", "--web", str(WEB_DIR)]
    print("+", " ".join(argv), flush=True)
    with open(stderr_path, "wb") as err:
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=err, stderr=err)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        found = BRIDGE_LINE.search(stderr_path.read_text(errors="replace"))
        if found and socket_path.exists():
            return process, socket_path, found.group(1)
        if process.poll() is not None:
            break
        time.sleep(0.05)
    process.kill()
    raise SystemExit(f"crmd did not start its bridge:\n{stderr_path.read_text(errors='replace')}")


def seed(crm: Client) -> None:
    for first in range(0, LEADS, 100):
        calls = [("lead.add", {"fields": {
            "title": f"Лид {n}", "name": "Иван", "lastName": f"Петров-{n}", "phones": [{"value": f"+7916{n:07d}"}],
            "emails": [{"value": f"lead{n}@example.ru"}], "city": "Москва", "topic": "Видеонаблюдение"}})
            for n in range(first, min(first + 100, LEADS))]
        for reply in crm.batch(calls):
            if isinstance(reply, Exception):
                raise SystemExit(f"seeding failed: {reply}")


def measure(browser: Browser, url: str) -> list[float]:
    figures = []
    for _ in range(REPEAT):
        browser.driver.get("about:blank")
        browser.driver.get(url + "/#/leads")
        browser.find(".board[data-loaded='true']", timeout=60)
        cards = len(browser.all(".card"))
        if cards != LEADS:
            raise SystemExit(f"the board shows {cards} cards, not {LEADS}")
        figures.append(browser.js("return performance.getEntriesByName('crmd-board-ready')[0].startTime"))
    return figures


def main() -> int:
    missing = missing_browser_parts()
    if missing:
        print("needs " + ", ".join(missing), file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="crmd-web-bench-") as workdir:
        process, socket_path, url = start_crmd(Path(workdir))
        browser = None
        try:
            with Client.connect(str(socket_path)) as crm:
                print(f"seeding {LEADS} leads", flush=True)
                seed(crm)
                _, token = signed_in_user(crm)
            browser = Browser(url, timeout=60)
            browser.sign_in(token)
            figures = measure(browser, url)
        finally:
            if browser is not None:
                browser.quit()
            process.send_signal(signal.SIGTERM)
            process.wait(15)
    median = statistics.median(figures)
    verdict = "PASS" if median < TARGET_MS else "MISS"
    print(f"first screen, kanban of {LEADS} leads: median {median:.0f} ms, best {min(figures):.0f} ms, "
          f"worst {max(figures):.0f} ms over {REPEAT} loads (target < {TARGET_MS} ms) {verdict}")
    print(json.dumps({"bench": "web_first_screen", "leads": LEADS, "loads": REPEAT, "medianMs": round(median, 1),
                      "bestMs": round(min(figures), 1), "worstMs": round(max(figures), 1), "targetMs": TARGET_MS,
                      "verdict": verdict}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
