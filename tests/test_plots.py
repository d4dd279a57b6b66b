import numpy as np
import pytest

import hadr_lib as hl
from hadr_lib.plots import downtime_vs_nines_figure, duration_axis_ticks


def test_downtime_vs_nines_figure():
    fig = downtime_vs_nines_figure("year", 0.9995)
    curve, tiers, target = fig.data
    # The curve is downtime = 10^-nines x year length.
    np.testing.assert_allclose(curve.y, 10.0 ** -np.asarray(curve.x) * 31557600, rtol=1e-12)
    assert fig.layout.yaxis.type == "log"
    assert tiers.text[2] == "99.9%: 8.77 hours"
    assert target.x[0] == pytest.approx(hl.nines(0.9995))
    assert target.y[0] == pytest.approx(0.0005 * 31557600, rel=1e-12)
    assert target.text[0] == "target 99.95%: 4.38 hours"
    assert "365.25 days" in fig.layout.title.text
    # on 1 to 7 nines, labels in the left third read rightwards, in the right third leftwards,
    # between the two centred (on a phone neither edge cuts them, nor do they run into the y
    # axis's labels: test_nines_chart_labels_are_whole_and_apart_on_a_phone draws them)
    assert list(tiers.textposition) == ["top right", "top right", "top center", "top center", "top center",
                                        "top left"]
    assert tiers.cliponaxis is False
    assert target.textposition == ("bottom center",)  # 3.3 nines
    # The 99.99% tier (0.7 nines away) keeps its point, its words in the hover only: the
    # target's label ran into them ("target 99.95%: 4.38 hours99.99%: 52.6 minutes")
    assert tiers.text[3] == "" and tiers.hovertext[3] == "99.99%: 52.6 minutes"
    assert [t for t in tiers.text if t] == [t for i, t in enumerate(tiers.hovertext) if i != 3]
    assert all(downtime_vs_nines_figure("year").data[1].text)  # no target: every tier said
    assert downtime_vs_nines_figure("year", 0.999999).data[2].textposition == ("bottom left",)
    # reading leftwards, the target's label takes two lines (one reached the y axis's labels)
    assert downtime_vs_nines_figure("year", 0.999995).data[2].text == ("target 99.9995%<br>2.63 minutes",)
    assert downtime_vs_nines_figure("year", 0.99995).data[2].text == ("target 99.995%: 26.3 minutes",)
    assert downtime_vs_nines_figure("year", 0.95).data[2].textposition == ("bottom right",)


def test_figure_without_target_and_in_other_periods():
    fig = downtime_vs_nines_figure("month30")
    assert len(fig.data[2].x) == 0
    assert fig.data[1].y[1] == pytest.approx(0.01 * 30 * 86400, rel=1e-12)
    assert "30 days" in fig.layout.title.text


def test_axis_ticks_are_in_human_units():
    vals, text = duration_axis_ticks(30, 4000)
    assert vals == [60, 600, 3600]
    assert text == ["1 min", "10 min", "1 h"]


def test_figure_rejects_bad_period():
    with pytest.raises(hl.InvalidInputError, match="period"):
        downtime_vs_nines_figure("decade")


# ------------------------------------------------------------------ architectures

from hadr_lib.plots import block_diagram_figure, importance_figure, tornado_figure  # noqa: E402


