"""The Voila app driven in headless Chromium, as a manager would use it."""

from __future__ import annotations

import re
import urllib.error
import urllib.request

import pytest
import yaml

from hadr_lib import page_code

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


def test_every_registered_tab_opens_and_shows_its_numbers(page):
    """The tab bar is the registry's (hadr_lib.panels.tabs), in its order, and each tab
    draws the element that shows its numbers."""
    from hadr_lib.panels.tabs import app_tabs

    tabs = app_tabs()
    labels = page.locator(".lm-TabBar-tabLabel").all_inner_texts()
    assert labels == [t.title for t in tabs]
    for tab in tabs[1:] + tabs[:1]:  # the overview, shown first, last: it is drawn again
        assert open_tab(page, tab.title, tab.ready).inner_text().strip(), tab.name
        # Every visible control's words stay in its own row: a checkbox's label once wrapped
        # out of its row and over the slider below ("Ship logs (point-in-time recovery)").
        spilled = page.evaluate("""() => [...document.querySelectorAll(
            '.widget-checkbox, .widget-inline-hbox')].filter(w => w.offsetParent !== null).flatMap(w => {
              const box = w.getBoundingClientRect();
              return [...w.querySelectorAll('label, label span')].filter(l => {
                const r = l.getBoundingClientRect();
                return r.width > 0 && (r.bottom > box.bottom + 1 || r.top < box.top - 1);
              }).map(l => l.textContent);
            })""")
        assert spilled == [], f"{tab.title}: labels out of their rows: {spilled}"


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


def assert_chart_text_inside(page) -> None:
    """No title, tick label, legend entry, point label or annotation of a visible chart is cut by its edges."""
    cut = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')]
      .filter(p => p.offsetParent !== null).flatMap(p => {
        const box = p.querySelector('.main-svg').getBoundingClientRect();
        return [...p.querySelectorAll('.xtick text, .ytick text, .gtitle, .legendtext, .g-xtitle text, .g-ytitle text, .textpoint text, .annotation-text')]
          .map(t => [t.textContent, t.getBoundingClientRect()])
          .filter(([s, r]) => s && r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1 ||
                                                  r.top < box.top - 1 || r.bottom > box.bottom + 1))
          .map(([s]) => s);
      })""")
    assert cut == [], f"chart text cut at the edges: {cut}"


def upload(page, path) -> None:
    """Upload ``path`` with the Overview's upload button, as a person would."""
    with page.expect_file_chooser() as chooser:
        page.locator(".hadr-upload").click()
    chooser.value.set_files(str(path))


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
    # The chart is there, drawn by plotly, nothing cut at its edges.
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)
    assert_chart_text_inside(page)


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
    assert "Multi-AZ PostgreSQL gives 99.9797%, comfortably above the 99.95% target" in verdict.inner_text()
    assert "The load balancer is known only by its provider's SLA" in page.locator(".hadr-advice").inner_text()
    nudge(page, "hadr-architecture-target")  # 99.95% -> 99.99%
    page.wait_for_selector(".hadr-verdict .hadr-status-red", timeout=15_000)
    assert "short of the 99.99% target" in verdict.inner_text()


