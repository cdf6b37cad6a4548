#!/usr/bin/env python3
"""Drives headless Chromium against a running `mirror serve` in local mode (scripts/test runs it).

    browser-test.py BASE_URL ADMIN_TOKEN SCREENSHOT_DIR

Checks, each a named scenario that fails the run when it fails:
sign-in as the demo user; a new copy attempt appears on the activity page without a reload;
a follow is created after a validation error; pause and resume; the account kill switch; a
withdrawal requested and reaching CONFIRMED; operator pages refused without the token and working
with it; a leader label containing <script> shown as text; a form POST without its CSRF token
refused; a follow's copy-quality page with its drag parts and skip funnel; no console errors on any page; the main flows with the keyboard alone; every page at
375 px and at desktop width without sideways scrolling. Writes one screenshot per page
(`<page>.png`, desktop) and its narrow twin (`<page>-375.png`) to SCREENSHOT_DIR.
"""

import os
import re
import sys
import time
import traceback

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

BASE, ADMIN_TOKEN, SHOTS = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
DESKTOP, NARROW = (1280, 900), (375, 812)
os.makedirs(SHOTS, exist_ok=True)

options = webdriver.ChromeOptions()
options.binary_location = os.environ.get("CHROMIUM_BINARY", "/usr/bin/chromium")
for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
             "--disable-extensions", "--no-first-run", "--force-device-scale-factor=1"):
    options.add_argument(flag)