def test_block_diagram_draws_every_component_and_group():
    arch = hl.load_architecture("mongodb_replica_set")
    fig = block_diagram_figure(arch)
    labels, groups = fig.data
    # each part by its label, broken to fit its box; its name in the hover
    assert list(labels.text) == ["the app server<br>in zone A", "the app server<br>in zone B",
                                 "the app server<br>in zone C", "MongoDB node A", "MongoDB node B", "MongoDB node C"]
    assert labels.hovertext[3].startswith("<b>MongoDB node A</b> (mongo-a)<br>")
    # a zone or region by its label, as sentences say it
    assert groups.text == ("in the region", "active-active: any 1 of 3", "in zone A", "in zone B",
                           "in zone C", "replica set software: common cause β =<br>0.02, 2 of 3 needed",
                           "in zone A", "in zone B", "in zone C")
    boxes = [s for s in fig.layout.shapes if s.line.dash != "dot"]
    assert len(boxes) == 6 and len(fig.layout.shapes) == 6 + len(groups.text)  # a dotted frame per group
    # Redundant members are stacked: same x, increasing y; the app servers, then the set.
    assert labels.x[0] == labels.x[1] == labels.x[2] < labels.x[3] == labels.x[4] == labels.x[5]
    assert labels.y[3] < labels.y[4] < labels.y[5]
    # Shading follows importance: the quorum members matter more than the app servers here.
    assert boxes[3].fillcolor != boxes[0].fillcolor


def test_block_diagram_labels_standby_and_series_left_to_right():
    fig = block_diagram_figure(hl.load_architecture("multi_az_postgres"))
    labels, groups = fig.data
    # a long caption on two lines, so it stays inside its frame
    assert ("standby: failover 1.5 minutes, works 99%<br>of the time, synchronous replication"
            in groups.text)
    assert [t.replace("<br>", " ") for t in labels.text] == [
        "the load balancer", "the app server in zone A", "the app server in zone B", "the primary database",
        "the standby database"]
    assert all(len(line) <= 16 for t in labels.text for line in t.split("<br>"))
    assert labels.x[0] < labels.x[1] == labels.x[2] < labels.x[3]  # the app pair side by side


def test_importance_and_tornado_figures():
    arch = hl.load_architecture("multi_az_postgres")
    imp = importance_figure(arch.importance())
    assert imp.data[0].y[0] == "the load balancer"  # its label, as sentences say it
    assert imp.data[0].x[0] == pytest.approx(52.596, rel=1e-3)  # minutes per year
    sens = arch.sensitivity()
    tor = tornado_figure(sens)
    worse, better = tor.data
    assert worse.y[0] == better.y[0] == "the load balancer"  # by its label, as the importance bars
    assert list(sens["label"][:1]) == ["the load balancer"] and list(sens["name"][:1]) == ["load-balancer"]
    base = sens["system_unavailability"].iloc[0] * 365.25 * 1440
    assert worse.base == pytest.approx(base)
    assert worse.x[0] > 0 > better.x[0]
    assert worse.x[0] + base == pytest.approx(sens["system_unavailability_worse"].iloc[0] * 365.25 * 1440)
    # zones, regions and common-cause groups are bars too, said as such
    every = importance_figure(arch.importance(include_groups=True)).data[0]
    assert every.y[1] == "the region" and every.customdata[1] == "if never down"
    assert every.x[1] == pytest.approx(48.0, rel=1e-2)  # 0.1 a year x 8 h, less the overlaps
    assert "zone A" in every.y and every.customdata[0] == "Birnbaum 1"
    assert not any(code in y for y in every.y for code in ("pg-primary", "zone-a", "region-1"))
    groups = importance_figure(hl.load_architecture("three_regions_active_active").importance(
        include_groups=True)).data[0]
    (shared,) = [i for i, y in enumerate(groups.y) if y.endswith("(common cause)")]
    assert groups.customdata[shared] == "if its members failed independently"


def test_user_names_reach_plotly_as_text_not_markup():
    """plotly reads <b>, <a href> and entities in labels: a name shows as typed."""
    from hadr_lib.plots import block_diagram_figure, importance_figure, plot_text

    assert plot_text("a <b>&</b> %{x}") == "a &lt;b&gt;&amp;&lt;/b&gt; %{x}"
    assert plot_text("%{x}", template=True) == "\uff05{x}"
    arch = hl.Architecture(hl.Series((hl.Component("<a href='x'>db</a>", availability=0.999),
                                      hl.Component("app", availability=0.99))), "<i>shop</i>")
    bars = importance_figure(arch.importance()).data[0].y
    assert "&lt;a href='x'&gt;db&lt;/a&gt;" in bars and not any("<a" in y for y in bars)
    fig = block_diagram_figure(arch)
    assert fig.layout.title.text.startswith("&lt;i&gt;shop&lt;/i&gt;")
    assert not any("<a" in t for t in fig.data[0].text)


