"""The examples in examples/ run to the end (exit 0) against the real server, both ways."""
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def command(example: str) -> list[str]:
    path = EXAMPLES / example
    return [sys.executable, str(path)] if example.endswith(".py") else ["bash", str(path)]


def run(argv: list[str]) -> subprocess.CompletedProcess:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, f"{argv} exited {done.returncode}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
    assert done.stdout.rstrip().endswith("OK"), done.stdout
    return done


@pytest.mark.parametrize("example", ["lead_funnel.py", "lead_funnel.sh"])
def test_example_against_a_socket_server(example, server):
    done = run(command(example) + [str(server.socket_path)])
    assert "missing" in done.stdout and "MEETING_SCHEDULED" in done.stdout
    # The example puts the stage requirement back as it found it.
    with server.client() as c:
        pipeline = next(p for p in c.call("pipeline.list", {"entityType": "lead"})["items"] if p["isDefault"])
    stage = next(s for s in pipeline["stages"] if s["id"] == "MEETING_SCHEDULED")
    assert not any(f.startswith("custom.meeting_place_") for f in stage["requiredFields"])


@pytest.mark.parametrize("example", ["lead_funnel.py", "lead_funnel.sh"])
def test_example_spawning_a_stdio_server(example, crmd_bin):
    run(command(example) + ["--spawn", crmd_bin])


@pytest.mark.parametrize("example", ["lead_funnel.py", "lead_funnel.sh"])
def test_example_runs_twice_on_the_same_server(example, server):
    for _ in range(2):
        run(command(example) + [str(server.socket_path)])


@pytest.mark.parametrize("example", ["lead_funnel.py", "lead_funnel.sh"])
def test_example_fails_without_a_server(example, workdir):
    done = subprocess.run(command(example) + [str(workdir / "nobody.sock")], capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode != 0


@pytest.mark.parametrize("mode", ["socket", "spawn"])
def test_seed_scenario_to_a_paid_invoice(mode, make_server, crmd_bin, workdir):
    imports = workdir / "imports"
    imports.mkdir()
    if mode == "socket":
        server = make_server(config={"importDirs": [str(imports)]})
        target = [str(server.socket_path), "--import-dir", str(imports)]
    else:
        target = ["--spawn", crmd_bin]
    pdf = workdir / "invoice.pdf"
    done = run(command("seed_to_deal.py") + target + ["--out", str(pdf)])
    for step in ["S2 ", "S3 ", "S5  meeting", "S5  the same hour again: slotBusy", "S6  SMS to 79165551234: Иван, ждём вас", "S7  follow-up task: Позвонить клиенту о решении", "S8 ", "S10", "S11", "S12", "S13", "S15", "S16", "S17 deal moved", "S19", "S21 refused", "S21 invoice",
                 "S22 public link", "S23", "S23 advance entered: partiallyPaid", "S24 1 invoice exported to 1C (windows-1251",
                 "kl_to_1c.txt: 1 payment, 1 matched", "S25 from 1C: 1 document attached", "S28 invoice № 2026-00001: paid, paid 81000.00, due 0.00",
                 "from manual: аванс", "from bank: п/п № 57", "S28   act № А-15", "S28 deal: invoiced 81000.00, paid 81000.00, due 0.00"]:
        assert step in done.stdout, step
    assert pdf.read_bytes().startswith(b"%PDF-")
    exported = (workdir / "invoice-1c.xml").read_bytes()
    assert str(workdir / "invoice-1c.xml") in done.stdout
    assert exported.startswith(b'<?xml version="1.0" encoding="windows-1251"')
    text = exported.decode("cp1251")
    assert "<КоммерческаяИнформация" in text and "<Номер>2026-00001</Номер>" in text and "81000.00" in text


def readme_block(language: str, after: str) -> str:
    """The first ```language block of README.md after the heading `after`."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index(after):]
    start = section.index(f"```{language}\n") + len(language) + 4
    return section[start:section.index("```", start)]


def test_readme_talking_to_it_runs_as_written(make_server, workdir):
    """README's shell and Python snippets, run as a reader would: same commands, same output."""
    server = make_server(socket_path=workdir / "crmd.sock")
    env = {**os.environ, "XDG_RUNTIME_DIR": str(workdir), "PYTHONPATH": str(ROOT / "Clients" / "python")}
    shell = readme_block("sh", "## Talking to it")
    lines = shell.splitlines()
    command_line, shown = lines[0], lines[1]
    argv = shlex.split(command_line.removeprefix("$ ").split("    #")[0])
    done = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, env=env, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 1 and done.stderr.strip() == shown, (done.returncode, done.stderr)
    listed = subprocess.run(shlex.split(lines[2].removeprefix("$ ")), capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert listed.returncode == 0 and json.loads(listed.stdout)["items"][0]["entityType"] == "lead"
    python = readme_block("python", "## Talking to it")
    done = subprocess.run([sys.executable, "-c", python], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("1001 [{'field': 'phones'"), done.stdout
    with server.client() as c:
        assert c.call("lead.list", {"filter": {"stageId": "QUALIFICATION"}, "count": True})["total"] == 1


def test_invoice_to_paid_seen_by_a_listener_and_a_webhook(server):
    """examples/invoice_to_paid.py: the invoice's events reach a second process and a loopback
    webhook receiver that checks every signature; run twice, the second sees only its own."""
    for _ in range(2):
        done = run(command("invoice_to_paid.py") + [str(server.socket_path)])
        assert "paid 10250.00: paid" in done.stdout
        assert "6 events, heard by the listener and delivered with valid signatures; 1 forged request refused" in done.stdout
    with server.client() as c:
        assert c.call("webhook.list")["items"] == []  # each run deletes its webhook
        assert [i["status"] for i in c.call("invoice.list", {"select": ["status"]})["items"]] == ["paid", "paid"]