def test_dr_tab_recommends_in_money(page):
    rec = open_tab(page, "DR strategy", ".hadr-recommendation")
    assert "Recommended: Warm standby + point-in-time backups (AWS), $191,499 a year" in rec.inner_text()
    # Its charts are drawn: the running-cost bars name the recommended strategy.
    wait_for_chart_text(page, "Warm standby + point-in-time")
    wait_for_chart_text(page, "your downtime cost")
    assert_chart_text_inside(page)
    # A desktop page says it is wide: titles a phone wraps take one line here.
    wait_for_chart_text(page, "Total annual cost per DR strategy (USD): running cost + expected losses")
    lines = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot .gtitle')]
        .filter(t => t.getBoundingClientRect().width > 0)
        .map(t => [t.textContent, t.querySelectorAll('tspan.line').length])""")
    assert any(len(text) > 44 for text, _ in lines), lines  # a title a phone would wrap
    assert all(n <= 1 for _, n in lines), lines


def test_slo_tab_warns_when_the_target_is_out_of_reach(page):
    summary = open_tab(page, "SLO", ".hadr-slo-summary")
    assert "A 99.95% SLO over 30 days allows 21.6 minutes of downtime" in summary.inner_text()
    nudge(page, "hadr-slo-target")  # 99.95% -> 99.99%
    wait_for_text(page, ".hadr-slo-summary", "Warning")


def test_drills_tab_shows_recovery_against_the_rto(page):
    summary = open_tab(page, "Drills", ".hadr-drill-summary")
    # first, the workspace's own design against the scenario's RTO for a lost instance
    assert "Fail the load balancer (Multi-AZ PostgreSQL)" in summary.inner_text()
    assert "RTO of 1 hour" in summary.inner_text()
    page.locator(".hadr-drill-part select").select_option(label="the primary database")
    wait_for_text(page, ".hadr-drill-summary", "Recovery takes 1.5 minutes in half the drills")
    page.locator(".hadr-drill-choice select").select_option(label="Lose a region (us-east-1)")
    wait_for_text(page, ".hadr-drill-summary", "RTO of 1 minute in 0% of 5,000 drills")
    wait_for_chart_text(page, "5,000 drills")  # (a title wraps on narrow charts: one line of it)
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
    data = yaml.safe_load(saved.read_text())
    assert saved.name == "ecommerce_shop.yaml" and data["downtime_cost_per_hour"] == 50000
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
    wait_for_text(page, ".hadr-report-link", "Preparing the report")
    nudge(page, "hadr-overview-target")  # 99.95% -> 99.99% while it is prepared: not lost
    page.wait_for_selector(".hadr-overview .hadr-status-red", timeout=15_000)
    link = page.locator(".hadr-report-link a.hadr-download", has_text="HTML")
    link.wait_for(state="visible", timeout=120_000)
    with page.expect_download() as info:
        link.click()
    saved = tmp_path / "report.html"
    info.value.save_as(saved)
    text = saved.read_text()
    assert "<title>HA/DR report: E-commerce shop</title>" in text and "Target: <b>99.99%</b>" in text
    pdf = page.locator(".hadr-report-link a.hadr-report-pdf")
    pdf.wait_for(state="visible", timeout=120_000)
    with page.expect_download() as info:
        pdf.click()
    info.value.save_as(tmp_path / "report.pdf")
    assert info.value.suggested_filename.endswith(".pdf")
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF-")


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


# ------------------------------------------------------------------ one workspace


def test_a_dr_what_if_reaches_the_overview_and_the_download(page, tmp_path):
    open_tab(page, "DR strategy", ".hadr-recommendation")
    readout = page.locator(".hadr-downtime-cost .widget-readout")
    assert readout.inner_text() == "$50,000/h"  # money as money, snapped to a round value
    nudge(page, "hadr-downtime-cost")
    wait_for_text(page, ".hadr-downtime-cost .widget-readout", "$60,000/h")
    wait_for_text(page, ".hadr-break-even", "At $60,000/h of downtime")
    page.locator(".lm-TabBar-tabLabel", has_text="Overview").click()
    wait_for_text(page, ".hadr-overview", "At $60,000 an hour")
    with page.expect_download() as info:
        page.locator("a.hadr-download-scenario").click()
    saved = tmp_path / "mine.yaml"
    info.value.save_as(saved)
    data = yaml.safe_load(saved.read_text())
    assert data["downtime_cost_per_hour"] == 60000
    assert data["architecture"]["name"] == "Multi-AZ PostgreSQL"  # the whole workspace, one file
    # No number on the DR tab is printed in e-notation.
    page.locator(".lm-TabBar-tabLabel", has_text="DR strategy").click()
    text = page.locator(".hadr-app").inner_text()
    assert "e+" not in text and "e-0" not in text


def test_one_target_across_tabs(page):
    nudge(page, "hadr-overview-target")  # 99.95% -> 99.99%
    page.wait_for_selector(".hadr-overview .hadr-status-red", timeout=15_000)
    headline = open_tab(page, "Downtime budget", ".hadr-headline")
    wait_for_text(page, ".hadr-headline", "A target of 99.99%")
    assert "99.99%" in page.locator(".hadr-target .widget-readout").inner_text()
    open_tab(page, "Architecture", ".hadr-verdict")
    wait_for_text(page, ".hadr-verdict", "short of the 99.99% target")
    assert headline is not None


def test_upload_a_scenario_file(page, tmp_path):
    from hadr_lib.scenario import load_scenario

    data = load_scenario("regulated_payments").to_mapping()
    data["name"] = "Uploaded <b>payments</b>"
    path = tmp_path / "payments.yaml"
    path.write_text(yaml.safe_dump(data))
    upload(page, path)
    wait_for_text(page, ".hadr-overview", "Uploaded <b>payments</b>")  # shown as text, not markup
    assert page.locator(".hadr-overview b", has_text="payments").count() == 0 or \
        "Uploaded <b>payments</b>" in page.locator(".hadr-overview").inner_text()
    open_tab(page, "DR strategy", ".hadr-recommendation")
    wait_for_text(page, ".widget-html h3", "Uploaded <b>payments</b>")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ndowntime_cost_per_hour: -5\n")
    page.locator(".lm-TabBar-tabLabel", has_text="Overview").click()
    upload(page, bad)
    wait_for_text(page, ".hadr-message", "Could not open the uploaded file")
    assert "Traceback" not in page.content()


def test_a_link_opens_a_scenario(browser, voila_app):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.goto(voila_app + "?scenario=small_saas", wait_until="domcontentloaded", timeout=60_000)
    wait_for_text(page, ".hadr-overview", "Small SaaS", timeout=60_000)
    page.goto(voila_app + "?scenario=nope", wait_until="domcontentloaded", timeout=60_000)
    wait_for_text(page, ".hadr-notice", "not a shipped scenario", timeout=60_000)
    assert "E-commerce shop" in page.locator(".hadr-overview").inner_text()
    context.close()


def test_the_dr_chart_marks_your_downtime_cost_where_it_is(page):
    """The dashed line and its label sit at the scenario's $50,000/h on the log axis
    (they once sat at $4.7/h, log10 of it)."""
    open_tab(page, "DR strategy", ".hadr-recommendation")
    wait_for_chart_text(page, "your downtime cost")
    wait_for_chart_text(page, "$50,000/h")
    positions = page.evaluate("""() => {
      const plot = [...document.querySelectorAll('.js-plotly-plot')].find(p =>
          [...p.querySelectorAll('.annotation')].some(a => a.textContent.includes('your downtime cost')));
      const line = plot.querySelector('.shapelayer path').getBoundingClientRect();
      const label = [...plot.querySelectorAll('.annotation')].find(
          a => a.textContent.includes('your downtime cost')).getBoundingClientRect();
      const ax = plot._fullLayout.xaxis;
      const box = plot.querySelector('.main-svg').getBoundingClientRect();
      return {line: line.left, label: label.left, label_right: label.right,
              expected: box.left + ax._offset + ax.l2p(Math.log10(50000)),
              wrong: box.left + ax._offset + ax.l2p(Math.log10(4.7))};
    }""")
    assert abs(positions["line"] - positions["expected"]) < 3, positions
    # the label reads away from the line, to the side with room (left of it in the right half)
    assert min(abs(positions["label"] - positions["expected"]),
               abs(positions["label_right"] - positions["expected"])) < 3, positions


def test_usable_on_a_phone(browser, voila_app):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    page = context.new_page()
    page.goto(voila_app, wait_until="domcontentloaded", timeout=60_000)
    page.wait_for_selector(".hadr-overview", timeout=60_000)
    for label, selector in (("Overview", ".hadr-overview"), ("Downtime budget", ".hadr-headline"),
                            ("DR strategy", ".hadr-recommendation"), ("Drills", ".hadr-drill-summary")):
        open_tab(page, label, selector)
        page.wait_for_timeout(300)
        report = page.evaluate("""() => {
          const doc = document.documentElement;
          const tabs = [...document.querySelectorAll('.lm-TabBar-tabLabel')].map(t => {
              const r = t.getBoundingClientRect();
              return {text: t.textContent, cut: t.scrollWidth > t.clientWidth + 1,
                      inside: r.left >= -1 && r.right <= window.innerWidth + 1};});
          const readouts = [...document.querySelectorAll('.widget-readout')].filter(
              r => r.offsetParent !== null).map(r => {
              const b = r.getBoundingClientRect();
              return {text: r.textContent, inside: b.right <= window.innerWidth + 1 && b.width > 10};});
          // Every visible slider and drop-down is on top where it is drawn (not hidden
          // behind a neighbour) and has room.
          const covered = [...document.querySelectorAll('.noUi-target, select')].filter(
              e => e.offsetParent !== null).map(e => {
              e.scrollIntoView({block: 'center'});
              const b = e.getBoundingClientRect();
              const hit = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
              return {what: e.tagName + ' ' + (e.closest('.widget-inline-hbox') || e).innerText.slice(0, 30),
                      ok: b.width > 100 && hit !== null && (e === hit || e.contains(hit))};
          }).filter(x => !x.ok);
          return {scroll: doc.scrollWidth, width: window.innerWidth, tabs, readouts, covered};
        }""")
        assert report["covered"] == [], f"{label}: {report['covered']}"
        assert report["scroll"] <= report["width"] + 1, f"{label}: sideways scroll {report['scroll']}px"
        assert all(t["inside"] and not t["cut"] for t in report["tabs"]), report["tabs"]
        assert all(r["inside"] for r in report["readouts"]), report["readouts"]
        if label == "Downtime budget":  # the tiers' and the target's labels stay on the chart
            wait_for_chart_text(page, "99.999%: ")
            assert_chart_text_inside(page)
        if label == "DR strategy":  # its two charts: legible on a phone
            page.wait_for_selector(".js-plotly-plot .legend", timeout=30_000)
            page.wait_for_timeout(500)
            assert_chart_text_inside(page)  # titles wrapped, no label cut at an edge
            charts = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')]
              .filter(p => p.offsetParent !== null).map(p => {
                const area = p.querySelector('.nsewdrag').getBoundingClientRect();
                const legend = p.querySelector('.legend').getBoundingClientRect();
                const bar = p.querySelector('.modebar-container');
                return {legend_below: legend.top >= area.bottom - 1,
                        toolbar: bar !== null && bar.offsetParent !== null};})""")
            assert len(charts) == 2 and all(c["legend_below"] for c in charts), charts
            assert not any(c["toolbar"] for c in charts), charts  # plotly's toolbar off the titles
    context.close()


