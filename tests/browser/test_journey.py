"""The people's journey in real headless Chromium: a professional logs in, sees hours and
a rejected posting with its reason, downloads the transcript (read back with a PDF
reader), whose QR code opens the verification page; a committee verifies; the access
log shows it. Every page gets a screenshot and an axe-core accessibility check."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import cv2
from axe_core_python.base import AXE_SCRIPT
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from ..pages.helpers import committee_client, credited_and_rejected, pdf_text

# WCAG 2.1 A and AA, which the quality bar (labels, headings, contrast) asks for.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a",
                                                     "wcag21aa", "best-practice"]}}


def accessible(driver) -> None:
    """Run axe-core (4.4, the copy axe-core-python ships) on the page: no violations."""
    driver.execute_script(AXE_SCRIPT)
    results = driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "axe.run(document, arguments[0]).then(done, function (e) { done({error: String(e)}); });",
        AXE_OPTIONS)
    assert "error" not in results, results.get("error")
    assert not results["violations"], "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
        for v in results["violations"])


def fill(driver, **fields: str) -> None:
    for name, value in fields.items():
        box = driver.find_element(By.NAME, name)
        box.clear()
        box.send_keys(value)


def submit(driver, form_action: str, *, navigates: bool = True) -> None:
    """Click the form's button and, unless it downloads, wait for the next page."""
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, f'form[action="{form_action}"] button[type=submit]'
                        ).click()
    if navigates:
        WebDriverWait(driver, 20).until(_gone(old))


def _gone(element):
    """The old page's root is gone: stale, or (while the next document loads) reported by
    chromedriver as "Node … does not belong to the document", which staleness_of lets
    escape as a WebDriverException."""
    def check(_driver) -> bool:
        try:
            element.is_enabled()
        except WebDriverException:  # StaleElementReferenceException is one of these
            return True
        return False
    return check


def wait_for_file(folder: Path, suffix: str, timeout: float = 20) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [p for p in folder.iterdir() if p.suffix == suffix]
        if done:
            return done[0]
        time.sleep(0.2)
    raise AssertionError(f"nothing ending in {suffix} was downloaded to {folder}")


