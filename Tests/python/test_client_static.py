"""A static check, not a run of crmd: the Python client type-checks clean under `mypy --strict`,
both as the file in the repository and as the package `pip install Clients/python` makes
(its `py.typed` marker is what lets a user's mypy read the client's annotations)."""
import os
import re
import subprocess
import sys

import pytest

from conftest import ROOT

CLIENT = ROOT / "Clients" / "python"


def mypy(*args: str, cwd=CLIENT, env=None) -> subprocess.CompletedProcess:
    pytest.importorskip("mypy", reason="mypy is not installed here: pip install -r requirements-dev.txt")
    return subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300, env=env)


def test_the_client_type_checks_under_mypy_strict():
    done = mypy("crmd_client.py", "package/__main__.py")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success: no issues found in 2 source files" in done.stdout


def test_the_package_is_the_module_and_is_marked_typed():
    package = CLIENT / "package"
    assert (package / "__init__.py").resolve() == (CLIENT / "crmd_client.py").resolve()
    assert (package / "py.typed").is_file()


def test_a_user_of_the_client_gets_its_types(tmp_path):
    """Code that misuses the client is refused by mypy: the annotations reach the caller."""
    (tmp_path / "user.py").write_text(
        "from crmd_client import Client, NotFound\n"
        "def use(c: Client) -> None:\n"
        "    c.call('lead.get', {'id': 1}, timeout='soon')\n"
        "    try:\n"
        "        c.call('lead.get', {'id': 1}, timeout=None)\n"
        "    except NotFound as error:\n"
        "        reveal_type(error.entity_type)\n")
    done = mypy("user.py", cwd=tmp_path, env={**os.environ, "MYPYPATH": str(CLIENT)})
    assert done.returncode == 1, done.stdout
    assert 'user.py:3: error: Argument "timeout" to "call" of "Client"' in done.stdout, done.stdout
    assert re.search(r'user\.py:7: note: Revealed type is "(builtins\.)?str \| None"', done.stdout), done.stdout
    assert "Found 1 error" in done.stdout, done.stdout
