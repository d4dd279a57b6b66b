import pytest

import hadr_lib as hl


@pytest.mark.parametrize("seconds, text", [
    (0, "0 seconds"),
    (8.64e-5, "86.4 microseconds"),
    (0.5, "500 milliseconds"),
    (1, "1 second"),
    (43.2, "43.2 seconds"),
    (60, "1 minute"),
    (2629.8, "43.8 minutes"),
    (31557.6, "8.77 hours"),
    (36 * 3600, "36 hours"),
    (315576, "3.65 days"),
    (86400 * 3650, "3,650 days"),
])
def test_format_duration(seconds, text):
    assert hl.format_duration(seconds) == text


@pytest.mark.parametrize("bad", [-1, float("nan"), float("inf")])
def test_format_duration_rejects(bad):
    with pytest.raises(hl.InvalidInputError, match="seconds"):
        hl.format_duration(bad)


@pytest.mark.parametrize("availability, text", [
    (0.99, "99%"),
    (0.9995, "99.95%"),
    (0.9, "90%"),
    (0.0, "0%"),
    (1.0, "100%"),
])
def test_format_percent(availability, text):
    assert hl.format_percent(availability) == text


def test_format_percent_shows_what_matters_of_composites():
    assert hl.format_percent(hl.series([0.9999, 0.99999, 0.99])) == "98.99%"
    # Azure worked examples (facts.md)
    assert hl.format_percent(hl.series([0.9995, 0.9999])) == "99.94%"
    assert hl.format_percent(hl.parallel([0.9995, 0.9995])) == "99.999975%"
    assert hl.format_percent(hl.parallel([0.9999, 0.999])) == "99.99999%"
    # Tiny unavailability is still visible, not rounded to 100%.
    assert hl.format_percent(hl.parallel([0.9999] * 5)) == "99.999999999999999999%"


@pytest.mark.parametrize("amount, currency, text", [
    (267331.4, "USD", "$267,331"), (0, "EUR", "€0"), (1200, "CHF", "1,200 CHF"),
])
def test_format_money(amount, currency, text):
    assert hl.format_money(amount, currency) == text
