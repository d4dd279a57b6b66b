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


@pytest.mark.parametrize("amount, currency, text", [
    (2.5, "USD", "$2.50"), (0.05, "GBP", "£0.05"), (0.001, "USD", "$0.001"),
    (99.5, "CHF", "99.50 CHF"), (100.4, "USD", "$100"), (50000.0, "USD", "$50,000"),
])
def test_format_money_keeps_cents_of_small_amounts(amount, currency, text):
    assert hl.format_money(amount, currency) == text


@pytest.mark.parametrize("amount, currency, text", [
    (0, "USD", "$0"), (250, "USD", "$250"), (999, "USD", "$999"), (999.6, "USD", "$1k"),
    (1500, "EUR", "€1.5k"), (10_000, "USD", "$10k"), (123_456, "GBP", "£123k"), (999_999, "USD", "$1M"),
    (25e6, "CHF", "25M CHF"), (1e9, "USD", "$1B"), (999.4e9, "USD", "$999B"), (3.2e12, "USD", "$3,200B"),
])
def test_format_money_short_says_a_tick_in_three_digits(amount, currency, text):
    from hadr_lib.formatting import format_money_short

    assert format_money_short(amount, currency) == text


def test_round_steps_are_round_and_cover_the_range():
    from hadr_lib.formatting import round_steps

    assert round_steps(100, 1000) == [100, 150, 200, 250, 300, 400, 500, 600, 750, 1000]
    assert round_steps(0.01, 0.02) == [0.01, 0.015, 0.02]
    steps = round_steps(100, 1e7)
    assert steps[0] == 100 and steps[-1] == 1e7 and 50_000 in steps and 48_977 not in steps
    assert all(b > a for a, b in zip(steps, steps[1:]))
    with pytest.raises(ValueError):
        round_steps(0, 10)


def test_snap_options_keep_the_value_and_label_it():
    from hadr_lib.formatting import format_money, snap_options

    options = snap_options(47_300, 100, 1e6, format_money)
    assert ("$47,300", 47_300) in options and ("$50,000", 50_000) in options
    assert [v for _, v in options] == sorted(v for _, v in options)


@pytest.mark.parametrize("text, value", [("130,000", 130000.0), ("$130,000", 130000.0), ("130000", 130000.0),
                                         (" 1.5e5 ", 150000.0), ("120,000 EUR", 120000.0), ("€2.50", 2.5),
                                         ("0", 0.0)])
def test_parse_money_reads_what_format_money_writes(text, value):
    from hadr_lib.formatting import parse_money

    assert parse_money(text) == value
    assert parse_money(hl.format_money(value, "USD")) == value


@pytest.mark.parametrize("text, message", [("lots", "'lots' is not an amount"),
                                           ("-5", r"'-5' is not an amount in \[0, 1,000,000,000,000\]"),
                                           ("inf", "'inf' is not an amount"), ("1e13", "'1e13' is not an amount in"),
                                           ("", "'' is not an amount")])
def test_parse_money_names_the_field_and_the_value(text, message):
    from hadr_lib.formatting import parse_money

    with pytest.raises(hl.InvalidInputError, match=f"cost: {message}"):
        parse_money(text, "cost")


def test_format_price_keeps_a_unit_prices_digits_in_its_currency():
    from hadr_lib.formatting import format_price

    assert format_price(0.023, "USD") == "$0.023"
    assert format_price(0.0125, "EUR") == "€0.0125"
    assert format_price(0.05, "CHF") == "0.05 CHF"