def test_drills_controls_have_room(page):
    open_tab(page, "Drills", ".hadr-drill-summary")
    widths = page.evaluate("""() => [...document.querySelectorAll('.noUi-target')].filter(
        s => s.offsetParent !== null).map(s => s.getBoundingClientRect().width)""")
    assert widths and min(widths) > 150, widths
    select = page.locator(".hadr-drill-choice select")
    assert select.evaluate("s => s.scrollWidth <= s.clientWidth + 1")


def test_compare_designs_tab(page):
    sentence = open_tab(page, "Compare designs", ".hadr-compare-sentence")
    assert "of downtime a year against Multi-AZ PostgreSQL" in sentence.inner_text()
    page.locator(".hadr-compare-with select").select_option(label="Single server")
    wait_for_text(page, ".hadr-compare-sentence", "Single server adds 42 hours")
    page.locator(".hadr-compare-adopt").click()
    page.locator(".lm-TabBar-tabLabel", has_text="Overview").click()
    wait_for_text(page, ".hadr-overview", "Single server")


def test_plotly_widget_code_is_fetched_once_not_sent_with_every_chart(browser, voila_app):
    """Served by hadr_lib.serve, a chart's widget state carries a few lines that import
    plotly's bundle from the server (cached), not the 5 MB bundle itself. Plotly's
    JupyterLab extension (a 4.8 MB renderer for figures shown as outputs, which the app
    has none of) is not loaded (voila.json), and the bundle is not fetched while the page
    starts: only once the overview's first control is drawn."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.add_init_script("""new MutationObserver((_, seen) => {
        if (document.querySelector('.hadr-overview-target .noUi-handle')) {
          seen.disconnect(); window.__usable = performance.now();
        }
      }).observe(document, {subtree: true, childList: true});""")
    fetched, frames, renderer = [], [], []
    page.on("request", lambda r: fetched.append(r.url) if "widgetbundle" in r.url else None)
    page.on("request", lambda r: renderer.append(r.url) if "jupyterlab-plotly" in r.url else None)
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(len(f))))
    page.goto(voila_app, wait_until="domcontentloaded", timeout=60_000)
    page.wait_for_selector(".hadr-overview", timeout=60_000)
    open_tab(page, "DR strategy", ".hadr-recommendation")
    wait_for_chart_text(page, "your downtime cost")
    open_tab(page, "Downtime budget", ".hadr-headline")
    page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')]"
                           ".filter(p => p.offsetParent !== null).length >= 1", timeout=30_000)
    assert len(fetched) == 1 and fetched[0].split("?")[0].endswith("/hadr/static/widgetbundle.js")
    assert max(frames) < 1_000_000, "no websocket message carries the bundle"
    assert renderer == [], f"plotly's output renderer was loaded: {renderer}"
    started = page.evaluate("() => performance.getEntriesByType('resource')"
                            ".find(e => e.name.includes('widgetbundle')).startTime")
    assert started > page.evaluate("() => window.__usable"), "plotly fetched while the page starts"
    context.close()


def test_voilas_code_arrives_in_one_script(browser, voila_app):
    """The page fetches Voila's chunks and the widget extensions' in one script
    (hadr_lib.page_code), not one request each; the script is revalidated, not refetched."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url.split("?")[0]))
    page.goto(voila_app, wait_until="domcontentloaded", timeout=60_000)
    page.wait_for_selector(".hadr-overview-target .noUi-handle", timeout=60_000)
    page.wait_for_timeout(1000)  # any chunk asked for once the kernel is connected
    context.close()
    assert errors == [], errors
    assert urls.count(voila_app + page_code.ROUTE) == 1
    own = [u.rsplit("/", 1)[1] for u in urls if re.search(r"/voila/static/\d+\.voila\.js$", u)]
    listed = {(ext, cid) for ext, ids in page_code.EXTENSION_CHUNKS.items() for cid in ids}
    theirs = [u for u in urls if (m := re.search(r"/voila/labextensions/(.+)/static/(\d+)\.\w+\.js$", u))
              and m.group(1) in page_code.EXTENSION_CHUNKS]
    assert own == [], f"Voila chunks fetched one by one (add them to page_code.VOILA_CHUNKS): {own}"
    assert theirs == [], f"extension chunks fetched one by one (page_code.EXTENSION_CHUNKS): {theirs}"
    assert listed  # the check above looked at the extensions the bundle serves
    assert [u for u in urls if "jupyterlab_pygments" in u] == []  # colours for code the app never shows
    with urllib.request.urlopen(voila_app + page_code.ROUTE, timeout=30) as response:
        body, etag = response.read(), response.headers["ETag"]
        assert response.headers["Cache-Control"] == "no-cache"
        assert response.headers["Content-Type"].startswith("text/javascript")
    assert body.startswith(b"(function(){\n") and len(body) > 3_000_000
    request = urllib.request.Request(voila_app + page_code.ROUTE, headers={"If-None-Match": etag})
    try:
        urllib.request.urlopen(request, timeout=30)
        raise AssertionError("an unchanged bundle was sent again")
    except urllib.error.HTTPError as exc:
        assert exc.code == 304


