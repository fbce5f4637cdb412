"""Helpers for driving the web client (Clients/web) in headless Chromium through the bridge.

- `require_browser()`: skips the calling test, naming what is missing, when Debian's `chromium`,
  `chromium-driver` or the `selenium` package is not installed (.ci/run installs them).
- `start_bridge(make_server, ...)`: `crmd serve --socket ... --http 127.0.0.1:0 --web Clients/web`,
  and the bridge's URL read from its stderr line `crmd: bridge listening on http://...`.
- `registry_stub()`: registry_stub.py (the online INN registry's stand-in) on a free port.
- `Browser`: a Selenium Chrome session with the waits the tests need, a download directory, and
  `save_artifacts()` (a screenshot, the page and the console log) for a failed test.
- `signed_in_user(client, name)`: a user with the administrator role and an API token.
Used by test_web_client.py and bench/web_first_screen.py.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

from helpers import RegistryStub

ROOT = Path(__file__).resolve().parents[2]
WEB_DIR = ROOT / "Clients" / "web"
REGISTRY_TOKEN = "web-client-token"
BRIDGE_LINE = re.compile(r"crmd: bridge listening on (http://[0-9.]+:[0-9]+)/")
CHROMIUM_NAMES = ("chromium", "chromium-browser")


def missing_browser_parts() -> list[str]:
    """What is absent of chromium, chromedriver and selenium (empty when all are there)."""
    missing = []
    if not any(shutil.which(name) for name in CHROMIUM_NAMES):
        missing.append("chromium (Debian package chromium)")
    if not shutil.which("chromedriver"):
        missing.append("chromedriver (Debian package chromium-driver)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("the selenium Python package (requirements-dev.txt)")
    return missing


def require_browser() -> None:
    import pytest

    missing = missing_browser_parts()
    if missing:
        pytest.skip("real-browser tests need " + ", ".join(missing) + "; .ci/run installs them")


def artifacts_dir() -> Path:
    path = Path(os.environ.get("CRMD_ARTIFACTS") or ROOT / ".build" / "artifacts" / "web")
    path.mkdir(parents=True, exist_ok=True)
    return path


def wait_for_bridge_url(server, timeout: float = 15.0) -> str:
    """The bridge's base URL, from the server's stderr."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = BRIDGE_LINE.search(server.stderr_text())
        if found:
            return found.group(1)
        if not server.running:
            raise AssertionError(f"crmd exited before the bridge listened:\n{server.stderr_text()}")
        time.sleep(0.05)
    raise AssertionError(f"no 'bridge listening' line within {timeout} s:\n{server.stderr_text()}")


def start_bridge(make_server, config: dict | None = None, name: str = "crmd"):
    """A crmd with the bridge serving Clients/web; returns (server, base URL)."""
    server = make_server(name=name, config=config, extra_args=["--http", "127.0.0.1:0", "--web", str(WEB_DIR)])
    return server, wait_for_bridge_url(server)


def registry_stub() -> RegistryStub:
    """The registry stand-in the web tests look INNs up in: knows 7736207543 (ООО) and 500100732259 (ИП)."""
    return RegistryStub(REGISTRY_TOKEN)


def signed_in_user(client, name: str = "Анна Смирнова") -> tuple[int, str]:
    """A new user with the administrator role, and an API token of theirs: (user id, token)."""
    user = client.call("user.add", {"fields": {"name": name, "email": "anna@example.ru"}})
    roles = client.call("role.list", {})["items"]
    admin = next(role for role in roles if role["code"] == "administrator")
    client.call("user.setRoles", {"id": user["id"], "roleIds": [admin["id"]]})
    token = client.call("token.add", {"userId": user["id"], "name": "web client test"})["token"]
    return user["id"], token


