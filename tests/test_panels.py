"""The widget panels, driven from Python as a slider move would drive them."""

import pytest

from hadr_lib import InvalidInputError
from hadr_lib.panels import DowntimeBudgetPanel, app_panel


def test_panel_starts_from_its_parameters():
    p = DowntimeBudgetPanel(0.9995, "month", budget_minutes=30, budget_period="month")
    assert "21.9 minutes" in p.headline.value
    assert "99.95%" in p.headline.value
    assert "99.93155%" in p.required.value
    assert p.figure.data[2].text == ("target 99.95%: 21.9 minutes",)
    assert p.message.value == ""


def test_moving_the_controls_updates_in_place():
    p = DowntimeBudgetPanel(0.9995, "month")
    fig = p.figure
    p.target.value = 0.999
    assert "43.8 minutes" in p.headline.value
    assert p.figure is fig  # updated in place, not rebuilt
    assert fig.data[2].text == ("target 99.9%: 43.8 minutes",)
    p.period.value = "year"
    assert "8.77 hours" in p.headline.value
    assert "365.25 days" in fig.layout.title.text
    p.budget_period.value = "year"
    p.budget.value = 60
    assert "99.98859%" in p.required.value


def test_a_target_off_the_presets_is_offered():
    p = DowntimeBudgetPanel(0.99971, "year")
    assert p.target.value == 0.99971
    assert "99.971%" in p.target.label


@pytest.mark.parametrize("kwargs, field", [
    ({"target": 1.3}, "target: 1.3"),
    ({"period": "decade"}, "period: 'decade'"),
    ({"budget_period": "decade"}, "budget_period: 'decade'"),
    ({"budget_minutes": -5}, "budget_minutes: -5"),
    ({"budget_minutes": 50000, "budget_period": "month"}, "budget_minutes: 50000"),
    ({"year_days": 0}, "year_days: 0"),
])
def test_bad_parameters_are_named(kwargs, field):
    with pytest.raises(InvalidInputError, match=f"^{field}"):
        DowntimeBudgetPanel(**kwargs)


def test_callback_errors_are_shown_not_lost(monkeypatch):
    p = DowntimeBudgetPanel()

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("hadr_lib.panels.target_summary", broken)
    p.target.value = 0.99
    assert "Could not update: boom" in p.message.value


def test_app_panel_has_the_budget_tab():
    app = app_panel(0.999, "year")
    assert app.children[1].get_title(0) == "Downtime budget"
    assert "8.77 hours" in app.panels["budget"].headline.value
