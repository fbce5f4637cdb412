"""`pip install Clients/python` really installs the client: into a fresh virtual environment,
imported and run from outside the repository against a real crmd."""
import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT

CLIENT = ROOT / "Clients" / "python"
OFFLINE_BACKEND_MISSING = ("invalid command 'bdist_wheel'", "No module named 'setuptools'", "No module named 'wheel'")
NO_INDEX = ("NewConnectionError", "Temporary failure in name resolution", "Network is unreachable",
            "Could not find a version that satisfies the requirement setuptools", "ProxyError")


def fresh_venv(where) -> str:
    """A new virtual environment with pip; its python. Skips when this Python cannot make one."""
    made = subprocess.run([sys.executable, "-m", "venv", str(where)], capture_output=True, text=True, timeout=300)
    python = where / "bin" / "python"
    if made.returncode != 0 or not python.exists():
        pytest.skip(f"cannot make a virtual environment here (python3-venv missing?): {made.stderr.strip()[-300:]}")
    if subprocess.run([str(python), "-m", "pip", "--version"], capture_output=True).returncode != 0:
        pytest.skip("the new virtual environment has no pip (ensurepip missing)")
    return str(python)


def pip_install(python: str, source) -> None:
    """Installs `source` with the build backend the environment has, else one pip fetches."""
    pip = [python, "-m", "pip", "install", "--no-deps", "--disable-pip-version-check", "--no-input"]
    offline = subprocess.run(pip + ["--no-build-isolation", str(source)], capture_output=True, text=True, timeout=300)
    if offline.returncode == 0:
        return
    assert any(m in offline.stdout + offline.stderr for m in OFFLINE_BACKEND_MISSING), offline.stdout + offline.stderr
    online = subprocess.run(pip + [str(source)], capture_output=True, text=True, timeout=300)
    if online.returncode != 0 and any(m in online.stdout + online.stderr for m in NO_INDEX):
        pytest.skip("no build backend in the new environment and no package index to fetch setuptools from")
    assert online.returncode == 0, online.stdout + online.stderr


def test_pip_install_gives_an_importable_typed_client(server, workdir):
    source = workdir / "crmd-client-src"  # a copy, so the build leaves nothing in the repository
    shutil.copytree(CLIENT, source, symlinks=True, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    python = fresh_venv(workdir / "venv")
    pip_install(python, source)
    outside = workdir / "elsewhere"
    outside.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CRMD_SOCKET")}

    probe = ("import json, pathlib, crmd_client; p = pathlib.Path(crmd_client.__file__); "
             "print(json.dumps([str(p), (p.parent / 'py.typed').is_file(), crmd_client.DEFAULT_CALL_TIMEOUT]))")
    done = subprocess.run([python, "-c", probe], capture_output=True, text=True, cwd=outside, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    where, typed, timeout = json.loads(done.stdout)
    assert where.startswith(str(workdir / "venv")) and "site-packages" in where, where
    assert typed and timeout == 30.0
    installed = (workdir / "venv").glob("lib/python*/site-packages/crmd_client/__init__.py")
    assert next(installed).read_text(encoding="utf-8") == (CLIENT / "crmd_client.py").read_text(encoding="utf-8")

    for command in ([str(workdir / "venv" / "bin" / "crmd-client")], [python, "-m", "crmd_client"]):
        done = subprocess.run(command + ["--socket", str(server.socket_path), "server.info"], capture_output=True,
                              text=True, cwd=outside, env=env, timeout=60)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["name"] == "crmd"


def test_the_installed_package_carries_its_types_to_mypy(workdir):
    """With `py.typed` installed, a user's `mypy --strict` reads the client's annotations."""
    pytest.importorskip("mypy", reason="mypy is not installed here: pip install -r requirements-dev.txt")
    source = workdir / "crmd-client-src"
    shutil.copytree(CLIENT, source, symlinks=True, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    python = fresh_venv(workdir / "venv")
    pip_install(python, source)
    (workdir / "user.py").write_text("import crmd_client\nreveal_type(crmd_client.Client.connect('/x').call_timeout)\n")
    done = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--python-executable", python,
                           "user.py"], capture_output=True, text=True, cwd=workdir, timeout=300,
                          env={k: v for k, v in os.environ.items() if k not in ("MYPYPATH", "PYTHONPATH")})
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r'Revealed type is "(builtins\.)?float \| None"', done.stdout), done.stdout