def pdf_to_png(pdf: Path) -> Path:
    subprocess.run(["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf), str(pdf.with_suffix(""))], check=True)
    return pdf.with_suffix(".png")


def decode_qr(png: Path) -> str:
    image = cv2.imread(str(png))
    text, points, _ = cv2.QRCodeDetector().detectAndDecode(image)
    assert points is not None and text, "no QR code found on the transcript"
    return text


def test_a_professional_and_a_committee_in_a_real_browser(world, live_url, chrome, shots,
                                                          downloads):
    credited_and_rejected(world)
    client, secret = committee_client(world, "淄博市高级职称评审委员会", "370300")
    driver = chrome

    # The home page, and the professional's login.
    driver.get(live_url + "/")
    assert driver.find_element(By.TAG_NAME, "h1").text == "专业技术人员继续教育学时账本"
    accessible(driver)
    shots.take("home")
    driver.find_element(By.LINK_TEXT, "个人登录").click()
    accessible(driver)
    shots.take("login")
    fill(driver, id_number=world.person_id, password="correct-horse")
    submit(driver, "/login")

    # The dashboard: hours, and the rejected posting with its reason and article.
    assert driver.current_url == live_url + "/me"
    assert world.person_id not in driver.current_url
    body = driver.find_element(By.TAG_NAME, "main").text
    assert "24.0 / 90.0 学时" in body
    assert "未予登记" in body and "培训考核未通过，不予登记学时。" in body
    assert "依据：《" in body
    assert driver.find_element(By.CSS_SELECTOR, "svg.chart").is_displayed()
    cookie = driver.get_cookie("xueshi_session")
    assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Lax"
    accessible(driver)
    shots.take("dashboard", readme=True)
    shots.take("dashboard-phone", width=390, readme=True)

    # The transcript: download, read its text, decode its QR code.
    fill(driver, year_from="2025", year_to="2025")
    submit(driver, "/me/transcript", navigates=False)
    pdf = wait_for_file(downloads, ".pdf")
    text = re.sub(r"\s+", "", pdf_text(pdf.read_bytes()))
    assert "专业技术人员继续教育学时证明" in text
    assert "建筑工程新技术研修班" in text and "24.0" in text
    code = re.search(r"核验码：([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})", text).group(1)
    page_image = pdf_to_png(pdf)
    (shots_dir := Path(shots.take("dashboard").parent)).mkdir(exist_ok=True)
    (shots_dir / "transcript.png").write_bytes(page_image.read_bytes())
    if shots.readme:
        (Path(__file__).parents[2] / "docs" / "screenshots" / "transcript.png").write_bytes(
            page_image.read_bytes())
    target = decode_qr(page_image)
    assert target == f"{live_url}/verify/{code}"

    # The QR code's page: genuine and still true.
    driver.get(target)
    assert "真实" in driver.find_element(By.ID, "genuine").text
    assert "仍然有效" in driver.find_element(By.ID, "still-true").text
    accessible(driver)
    shots.take("verify", readme=True)

    # Log out; the committee logs in and verifies.
    submit(driver, "/logout")
    driver.get(live_url + "/committee/login")
    accessible(driver)
    fill(driver, client_id=client.client_id, client_secret=secret)
    submit(driver, "/committee/login")
    assert driver.current_url == live_url + "/committee"
    accessible(driver)
    shots.take("committee-form")
    fill(driver, id_number=world.person_id, name=world.person_name, year_from="2024",
         year_to="2025", purpose="2025年度高级职称评审")
    submit(driver, "/committee")
    report = driver.find_element(By.TAG_NAME, "main").text
    assert "继续教育学时核查报告" in report
    assert world.person_id not in driver.page_source
    assert world.person_id not in driver.current_url
    rows = driver.find_elements(By.CSS_SELECTOR, "#compliance tbody tr")
    assert [r.find_element(By.TAG_NAME, "th").text for r in rows] == ["2024", "2025"]
    assert "未达标" in rows[1].text
    accessible(driver)
    shots.take("committee", readme=True)
    submit(driver, "/logout")

    # The professional's access log shows the committee's verification.
    driver.get(live_url + "/login")
    fill(driver, id_number=world.person_id, password="correct-horse")
    submit(driver, "/login")
    log = driver.find_element(By.ID, "access-log").text
    assert "淄博市高级职称评审委员会" in log and "2025年度高级职称评审" in log
    assert "2024—2025年" in log
    shots.take("access-log")


def test_the_public_pages_in_a_real_browser(world, live_url, chrome, shots):
    world.accepted_project()
    driver = chrome
    driver.get(live_url + "/register")
    assert "淄博基地" in driver.find_element(By.TAG_NAME, "main").text
    driver.find_element(By.TAG_NAME, "summary").click()  # the filed projects and fees
    fees = driver.find_element(By.CSS_SELECTOR, ".bases details table").text
    assert "建筑工程新技术研修班" in fees and "800.00" in fees
    accessible(driver)
    shots.take("register")
    shots.take("register-phone", width=390)
    driver.get(live_url + "/activate")
    accessible(driver)
    shots.take("activate")
    driver.get(live_url + "/verify")
    accessible(driver)
    shots.take("verify-form")
    driver.get(live_url + "/docs")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not driver.find_elements(By.CSS_SELECTOR,
                                                                   ".opblock"):
        time.sleep(0.2)
    assert driver.find_elements(By.CSS_SELECTOR, ".opblock"), "Swagger UI did not render"
    assert "Xueshi Ledger" in driver.find_element(By.CSS_SELECTOR, ".title").text
    shots.take("api-docs")
