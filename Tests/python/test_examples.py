"""The examples in examples/ run to the end (exit 0) against the real server, both ways."""
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
def test_seed_scenario_to_a_paid_invoice(mode, server, crmd_bin, workdir):
    target = [str(server.socket_path)] if mode == "socket" else ["--spawn", crmd_bin]
    pdf = workdir / "invoice.pdf"
    done = run(command("seed_to_deal.py") + target + ["--out", str(pdf)])
    for step in ["S2 ", "S3 ", "S8 ", "S10", "S11", "S12", "S13", "S15", "S16", "S17 deal moved", "S19", "S21 refused", "S21 invoice",
                 "S22 public link", "S23", "paid: paid"]:
        assert step in done.stdout, step
    assert pdf.read_bytes().startswith(b"%PDF-")