options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
service = webdriver.ChromeService(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
driver = webdriver.Chrome(options=options, service=service)
driver.set_window_size(*DESKTOP)
driver.set_page_load_timeout(30)

failures = []
# Statuses a page answers on purpose (a validation error, a refused form or token): Chrome logs
# those documents as "Failed to load resource"; anything else in the console is a failure.
EXPECTED_STATUS = re.compile(r"status of (401|403|422)")


def url(path):
    return BASE + path


def path():
    return driver.current_url[len(BASE):] if driver.current_url.startswith(BASE) else driver.current_url


def console_errors(allow_expected=True):
    errors = []
    for entry in driver.get_log("browser"):
        if entry["level"] != "SEVERE":
            continue
        message = entry["message"]
        if allow_expected and EXPECTED_STATUS.search(message) and "/app/assets/" not in message:
            continue
        errors.append(message)
    return errors


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def wait_for(predicate, seconds, what):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if predicate():
                return
        except Exception:  # the page may be mid-navigation or mid-refresh
            pass
        time.sleep(0.25)
    raise AssertionError(f"{what} did not happen within {seconds}s (at {path()})")


def h1():
    return driver.find_element(By.TAG_NAME, "h1").text


def notice():
    found = driver.find_elements(By.CSS_SELECTOR, ".notice")
    return found[0].text if found else ""


# MIRROR_BROWSER_ONLY: comma-separated parts of scenario names to run (the sign-in always runs).
ONLY = [part.strip() for part in os.environ.get("MIRROR_BROWSER_ONLY", "").split(",") if part.strip()]


def scenario(name):
    def run(body):
        if ONLY and not name.startswith("sign in as the demo user") and not any(part in name for part in ONLY):
            return body
        started = time.time()
        try:
            body()
            errors = console_errors()
            expect(not errors, f"console errors: {errors}")
            print(f"PASS {name} ({time.time() - started:.1f}s)", flush=True)
        except Exception as error:  # every scenario reports; the run fails at the end
            failures.append(name)
            print(f"FAIL {name}: {error}", flush=True)
            traceback.print_exc(limit=2)
            driver.save_screenshot(os.path.join(SHOTS, "failure-" + re.sub(r"[^a-z0-9]+", "-", name.lower()) + ".png"))
        return body
    return run


def press(*keys):
    driver.switch_to.active_element.send_keys(*keys)


def tab_to(matches, limit=80, what="element"):
    """Presses Tab until the focused element matches; checks the focus is visible there."""
    for _ in range(limit):
        press(Keys.TAB)
        element = driver.switch_to.active_element
        if matches(element):
            outline = driver.execute_script(
                "const s = getComputedStyle(arguments[0]); return [s.outlineStyle, s.outlineWidth];", element)
            expect(outline[0] != "none" and outline[1] != "0px", f"focus on {what} is not visible: {outline}")
            return element
    raise AssertionError(f"Tab never reached {what}")


def text_is(label):
    return lambda element: element.text.strip() == label or element.get_attribute("value") == label


def sign_in_with_keyboard():
    driver.get(url("/app"))
    expect(path() == "/sign-in", f"signed-out /app went to {path()}, not /sign-in")
    driver.find_element(By.TAG_NAME, "body").click()
    tab_to(text_is("Sign in as the demo user"), what="the demo sign-in button")
    press(Keys.ENTER)
    wait_for(lambda: path().startswith("/app") and h1() == "Overview", 15, "arriving on the overview")


@scenario("sign in as the demo user (keyboard only)")
def _():
    sign_in_with_keyboard()
    expect("You are signed in." in notice(), "no signed-in notice")
    expect(driver.find_elements(By.CSS_SELECTOR, ".badge"), "no live/paper badge")
    cookies = {cookie["name"]: cookie for cookie in driver.get_cookies()}
    session = cookies.get("mirror_session")
    expect(session and session["httpOnly"] and session.get("sameSite") == "Lax", f"session cookie flags: {session}")


@scenario("a new copy appears on the activity page without a reload")
def _():
    driver.get(url("/app/activity"))
    driver.execute_script("window.__mirrorNoReload = true;")
    before = len(driver.find_elements(By.CSS_SELECTOR, "tr.attempt"))
    wait_for(lambda: len(driver.find_elements(By.CSS_SELECTOR, "tr.attempt")) > before, 120,
             f"a copy attempt beyond the first {before} appearing")
    expect(driver.execute_script("return window.__mirrorNoReload === true;"), "the page was reloaded")
    # A reconnect that sends Last-Event-ID gets the changes since at once.
    resumed = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const controller = new AbortController();
        fetch('/app/events', { headers: { 'Last-Event-ID': '1' }, signal: controller.signal }).then(async (response) => {
            const reader = response.body.getReader();
            let text = '';
            while (!/\\nid: \\d+\\nevent: change/.test(text)) {
                const { value, done: ended } = await reader.read();
                if (ended) { break; }
                text += new TextDecoder().decode(value);
            }
            controller.abort();
            done([response.headers.get('content-type'), text]);
        }).catch((error) => done(['error', String(error)]));
    """)
    expect(resumed[0].startswith("text/event-stream") and "event: change" in resumed[1], f"resume answered {resumed}")
    first = driver.find_element(By.CSS_SELECTOR, "tr.attempt a").get_attribute("href")
    driver.get(first)
    expect(h1() == "Copy receipt", "the receipt did not open")
    expect("Detected" in driver.page_source and "Slippage" in driver.page_source, "the receipt lacks its stages")


@scenario("a follow is created after a validation error (keyboard submits)")
def _():
    driver.get(url("/app/leaders"))
    links = [a for a in driver.find_elements(By.CSS_SELECTOR, "a.button") if a.text.startswith("Follow ")]
    expect(links, "no leader left to follow")
    driver.get(links[0].get_attribute("href"))
    amount = driver.find_element(By.ID, "sizing-amount")
    amount.send_keys("lots", Keys.ENTER)
    wait_for(lambda: driver.find_elements(By.ID, "sizing-amount-error"), 10, "the error beside the amount")
    error = driver.find_element(By.ID, "sizing-amount-error").text
    expect("sizing.amount" in error, f"error text: {error}")
    expect(driver.find_element(By.ID, "sizing-amount").get_attribute("aria-invalid") == "true", "field not marked invalid")
    amount = driver.find_element(By.ID, "sizing-amount")
    amount.clear()
    amount.send_keys("3", Keys.ENTER)
    wait_for(lambda: path().startswith("/app/follows?done=followed"), 10, "the follow being created")
    expect("You now follow" in notice(), "no followed notice")


def follow_cards():
    return driver.find_elements(By.CSS_SELECTOR, "main section.card[aria-labelledby^='follow-']")


def confirm_with_keyboard(link_text, button_text):
    driver.find_element(By.TAG_NAME, "h1").click()
    tab_to(text_is(link_text), what=f"the {link_text} link")
    press(Keys.ENTER)
    wait_for(lambda: h1() in ("Confirm", "Pause all my copying"), 10, f"the {link_text} confirmation")
    tab_to(text_is(button_text), what=f"the {button_text} button")
    press(Keys.ENTER)


@scenario("pause and resume a follow (keyboard only)")
def _():
    driver.get(url("/app/follows"))
    expect(len(follow_cards()) >= 2, "expected the demo's follow and the new one")
    confirm_with_keyboard("Pause", "Pause")
    wait_for(lambda: "paused for this follow" in notice(), 10, "the paused notice")
    expect("USER_PAUSED" in driver.page_source, "no USER_PAUSED follow")
    confirm_with_keyboard("Resume", "Resume")
    wait_for(lambda: "resumed" in notice(), 10, "the resumed notice")
    expect("USER_PAUSED" not in driver.page_source, "a follow is still paused")


@scenario("a leader label containing <script> shows as text")
def _():
    driver.get(url("/app/leaders"))
    driver.find_element(By.ID, "leader-address").send_keys("0x" + "ab" * 20)
    label = driver.find_element(By.ID, "leader-label")
    label.send_keys("<script>alert('x')</script>Eve")
    label.send_keys(Keys.ENTER)
    wait_for(lambda: "Leader added." in notice(), 10, "the leader being added")
    heading = driver.find_elements(By.XPATH, "//h2[contains(., \"<script>alert('x')</script>Eve\")]")
    expect(heading, "the label is not shown as text")
    try:
        driver.switch_to.alert
        raise AssertionError("the label's script ran")
    except NoAlertPresentException:
        pass


@scenario("a form POST without its CSRF token is refused")
def _():
    driver.get(url("/app/follows"))
    statuses = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const post = (body) => fetch('/app/kill-switch', { method: 'POST', credentials: 'same-origin',
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body }).then(r => r.status);
        Promise.all([post(''), post('_csrf=' + 'f'.repeat(64))]).then(done, (e) => done(String(e)));
    """)
    expect(statuses == [403, 403], f"POSTs without a valid token answered {statuses}")
    driver.get(url("/app/follows"))
    expect("USER_PAUSED" not in driver.page_source, "a refused POST changed something")
    driver.get_log("browser")  # the refused fetches are logged as failed loads on purpose