def test_the_page_works_when_the_one_script_does_not_load(browser, voila_app):
    """The bundle is a shortcut: refused, the page fetches each chunk itself and works."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    own: list[str] = []
    page.on("request", lambda r: own.append(r.url) if r.url.endswith(".voila.js") else None)
    page.route("**/" + page_code.ROUTE, lambda route: route.abort())
    page.goto(voila_app, wait_until="domcontentloaded", timeout=60_000)
    headline = open_tab(page, "Downtime budget", ".hadr-headline")
    assert "A target of 99.95% allows 21.9 minutes" in headline.inner_text()
    context.close()
    assert errors == [], errors
    assert len(own) >= 56  # Voila's entry fetched its chunks itself


def test_a_tab_shows_its_numbers_before_plotly_is_loaded(browser, voila_app):
    """plotly's bundle held back: the Downtime budget tab still shows its numbers, a
    target moved meanwhile reaches them, and once plotly arrives the chart draws the
    figure as it is now (the change made while it was loading is not lost)."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    held = []
    page.route("**/widgetbundle.js*", lambda route: held.append(route))
    page.goto(voila_app, wait_until="domcontentloaded", timeout=60_000)
    page.wait_for_selector(".hadr-overview-target .noUi-handle", timeout=60_000)
    headline = open_tab(page, "Downtime budget", ".hadr-headline")
    assert "A target of 99.95% allows 21.9 minutes" in headline.inner_text()
    nudge(page, "hadr-target")
    wait_for_text(page, ".hadr-headline", "A target of 99.99% allows 4.38 minutes")
    assert held, "the page asked for plotly's bundle"
    assert page.locator(".js-plotly-plot").count() == 0  # no chart without plotly
    for route in held:
        route.continue_()
    wait_for_chart_text(page, "target 99.99%")
    assert page.evaluate("() => [...document.querySelectorAll('.js-plotly-plot text')]"
                         ".every(t => !t.textContent.includes('target 99.95%'))")
    context.close()
    assert errors == [], errors


