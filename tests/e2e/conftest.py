import os
from pathlib import Path

import pytest

from tests.elections.conftest import Night

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "e2e"
# Playwright's sync API runs an event loop in the test's thread; the ORM calls the tests make
# between browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"no browser at {CHROMIUM}: apt-get install chromium (make test-e2e needs it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        yield browser
        browser.close()


@pytest.fixture
def new_tab(browser):
    """Opens browser tabs (with the context's options: a phone's viewport, say); the test fails
    if any page it opened broke the Content-Security-Policy."""
    contexts, refused = [], []

    def open_tab(**options):
        contexts.append(browser.new_context(**options))
        tab = contexts[-1].new_page()
        tab.on("console", lambda m: "Content Security Policy" in m.text and refused.append(m.text))
        return tab

    yield open_tab
    for context in contexts:
        context.close()
    assert not refused, "the CSP refused something the page needs: " + "; ".join(refused)


@pytest.fixture
def page(new_tab):
    return new_tab(viewport={"width": 1280, "height": 900})


@pytest.fixture
def live_night(transactional_db, django_user_model) -> Night:
    return Night(django_user_model)


@pytest.fixture
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def admin_log_in(page, live_server, user, password: str) -> None:
    """Sign in on the admin's page with the password and a fresh backup code of the user's."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    device, _ = StaticDevice.objects.get_or_create(user=user, name="backup codes")
    code = device.token_set.create(token=StaticToken.random_token()).token
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    page.fill("#id_otp_token", code)
    page.click("input[type=submit]")