@scenario("the account-wide event cap is refused with its field named, then saved and cleared")
def _():
    driver.get(url("/app/follows"))
    field = driver.find_element(By.ID, "max-event-exposure")
    field.clear()
    field.send_keys("-5", Keys.ENTER)
    wait_for(lambda: driver.find_elements(By.ID, "max-event-exposure-error"), 10, "the error beside the cap")
    error = driver.find_element(By.ID, "max-event-exposure-error").text
    expect("maxEventExposure" in error, f"error text: {error}")
    field = driver.find_element(By.ID, "max-event-exposure")
    expect(field.get_attribute("value") == "-5", "the refused value is not kept in the field")
    field.clear()
    field.send_keys("250.5", Keys.ENTER)
    wait_for(lambda: "event cap saved" in notice(), 10, "the saved notice")
    expect("Account-wide event cap: 250.5" in driver.page_source, "the saved cap is not shown")
    field = driver.find_element(By.ID, "max-event-exposure")
    expect(field.get_attribute("value") == "250.5", f"field shows {field.get_attribute('value')!r}")
    field.clear()
    field.send_keys(Keys.ENTER)
    wait_for(lambda: "Account-wide event cap: none" in driver.page_source, 10, "the cap being cleared")


@scenario("the account kill switch pauses every follow")
def _():
    driver.get(url("/app/follows"))
    confirm_with_keyboard("Pause all my copying", "Pause all my copying")
    wait_for(lambda: "All your copying is paused" in notice(), 10, "the kill-switch notice")
    statuses = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "main .status")]
    expect(statuses and all(s == "USER_PAUSED" for s in statuses), f"statuses after the kill switch: {statuses}")
    # Resume them one by one, as the page says, so the demo copies on for the pages after.
    for _ in range(len(statuses)):
        driver.find_element(By.LINK_TEXT, "Resume").click()
        driver.find_element(By.XPATH, "//button[normalize-space()='Resume']").click()
        wait_for(lambda: "resumed" in notice(), 10, "a follow resuming")
    expect("USER_PAUSED" not in driver.page_source, "a follow is still paused")