def test_the_architecture_tab_opens_infrastructure_code(page, tmp_path):
    """A Kubernetes manifest uploaded on the Architecture tab becomes the workspace's
    design; what hadr import found is listed under it, as text."""
    from pathlib import Path

    src = Path(__file__).resolve().parent / "fixtures" / "import" / "shop.yaml"
    path = tmp_path / "shop<b>.yaml"
    path.write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    open_tab(page, "Architecture", ".hadr-verdict")
    with page.expect_file_chooser() as chooser:
        page.locator(".hadr-design-upload").click()
    chooser.value.set_files(str(path))
    wait_for_text(page, ".hadr-import-findings", "key spec.replicas is given twice")
    wait_for_text(page, ".hadr-import-findings", "shop<b>.yaml")  # the name as text
    assert page.locator(".hadr-import-findings b", has_text="shop").count() == 0
    wait_for_text(page, ".hadr-verdict", "imported design")
    page.locator(".lm-TabBar-tabLabel", has_text="Overview").click()
    wait_for_text(page, ".hadr-overview", "imported design")
    assert "Traceback" not in page.content()


def test_the_portfolio_tab_sorts_and_opens_a_service_in_the_workspace(page):
    table = open_tab(page, "Portfolio", ".hadr-portfolio-table")
    wait_for_text(page, ".hadr-portfolio-table", "Small SaaS")
    rows = page.locator(".hadr-portfolio-row")
    assert rows.count() == 3
    assert rows.first.inner_text().startswith("● red")  # worst first
    assert "$7,769" in page.locator(".hadr-portfolio-totals").inner_text()
    page.locator(".hadr-portfolio-sort select").select_option(label="Name")
    page.wait_for_function("() => document.querySelector('.hadr-portfolio-row').innerText.includes('E-commerce')",
                           timeout=15_000)
    assert "Regulated payments service" in table.inner_text()
    page.locator(".hadr-portfolio-pick select").select_option(label="Small SaaS")
    page.locator(".hadr-portfolio-open").click()
    wait_for_text(page, ".hadr-overview", "Small SaaS")  # the Overview is brought to the front
    assert page.locator(".hadr-overview").is_visible()


