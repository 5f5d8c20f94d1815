"""Real headless Chromium (Debian's chromium and chromium-driver) driving the app served
by a real HTTP server in a thread, on SQLite (the pages add nothing database-specific:
the API and page tests cover PostgreSQL)."""

from __future__ import annotations

import base64
import os
import shutil
import threading
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from werkzeug.serving import make_server

SHOTS = Path(__file__).with_name("screenshots")
README_SHOTS = Path(__file__).parents[2] / "docs" / "screenshots"


@pytest.fixture
def backend():
    return "sqlite"


@pytest.fixture
def live_url(app):
    """The app on a free port of localhost (a secure context, so the Secure session
    cookie is kept over plain HTTP, as it is over HTTPS in production)."""
    server = make_server("localhost", 0, app, threaded=True)
    url = f"http://localhost:{server.server_port}"
    app.config["PUBLIC_URL"] = url
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield url
    server.shutdown()
    thread.join(5)


@pytest.fixture
def downloads(tmp_path):
    path = tmp_path / "downloads"
    path.mkdir()
    return path


@pytest.fixture
def chrome(downloads):
    binary = shutil.which("chromium")
    driver_path = shutil.which("chromedriver")
    if binary is None or driver_path is None:
        pytest.fail("Debian's chromium and chromium-driver are missing (make system-packages)")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--lang=zh-CN", "--window-size=1280,900", "--force-device-scale-factor=1"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {
        "download.default_directory": str(downloads), "download.prompt_for_download": False,
        "intl.accept_languages": "zh-CN"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.execute_cdp_cmd("Page.setDownloadBehavior",
                           {"behavior": "allow", "downloadPath": str(downloads)})
    yield driver
    driver.quit()


class Shots:
    """Full-page screenshots of each page, at a desktop and a phone width."""

    def __init__(self, driver):
        self.driver = driver
        SHOTS.mkdir(exist_ok=True)
        self.readme = os.environ.get("UPDATE_README_SCREENSHOTS") == "1"

    def take(self, name: str, *, width: int = 1280, readme: bool = False) -> Path:
        """The whole page (not just the viewport) through the DevTools protocol; a width
        under 600 is shown as a phone (mobile viewport, touch)."""
        phone = width < 600
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": 900, "deviceScaleFactor": 1, "mobile": phone})
        try:
            size = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
            shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
                "format": "png", "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": width,
                         "height": min(int(size["height"]), 8000), "scale": 1}})
        finally:
            self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        path = SHOTS / f"{name}.png"
        path.write_bytes(base64.b64decode(shot["data"]))
        if readme and self.readme:
            README_SHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, README_SHOTS / path.name)
        return path


@pytest.fixture
def shots(chrome):
    return Shots(chrome)