def test_wrap_label_breaks_at_spaces_within_the_width():
    from hadr_lib.plots import wrap_label

    text = "Total annual cost per DR strategy (USD): running cost + expected losses"
    wrapped = wrap_label(text, 44)
    assert wrapped == "Total annual cost per DR strategy (USD):<br>running cost + expected losses"
    assert all(len(line) <= 44 for line in wrapped.split("<br>")) and wrapped.replace("<br>", " ") == text
    assert wrap_label("short", 44) == "short" and wrap_label("a<br>b c d", 3) == "a<br>b c d"
    assert wrap_label("unbreakable-very-long-word tail", 10) == "unbreakable-very-long-word<br>tail"


def test_compact_titles_fit_a_phone_and_leave_short_ones():
    from hadr_lib.plots import compact_titles

    layout = {"title": {"text": "Total annual cost per DR strategy (USD): running cost + expected losses"},
              "xaxis": {"title": {"text": "cost of downtime per hour (USD), on a log scale"}, "type": "log"},
              "yaxis": {"title": "short"}, "margin": {"t": 40, "l": 70}}
    changes = compact_titles(layout)
    assert changes["title"] == {"text": "Total annual cost per DR strategy (USD):<br>running cost + expected losses"}
    assert changes["xaxis"] == {"title": {"text": "cost of downtime per hour (USD), on a<br>log scale"}}
    assert "yaxis" not in changes
    assert changes["margin"] == {"t": 70, "l": 70}  # room for two lines of title: 30 + 20 + 20
    assert compact_titles({"title": {"text": "Short"}, "xaxis": {"title": {"text": "x"}}}) == {}


def test_importance_bars_say_labels_and_never_share_a_line():
    """Bars are called by labels; a zone whose label does not say it is one says so; two
    parts with one label get their names too (bars on one category line would overlap)."""
    design = {"name": "Twins", "zones": {"z1": {"label": "Dublin", "rate_per_year": 0.5, "mttr_h": 4}},
              "architecture": {"series": [
                  {"zone": "z1", "component": {"name": "db-1", "label": "the database", "availability": 0.999}},
                  {"component": {"name": "db-2", "label": "the database", "availability": 0.998}},
                  {"component": {"name": "web", "availability": 0.9995}}]}}
    arch = hl.load_architecture(design)
    bars = list(importance_figure(arch.importance(include_groups=True)).data[0].y)
    assert sorted(bars) == sorted(["the database [db-1]", "the database [db-2]", "web", "Dublin (zone)"])
    # an unnamed common-cause group is not said to be one twice
    shared = {"name": "x", "architecture": {"common_cause": {"beta": 0.1, "of": [{"parallel": [
        {"component": {"name": "b", "availability": 0.99, "count": 2}}]}]}}}
    arch = hl.load_architecture(shared)
    assert "common cause 1" in list(importance_figure(arch.importance(include_groups=True)).data[0].y)


def test_money_axis_ticks_are_decades_or_1_2_5_steps():
    from hadr_lib.plots import money_axis_ticks

    assert money_axis_ticks(100, 1e7) == ([1e2, 1e3, 1e4, 1e5, 1e6, 1e7], ["$100", "$1k", "$10k", "$100k", "$1M", "$10M"])
    assert money_axis_ticks(3e4, 2e8, "EUR") == ([1e5, 1e6, 1e7, 1e8], ["€100k", "€1M", "€10M", "€100M"])
    assert money_axis_ticks(150, 900) == ([200, 500], ["$200", "$500"])  # under two decades: 1-2-5
    assert money_axis_ticks(1, 1e12)[1] == ["$1", "$100", "$10k", "$1M", "$100M", "$10B", "$1,000B"]  # at most 8
    assert money_axis_ticks(0, 5) == ([], []) and money_axis_ticks(5, 1) == ([], [])
    assert money_axis_ticks(float("nan"), 10) == ([], [])