@scenario("a withdrawal is requested, confirmed and reaches CONFIRMED (keyboard only)")
def _():
    driver.get(url("/app/withdrawals"))
    driver.find_element(By.ID, "withdraw-amount").send_keys("1")
    destination = driver.find_element(By.ID, "withdraw-destination")
    destination.send_keys("0x000000000000000000000000000000000000dEaD", Keys.ENTER)
    wait_for(lambda: h1() == "Confirm withdrawal", 10, "the confirmation page")
    driver.find_element(By.TAG_NAME, "h1").click()
    tab_to(lambda e: e.text.startswith("Withdraw 1"), what="the withdraw button")
    press(Keys.ENTER)
    wait_for(lambda: "Withdrawal requested" in notice(), 10, "the requested notice")
    driver.execute_script("window.__mirrorNoReload = true;")
    wait_for(lambda: "CONFIRMED" in driver.find_element(By.CSS_SELECTOR, "tr.withdrawal").text, 90,
             "the withdrawal reaching CONFIRMED")
    expect(driver.execute_script("return window.__mirrorNoReload === true;"), "the page was reloaded")


@scenario("operator pages refuse without the token and work with it")
def _():
    driver.get(url("/app/operator"))
    expect(path() == "/app/operator/sign-in", f"/app/operator without a session went to {path()}")
    driver.find_element(By.ID, "admin-token").send_keys("not-the-token", Keys.ENTER)
    wait_for(lambda: "not this server's ADMIN_TOKEN" in driver.page_source, 10, "the refusal")
    driver.get(url("/app/operator/audit"))
    expect(path() == "/app/operator/sign-in", "the audit log opened without a session")
    driver.find_element(By.ID, "admin-token").send_keys(ADMIN_TOKEN, Keys.ENTER)
    wait_for(lambda: h1() == "System status", 10, "the status page")
    expect("copy-trading" in driver.page_source, "no workers listed")
    driver.find_element(By.XPATH, "//button[normalize-space()='Reconcile in-flight orders']").click()
    wait_for(lambda: "Reconciled" in notice(), 10, "the reconcile notice")
    driver.get(url("/app/operator/audit"))
    expect("operator.signed_in" in driver.page_source, "the operator sign-in is not audited")