class Browser:
    """Headless Chromium driven by Selenium, sized like a laptop screen, downloading to a temp dir."""

    def __init__(self, base_url: str, timeout: float = 15.0):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self.base_url = base_url
        self.timeout = timeout
        self.downloads = Path(tempfile.mkdtemp(prefix="crmd-web-downloads-"))
        options = webdriver.ChromeOptions()
        options.binary_location = next(shutil.which(name) for name in CHROMIUM_NAMES if shutil.which(name))
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                         "--window-size=1400,1000", "--lang=ru-RU", "--no-first-run", "--disable-extensions"):
            options.add_argument(argument)
        options.add_experimental_option("prefs", {
            "download.default_directory": str(self.downloads), "download.prompt_for_download": False,
            "intl.accept_languages": "ru-RU,ru"})
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))
        self.driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(self.downloads)})

    # ---- navigation and waiting

    def open(self, fragment: str = "") -> None:
        self.driver.get(self.base_url + "/" + fragment)

    def wait(self, condition, timeout: float | None = None, message: str = ""):
        from selenium.common.exceptions import StaleElementReferenceException
        from selenium.webdriver.support.ui import WebDriverWait

        # Screens re-render what changed (the manager's own writes come back as events too), so an
        # element found a moment ago may be gone: such a check is simply made again.
        return WebDriverWait(self.driver, timeout or self.timeout, poll_frequency=0.05,
                             ignored_exceptions=(StaleElementReferenceException,)).until(condition, message)

    def find(self, css: str, timeout: float | None = None):
        """The first visible element matching `css`, waiting for it."""
        from selenium.webdriver.common.by import By

        def visible(driver):
            for element in driver.find_elements(By.CSS_SELECTOR, css):
                if element.is_displayed():
                    return element
            return False
        return self.wait(visible, timeout, f"no visible {css}")

    def gone(self, css: str, timeout: float | None = None) -> None:
        from selenium.webdriver.common.by import By

        self.wait(lambda driver: not driver.find_elements(By.CSS_SELECTOR, css), timeout, f"{css} is still there")

    def all(self, css: str):
        from selenium.webdriver.common.by import By

        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def button(self, text: str, within: str = "body", timeout: float | None = None):
        """The visible button whose text is `text` inside `within`."""
        from selenium.webdriver.common.by import By

        def found(driver):
            for scope in driver.find_elements(By.CSS_SELECTOR, within):
                for element in scope.find_elements(By.TAG_NAME, "button"):
                    if element.is_displayed() and element.text.strip() == text:
                        return element
            return False
        return self.wait(found, timeout, f"no button «{text}» in {within}")

    def press(self, text: str, within: str = "body") -> None:
        """Clicks the button `text`, finding it again if the screen was re-drawn meanwhile."""
        def pressed(_):
            self.button(text, within).click()
            return True
        self.wait(pressed, message=f"could not press «{text}»")

    def text_appears(self, css: str, text: str, timeout: float | None = None):
        return self.wait(lambda driver: text in (self.find(css).text or ""), timeout, f"«{text}» not in {css}")

    def focused(self):
        return self.driver.switch_to.active_element

    def js(self, script: str, *args):
        return self.driver.execute_script(script, *args)

    # ---- flows

    def sign_in(self, token: str) -> None:
        """Types the token on the sign-in screen and presses Enter; waits for the leads board."""
        from selenium.webdriver.common.keys import Keys

        self.open()
        field = self.find("#login-token")
        field.send_keys(token, Keys.ENTER)
        self.find(".board[data-loaded='true']")

    def wait_download(self, suffix: str, timeout: float = 20.0) -> Path:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done = [path for path in self.downloads.iterdir() if path.name.endswith(suffix)]
            if done:
                return done[0]
            time.sleep(0.1)
        raise AssertionError(f"no {suffix} file downloaded into {self.downloads}: {list(self.downloads.iterdir())}")

    def save_artifacts(self, name: str) -> Path:
        """A screenshot, the page's HTML and the console log under the artifacts directory."""
        directory = artifacts_dir()
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)
        self.driver.save_screenshot(str(directory / f"{safe}.png"))
        (directory / f"{safe}.html").write_text(self.driver.page_source, encoding="utf-8")
        try:
            log = self.driver.get_log("browser")
        except Exception as error:  # noqa: BLE001 (a driver without logs must not hide the failure)
            log = [{"message": f"no browser log: {error}"}]
        (directory / f"{safe}.console.json").write_text(json.dumps(log, ensure_ascii=False, indent=1), encoding="utf-8")
        return directory

    def uncaught_errors(self) -> list[str]:
        """Exceptions the page's scripts let escape since the last look (the log is read once)."""
        return [entry["message"] for entry in self.driver.get_log("browser") if entry.get("source") == "javascript"]

    def quit(self) -> None:
        self.driver.quit()
        shutil.rmtree(self.downloads, ignore_errors=True)
