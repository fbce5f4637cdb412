"""The short form of the adversarial run (bench/adversarial/run.py --short) against the built crmd.

The long form is run by hand after changes to the protocol or the storage (see bench/README.md);
this one keeps CI honest: fuzzed messages in both framings, kill -9 under writers, 100 clients,
batch bombs with a memory bound, injection attempts and stops that must not hang.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_short_adversarial_run_finds_nothing(crmd_bin):
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "adversarial" / "run.py"), "--short", "--crmd", crmd_bin],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, f"the adversarial run failed:\n{run.stdout[-6000:]}\n{run.stderr[-3000:]}"
    assert "PASS" in run.stdout
