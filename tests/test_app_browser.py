"""The Voila app driven in headless Chromium, as a manager would use it."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser, voila_app, tmp_path):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    outside: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(
        ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")) else None)
    page.goto(voila_app, wait_until="domcontentloaded", timeout=60_000)
    page.wait_for_selector(".hadr-overview", timeout=60_000)
    page.errors = errors
    yield page
    page.screenshot(path=str(tmp_path / "app.png"), full_page=True)
    context.close()
    assert errors == [], f"errors in the page: {errors}"
    assert outside == [], f"requests that left localhost: {outside}"


def open_tab(page, label: str, selector: str):
    """Click a tab and wait for the element ``selector`` in it; returns its locator."""
    page.locator(".lm-TabBar-tabLabel", has_text=label).click()
    element = page.locator(selector)
    element.wait_for(state="visible", timeout=15_000)
    return element


def nudge(page, slider: str, key: str = "ArrowRight") -> None:
    """Move the slider whose container has class ``slider`` one step with a key."""
    handle = page.locator(f".{slider} .noUi-handle")
    handle.focus()
    handle.press(key)


def wait_for_text(page, selector: str, text: str, timeout: int = 15_000) -> None:
    """Wait until the element ``selector`` exists and shows ``text``."""
    page.wait_for_function(
        "([sel, text]) => { const e = document.querySelector(sel);"
        " return e !== null && e.innerText.includes(text); }", arg=[selector, text], timeout=timeout)


def wait_for_chart_text(page, text: str) -> None:
    """Wait until a plotly chart draws ``text`` (a title, a label)."""
    page.wait_for_function(
        "text => [...document.querySelectorAll('.js-plotly-plot text')]"
        ".some(t => t.textContent.includes(text))", arg=text, timeout=15_000)


def test_app_shows_title_and_budget_and_no_code(page):
    assert page.title() == "HA/DR workbook"
    headline = open_tab(page, "Downtime budget", ".hadr-headline")
    assert page.locator("h1", has_text="HA/DR workbook").is_visible()
    assert "A target of 99.95% allows 21.9 minutes of downtime per month" in headline.inner_text()
    html = page.content()
    for code in ("app_panel(", "from hadr_lib", "import "):
        assert code not in page.locator("body").inner_text()
    assert "Traceback" not in html
    # The chart is there, drawn by plotly.
    page.wait_for_selector(".js-plotly-plot", timeout=30_000)


def test_moving_the_slider_changes_the_downtime(page):
    headline = open_tab(page, "Downtime budget", ".hadr-headline")
    before = headline.inner_text()
    nudge(page, "hadr-target")
    page.wait_for_function(
        "before => document.querySelector('.hadr-headline').innerText !== before",
        arg=before, timeout=15_000)
    after = headline.inner_text()
    assert "A target of 99.99% allows 4.38 minutes of downtime per month" in after
    # The figure followed the slider.
    wait_for_chart_text(page, "target 99.99%")


def test_architecture_tab_shows_a_verdict_that_follows_the_target(page):
    verdict = open_tab(page, "Architecture", ".hadr-verdict")
    assert "Multi-AZ PostgreSQL gives 99.9889%, comfortably above the 99.95% target" in verdict.inner_text()
    assert "load-balancer is known only by its provider's SLA" in page.locator(".hadr-advice").inner_text()
    nudge(page, "hadr-architecture-target")  # 99.95% -> 99.99%
    page.wait_for_selector(".hadr-status-red", timeout=15_000)
    assert "short of the 99.99% target" in verdict.inner_text()


def test_dr_tab_recommends_in_money(page):
    rec = open_tab(page, "DR strategy", ".hadr-recommendation")
    assert "Recommended: Warm standby + point-in-time backups (AWS), $194,206 a year" in rec.inner_text()
    # Its charts are drawn: the running-cost bars name the recommended strategy.
    wait_for_chart_text(page, "Warm standby + point-in-time")


def test_slo_tab_warns_when_the_target_is_out_of_reach(page):
    summary = open_tab(page, "SLO", ".hadr-slo-summary")
    assert "A 99.95% SLO over 30 days allows 21.6 minutes of downtime" in summary.inner_text()
    nudge(page, "hadr-slo-target")  # 99.95% -> 99.99%
    wait_for_text(page, ".hadr-slo-summary", "Warning")


def test_drills_tab_shows_recovery_against_the_rto(page):
    summary = open_tab(page, "Drills", ".hadr-drill-summary")
    assert "Lose a region (us-east-1)" in summary.inner_text()
    assert "RTO of 1 minute in 0% of 5,000 drills" in summary.inner_text()
    wait_for_chart_text(page, "recovery time over 5,000 drills")
    page.locator(".hadr-drill-choice select").select_option(label="Kill an app instance")
    wait_for_text(page, ".hadr-drill-summary", "RTO of 5 minutes in 100%")


def test_overview_verdict_scenario_picker_and_downloads(page, tmp_path):
    overview = page.locator(".hadr-overview")
    overview.wait_for(state="visible", timeout=15_000)
    assert "E-commerce shop: green" in overview.inner_text()
    assert "Warm standby + point-in-time backups (AWS)" in overview.inner_text()
    # The scenario YAML downloads as the file it is.
    with page.expect_download() as info:
        page.locator("a.hadr-download", has_text="scenario").click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.name == "ecommerce_shop.yaml" and "downtime_cost_per_hour: 50000" in saved.read_text()
    # Moving the target changes the verdict.
    nudge(page, "hadr-overview-target")  # 99.95% -> 99.99%
    page.wait_for_selector(".hadr-overview .hadr-status-red", timeout=15_000)
    # Picking another scenario updates the overview and the DR strategy tab.
    page.locator("select").first.select_option(label="Small SaaS")
    wait_for_text(page, ".hadr-overview", "Small SaaS")
    page.locator(".lm-TabBar-tabLabel", has_text="DR strategy").click()
    # The tab is built when first shown, from the scenario picked on the overview.
    wait_for_text(page, ".hadr-recommendation", "Hourly snapshot", timeout=30_000)


def test_report_download_from_the_app(page, tmp_path):
    page.locator(".hadr-overview").wait_for(state="visible", timeout=15_000)
    page.locator(".hadr-report-button").click()
    link = page.locator(".hadr-report-link a.hadr-download")
    link.wait_for(state="visible", timeout=120_000)
    with page.expect_download() as info:
        link.click()
    saved = tmp_path / "report.html"
    info.value.save_as(saved)
    assert "<title>HA/DR report: E-commerce shop</title>" in saved.read_text()


def test_a_report_opens_offline_with_its_charts(browser, tmp_path):
    from hadr_lib.report import build_report

    path = build_report("small_saas", tmp_path)
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    requests, errors = [], []
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://")
                  else (requests.append(route.request.url), route.abort()))
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)
    assert page.locator(".js-plotly-plot").count() >= 5
    assert "Small SaaS" in page.title()
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    context.close()
    assert requests == [] and errors == []


@pytest.mark.parametrize("host, status", [
    ("evil.example", 403), ("evil.example:{port}", 403), ("attacker.localhost.example", 403),
    ("localhost:{port}", 200), ("127.0.0.1:{port}", 200), ("[::1]:{port}", 200),
])
def test_the_app_answers_only_to_local_host_names(voila_app, host, status):
    """DNS rebinding: a page on another site that resolves its own name to 127.0.0.1
    must not reach the app; the Host header is checked against an allow-list."""
    import http.client
    from urllib.parse import urlparse

    port = urlparse(voila_app).port
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/", headers={"Host": host.format(port=port)})
    response = conn.getresponse()
    body = response.read().decode("utf-8", "replace")
    assert response.status == status
    assert "Traceback" not in body
