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
