import numpy as np
import pytest

import hadr_lib as hl


def test_downtime_table_values_and_basis():
    t = hl.downtime_table()
    assert list(t.columns) == ["nines", "year", "quarter", "month", "week", "day"]
    assert t.loc[0.999, "year"] == pytest.approx(31557.6, rel=1e-12)
    assert t.loc[0.9999, "month"] == pytest.approx(262.98, rel=1e-12)
    assert t.loc[0.99999, "nines"] == pytest.approx(5.0, rel=1e-12)
    assert t.attrs["basis"]["month"] == "1/12 of a 365.25-day year, 30.44 days"


def test_downtime_table_in_words_has_the_correct_tiers():
    words = hl.format_downtime_table(hl.downtime_table())
    assert words.loc["99%", "year"] == "3.65 days"
    assert words.loc["99.9%", "year"] == "8.77 hours"
    assert words.loc["99.99%", "year"] == "52.6 minutes"
    assert words.loc["99.999%", "year"] == "5.26 minutes"
    assert words.loc["99.9%", "month"] == "43.8 minutes"


def test_downtime_table_vectorised_over_many_availabilities():
    a = np.linspace(0.9, 0.99999, 10_001)
    t = hl.downtime_table(a, periods=("year", "month30"))
    np.testing.assert_allclose(t["month30"].to_numpy(), (1 - a) * 30 * 86400, rtol=1e-9)


def test_downtime_table_rejects_bad_input():
    with pytest.raises(hl.InvalidInputError, match=r"availability: 1\.2 is not in \[0, 1\]"):
        hl.downtime_table([0.9, 1.2])
    with pytest.raises(hl.InvalidInputError, match="availabilities"):
        hl.downtime_table([])
    with pytest.raises(hl.InvalidInputError, match="period: 'fortnight'"):
        hl.downtime_table([0.9], periods=("fortnight",))


def test_seed_article_table_is_off_by_about_60():
    cmp = hl.seed_article_comparison()
    assert list(cmp["availability"]) == ["99%", "99.9%", "99.99%", "99.999%"]
    assert list(cmp["correct"]) == ["3.65 days", "8.77 hours", "52.6 minutes", "5.26 minutes"]
    # 99.9%: 8.77 h printed as 8.8 min; the 99% row is off by 100, not 60.
    assert list(cmp["off by"]) == [100.0, 59.8, 60.0, 60.0]


def test_summaries():
    assert hl.target_summary(0.9995, "month") == (
        "A target of 99.95% allows 21.9 minutes of downtime per month "
        "(1/12 of a 365.25-day year, 30.44 days).")
    assert hl.target_summary(0.999, "month30") == (
        "A target of 99.9% allows 43.2 minutes of downtime per month30 (30 days).")
    assert hl.budget_summary(3600, "year") == (
        "1 hour of downtime per year (365.25 days) needs an availability of at least "
        "99.98859% (3.94 nines).")
    a = hl.required_availability(43.2 * 60, "month30")
    assert a.unavailability == pytest.approx(0.001, rel=1e-12)