def test_the_address_carries_the_workspace_and_the_browser_keeps_the_last_one(browser, voila_app):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(voila_app + "?scenario=small_saas", wait_until="domcontentloaded", timeout=60_000)
    wait_for_text(page, ".hadr-overview", "Small SaaS", timeout=60_000)
    nudge(page, "hadr-overview-target")  # 99.95% -> 99.99%
    page.wait_for_function("() => location.hash.startsWith('#w=') && !location.search.includes('scenario')",
                           timeout=15_000)
    page.wait_for_function("() => document.querySelector('.hadr-overview-target').innerText.includes('99.99%')",
                           timeout=15_000)
    page.wait_for_timeout(500)  # the address follows the kernel's last change
    shared = page.url
    assert "#w=" in shared
    # A reload restores it (the address's workspace)
    page.reload(wait_until="domcontentloaded", timeout=60_000)
    wait_for_text(page, ".hadr-overview", "Small SaaS", timeout=60_000)
    wait_for_text(page, ".hadr-overview-target", "99.99%")
    # A colleague's browser (another context: nothing stored) opens the shared link as it was
    other = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    other.goto(shared, wait_until="domcontentloaded", timeout=60_000)
    wait_for_text(other, ".hadr-overview", "Small SaaS", timeout=60_000)
    wait_for_text(other, ".hadr-overview-target", "99.99%")
    other.context.close()
    # The same browser without the link opens the last workspace, and says so
    page.goto(voila_app, wait_until="domcontentloaded", timeout=60_000)
    wait_for_text(page, ".hadr-notice", "Your last workspace, Small SaaS, is open again.", timeout=60_000)
    wait_for_text(page, ".hadr-overview-target", "99.99%")
    # A link that is not one of ours is said, with no traceback, and the app still works
    page.goto("about:blank")  # (a change of the hash alone would not load the page again)
    page.goto(voila_app + "#w=AAAA", wait_until="domcontentloaded", timeout=60_000)
    wait_for_text(page, ".hadr-notice", "could not be opened", timeout=60_000)
    assert "Traceback" not in page.content()
    context.close()
    assert errors == [], errors


def test_what_changed_since_last_weeks_file(page, tmp_path):
    from hadr_lib.scenario import load_scenario

    data = load_scenario("ecommerce_shop").to_mapping()
    data["downtime_cost_per_hour"] = 20000
    path = tmp_path / "last_week.yaml"
    path.write_text(yaml.safe_dump(data))
    with page.expect_file_chooser() as chooser:
        page.locator(".hadr-diff-upload").click()
    chooser.value.set_files(str(path))
    wait_for_text(page, ".hadr-diff", "Since last_week.yaml")
    text = page.locator(".hadr-diff").inner_text()
    assert "cost of an hour down: $20,000 -> $50,000" in text and "What follows" in text