def test_dr_cost_chart_says_money_on_its_log_axes_and_marks_the_downtime_cost_inside():
    """Ticks are amounts ("$1k", "$10M"), not plotly's "1000", "10k" and minor "2", "5";
    the downtime cost's label sits inside the plot's top on two lines (above it, it met a
    phone's two-line title; on one line it ran off a phone-wide chart's left edge)."""
    from hadr_lib.plots import dr_cost_figure
    from hadr_lib.scenario import load_scenario

    fig = dr_cost_figure(load_scenario("ecommerce_shop"))
    assert fig.layout.xaxis.ticktext == ("$100", "$1k", "$10k", "$100k", "$1M", "$10M")
    assert tuple(fig.layout.xaxis.range) == (2.0, 7.0)
    y = [t for trace in fig.data for t in np.ravel(trace.y) if t > 0]
    assert fig.layout.yaxis.ticktext == ("$100k", "$1M", "$10M", "$100M")
    assert min(fig.layout.yaxis.tickvals) >= min(y) and max(fig.layout.yaxis.tickvals) <= max(y)
    (label,) = fig.layout.annotations
    assert label.text == "your downtime cost<br>$50,000/h"
    assert (label.y, label.yref, label.yanchor) == (1, "paper", "top")
    assert label.x == pytest.approx(np.log10(50_000)) and label.xanchor == "right"  # right half: reads leftwards
    eur = dr_cost_figure(load_scenario("small_saas").replace(currency="EUR"))
    ticks = eur.layout.xaxis.ticktext + eur.layout.yaxis.ticktext
    assert ticks and all(t.startswith("€") for t in ticks), ticks
    assert eur.layout.annotations[0].text == "your downtime cost<br>€1,500/h"


@pytest.mark.browser
@pytest.mark.parametrize("width", [340, 1100])
def test_nines_chart_labels_are_whole_and_apart_on_a_phone(browser, width):
    """Drawn by plotly in Chromium, phone-wide and desktop-wide, for targets from 99% to
    99.99995%: no point label or tick label is cut by the chart's edges or overlaps
    another (a tier's and a target's labels read leftwards into "10 min" and "1 min")."""
    import plotly.io as pio

    page = browser.new_page(viewport={"width": width + 20, "height": 600})
    problems = {}
    for target in (0.99, 0.995, 0.999, 0.9995, 0.9997, 0.9999, 0.99995, 0.99999, 0.999995, 0.999999, 0.9999995):
        html = pio.to_html(downtime_vs_nines_figure("year", target), include_plotlyjs=True, full_html=True,
                           default_width=f"{width}px", config={"displayModeBar": False})
        page.set_content(html)
        page.wait_for_selector(".main-svg .textpoint text")
        found = page.evaluate("""() => {
          const p = document.querySelector('.js-plotly-plot');
          const box = p.querySelector('.main-svg').getBoundingClientRect();
          const ts = [...p.querySelectorAll('.textpoint text, .ytick text, .xtick text')]
            .filter(t => t.textContent).map(t => [t.textContent, t.getBoundingClientRect()]);
          const out = ts.filter(([s, r]) => r.left < box.left - 1 || r.right > box.right + 1).map(([s]) => 'cut: ' + s);
          for (let i = 0; i < ts.length; i++) for (let j = i + 1; j < ts.length; j++) {
            const [a, r] = ts[i], [b, q] = ts[j];
            if (r.left < q.right - 1 && q.left < r.right - 1 && r.top < q.bottom - 1 && q.top < r.bottom - 1)
              out.push(a + ' over ' + b);
          }
          return out;}""")
        if found:
            problems[target] = found
    page.close()
    assert problems == {}, problems