@scenario("the follow page shows copy drag and the skip funnel with values")
def _():
    driver.get(url("/app/follows"))
    driver.find_element(By.LINK_TEXT, "Copy quality").click()
    wait_for(lambda: h1().startswith("Copy quality"), 10, "the follow page")
    money = re.compile(r"^-?\d+(\.\d{1,6})?$")
    ideal = driver.find_element(By.CSS_SELECTOR, "[data-quality=ideal]").text
    actual = driver.find_element(By.CSS_SELECTOR, "[data-quality=actual]").text
    expect(money.match(ideal) and money.match(actual), f"ideal {ideal!r} / actual {actual!r} are not amounts")
    rows = driver.find_elements(By.CSS_SELECTOR, "table[data-quality=drag] tbody tr")
    causes = [row.find_element(By.TAG_NAME, "th").text for row in rows]
    expect(causes == ["Slippage", "Timing", "Sizing", "Skips", "Fees"], f"drag rows: {causes}")
    values = [row.find_elements(By.TAG_NAME, "td")[0].text for row in rows]
    expect(all(money.match(value) for value in values), f"drag values: {values}")
    expect("Skip funnel" in driver.page_source, "no skip funnel")
    for row in driver.find_elements(By.CSS_SELECTOR, "table[data-quality=skips] tbody tr"):
        cells = [cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
        expect(cells[0].isdigit() and money.match(cells[1]), f"skip funnel row without count and value: {cells}")
    driver.find_element(By.LINK_TEXT, "All time").click()
    wait_for(lambda: "days=all" in driver.current_url, 10, "the all-time window")


PAGES = [
    ("overview", "/app"), ("leaders", "/app/leaders"), ("follows", "/app/follows"), ("activity", "/app/activity"),
    ("positions", "/app/positions"), ("claims", "/app/claims"), ("withdrawals", "/app/withdrawals"),
    ("kill-switch", "/app/kill-switch"), ("notifications", "/app/notifications"),
    ("operator-status", "/app/operator"), ("operator-audit", "/app/operator/audit"),
]


@scenario("webhooks: an endpoint is added (secret shown once), sent a test, and its delivery log shows it")
def _():
    driver.get(url("/app/notifications"))
    expect(h1() == "Notifications", f"the notifications page is titled {h1()!r}")
    field = driver.find_element(By.ID, "webhook-url")
    field.send_keys("http://10.0.0.1/hook", Keys.ENTER)
    wait_for(lambda: "private" in driver.find_element(By.ID, "webhook-url-error").text, 10, "the refusal of a private address")
    field = driver.find_element(By.ID, "webhook-url")
    field.clear()
    field.send_keys("http://127.0.0.1:9/browser-hook")
    driver.find_element(By.CSS_SELECTOR, "input[name='event_copy.digest']").click()
    field.send_keys(Keys.ENTER)
    wait_for(lambda: driver.find_element(By.ID, "webhook-secret").text.startswith("whsec_"), 10, "the secret shown once")
    driver.get(url("/app/notifications"))
    expect(not driver.find_elements(By.ID, "webhook-secret"), "the secret is shown again")
    row = [r for r in driver.find_elements(By.CSS_SELECTOR, "tr.endpoint") if "browser-hook" in r.text][0]
    expect("copy.digest" in row.text, f"the endpoint's events: {row.text}")
    row.find_element(By.XPATH, ".//button[text()='Send test']").click()
    wait_for(lambda: h1() == "Delivery log" and "Test event queued" in notice(), 10, "the delivery log after the test")
    wait_for(lambda: (driver.refresh() or True) and "webhook.test" in driver.find_element(By.CSS_SELECTOR, "tr.delivery").text,
             30, "the test delivery in the log")


@scenario("every page renders at 375 px and desktop width with no console errors; screenshots")
def _():
    extra = []
    driver.get(url("/app/follows"))
    edit = driver.find_elements(By.LINK_TEXT, "Edit settings")
    if edit:
        extra.append(("follow-edit", edit[0].get_attribute("href")[len(BASE):]))
    quality = driver.find_elements(By.LINK_TEXT, "Copy quality")
    if quality:
        extra.append(("follow-quality", quality[0].get_attribute("href")[len(BASE):]))
    driver.get(url("/app/activity"))
    receipts = driver.find_elements(By.CSS_SELECTOR, "tr.attempt a")
    if receipts:
        extra.append(("receipt", receipts[0].get_attribute("href")[len(BASE):]))
    driver.get(url("/app/leaders"))
    follow = [a for a in driver.find_elements(By.CSS_SELECTOR, "a.button") if a.text.startswith("Follow ")]
    if follow:
        extra.append(("follow-new", follow[0].get_attribute("href")[len(BASE):]))
    problems = []
    for name, page in PAGES + extra:
        for width, suffix in ((DESKTOP, ""), (NARROW, "-375")):
            driver.set_window_size(*width)
            driver.get(url(page))
            overflow = driver.execute_script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;")
            if overflow > 1:
                problems.append(f"{page} scrolls sideways by {overflow}px at {width[0]}px")
            height = driver.execute_script("return document.documentElement.scrollHeight;")
            driver.set_window_size(width[0], min(max(height, width[1]), 4000))
            driver.save_screenshot(os.path.join(SHOTS, f"{name}{suffix}.png"))
            errors = console_errors(allow_expected=False)
            if errors:
                problems.append(f"{page}: console errors {errors}")
            # A missing value rendered as Swift's "nil", or a banner with nothing in it.
            if re.search(r"\bnil\b", driver.find_element(By.TAG_NAME, "main").text):
                problems.append(f"{page} shows the word nil")
            empty = [b for b in driver.find_elements(By.CSS_SELECTOR, "main .banner, main .error-box") if not b.text.strip()]
            if empty:
                problems.append(f"{page} has {len(empty)} empty banner(s)")
    driver.set_window_size(*DESKTOP)
    # The signed-out pages, last: sign out, then the sign-in pages.
    driver.get(url("/app"))
    driver.find_element(By.XPATH, "//button[normalize-space()='Sign out']").click()
    wait_for(lambda: path() == "/sign-in", 10, "signing out")
    driver.get(url("/app"))
    expect(path() == "/sign-in", "still signed in after signing out")
    for name, page in (("sign-in", "/sign-in"), ("operator-sign-in", "/app/operator/sign-in")):
        for width, suffix in ((DESKTOP, ""), (NARROW, "-375")):
            driver.set_window_size(*width)
            driver.get(url(page))
            driver.save_screenshot(os.path.join(SHOTS, f"{name}{suffix}.png"))
    driver.set_window_size(*DESKTOP)
    expect(not problems, "; ".join(problems))


driver.quit()
if failures:
    print(f"FAIL: {len(failures)} browser scenario(s): {', '.join(failures)}")
    sys.exit(1)
print(f"PASS: every browser scenario; screenshots in {SHOTS}")
