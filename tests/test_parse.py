"""The one parser of typed values: amounts, probabilities, dates, times and enum labels."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dealcoach import parse
from dealcoach.errors import InputError
from dealcoach.parse import Choice, Money

TODAY = dt.date(2026, 12, 1)  # a Tuesday


@pytest.mark.parametrize("text, amount, currency", [
    ("800000", 800000, None), ("800,000", 800000, None), ("800 000", 800000, None), ("80万", 800000, None),
    ("1.2亿", 120000000, None), ("￥800,000", 800000, "CNY"), ("¥800,000", 800000, "CNY"), ("800k", 800000, None),
    ("EUR 5,000", 5000, "EUR"), ("5.000,00 €", 5000, "EUR"), ("八十万", 800000, None), ("一点二亿", 120000000, None),
    ("80万元", 800000, "CNY"), ("人民币80万", 800000, "CNY"), ("5000 usd", 5000, "USD"), ("$1.5m", 1500000, "USD"),
    ("１２，０００", 12000, None), ("1.234.567", 1234567, None), ("5,5", 5.5, None), ("12.5万", 125000, None),
])
def test_amounts_as_people_type_them(text, amount, currency):
    assert parse.parse_money(text) == Money(amount, currency)


@pytest.mark.parametrize("text", ["abc", "80万万x", "1,23,4", "5.000,00,00", "nan", "inf", "1e400", "--5", "EUR 5 USD",
                                  "1" * 30])
def test_what_is_not_an_amount_is_one_clear_error(text):
    with pytest.raises(InputError, match=r"^amount: .*(not an amount|out of range|two currencies)"):
        parse.parse_money(text)


@pytest.mark.parametrize("text, value", [
    ("30%", 0.3), ("0.3", 0.3), ("三成", 0.3), ("七成把握", 0.7), ("3成", 0.3), ("百分之三十", 0.3), ("七成半", 0.75),
    ("１００％", 1.0), (0.25, 0.25), (1, 1.0),
])
def test_probabilities(text, value):
    assert parse.parse_probability(text) == value


@pytest.mark.parametrize("text", ["30", "1.5", "-10%", "十一成", "maybe", True])
def test_probabilities_out_of_range_or_unreadable(text):
    with pytest.raises(InputError, match="^probability: "):
        parse.parse_probability(text)


@pytest.mark.parametrize("text, day", [
    ("2027-03-15", "2027-03-15"), ("2027/3/15", "2027-03-15"), ("2027.3.15", "2027-03-15"),
    ("2027年3月15日", "2027-03-15"), ("20270315", "2027-03-15"), ("3月15日", "2027-03-15"), ("11月20日", "2026-11-20"),
    ("15/03/2027", "2027-03-15"), ("03/15/2027", "2027-03-15"), ("04/03/2027", "2027-03-04"),  # day first
    ("今天", "2026-12-01"), ("明天", "2026-12-02"), ("后天", "2026-12-03"), ("昨天", "2026-11-30"),
    ("下周二", "2026-12-08"), ("周五", "2026-12-04"), ("上周一", "2026-11-23"), ("下星期天", "2026-12-13"),
    ("月底", "2026-12-31"), ("下个月", "2027-01-31"), ("年底", "2026-12-31"), ("Q2", "2027-06-30"), ("Q4", "2026-12-31"),
    ("2027Q1", "2027-03-31"), ("Q3 2027", "2027-09-30"), ("3天后", "2026-12-04"), ("两周后", "2026-12-15"),
    ("一个月后", "2027-01-01"), ("tomorrow", "2026-12-02"), ("next tuesday", "2026-12-08"), ("Friday", "2026-12-04"),
    ("in 10 days", "2026-12-11"), ("end of month", "2026-12-31"), ("March 15, 2027", "2027-03-15"),
    ("15 Mar 2027", "2027-03-15"), ("２０２７－０３－１５", "2027-03-15"),
])
def test_dates(text, day):
    assert parse.parse_date(text, today=TODAY) == dt.date.fromisoformat(day)


@pytest.mark.parametrize("text, problem", [
    ("9999-12-31", "the year 9999 is outside 1900..2200"), ("1800-01-01", "the year 1800 is outside"),
    ("2027-02-30", "is not a day of the calendar"), ("soon", "is not a date"), ("下周八", "is not a date"),
    ("13/13/2027", "is not a day of the calendar"),
])
def test_bad_dates_name_the_field(text, problem):
    with pytest.raises(InputError, match=f"^expected close: .*{problem}"):
        parse.parse_date(text, today=TODAY, what="expected close")


@pytest.mark.parametrize("text, moment", [
    ("下周二上午10点", "2026-12-08 10:00"), ("下午3点半", "2026-12-01 15:30"), ("14:30", "2026-12-01 14:30"),
    ("2026-12-03 10:00", "2026-12-03 10:00"), ("明天 14:30", "2026-12-02 14:30"), ("明天下午两点", "2026-12-02 14:00"),
    ("tomorrow 3pm", "2026-12-02 15:00"), ("晚上8点一刻", "2026-12-01 20:15"), ("2026-11-20T10:00", "2026-11-20 10:00"),
    ("3月5日上午9点", "2027-03-05 09:00"), ("2026/12/3 10:30 am", "2026-12-03 10:30"), ("中午12点", "2026-12-01 12:00"),
])
def test_datetimes(text, moment):
    assert parse.parse_datetime(text, today=TODAY) == dt.datetime.fromisoformat(moment)


def test_a_datetime_keeps_the_offset_it_was_given():
    moment = parse.parse_datetime("2026-11-20T10:00:00+08:00", today=TODAY)
    assert moment.utcoffset() == dt.timedelta(hours=8)
    with pytest.raises(InputError, match="the year 9999 is outside"):
        parse.parse_datetime("9999-12-31T23:30:00-05:00", today=TODAY)


INFLUENCE = [Choice("high", ("高", "high")), Choice("medium", ("中", "medium")), Choice("low", ("低", "low"))]
ROLES = [Choice("insider", ("内部支持者（内线/教练）", "Insider")), Choice("coach-buyer", ("教练买家", "Coach buyer")),
         Choice("decision-maker", ("核心决策者", "Core decision maker")),
         Choice("advisor", ("辅助决策者", "Advisor to the decision maker"))]


@pytest.mark.parametrize("text, choices, expected", [
    ("高", INFLUENCE, "high"), ("HIGH", INFLUENCE, "high"), ("high", INFLUENCE, "high"), ("ｈｉｇｈ", INFLUENCE, "high"),
    ("内线", ROLES, "insider"), ("教练", ROLES, "insider"), ("教練", ROLES, "insider"), ("核心决策者", ROLES, "decision-maker"),
    ("內部支持者", ROLES, "insider"), ("coach buyer", ROLES, "coach-buyer"), ("coach-buyer", ROLES, "coach-buyer"),
])
def test_enum_values_by_id_or_any_label(text, choices, expected):
    assert parse.resolve_choice(text, choices, "role") == expected


def test_an_ambiguous_label_lists_the_readings():
    with pytest.raises(InputError) as caught:
        parse.resolve_choice("决策者", ROLES, "role")
    assert str(caught.value) == ("role: '决策者' could be 2 things: decision-maker (核心决策者/Core decision maker); "
                                 "advisor (辅助决策者/Advisor to the decision maker); type more of it or the id")


def test_an_unknown_label_says_did_you_mean():
    with pytest.raises(InputError, match=r"^influence: unknown value 'hihg'; did you mean high\?"):
        parse.resolve_choice("hihg", INFLUENCE, "influence")


def test_labels_come_from_the_message_catalogue():
    kinds = parse.message_choices("kind", ("call", "visit", "email"))
    assert parse.resolve_choice("电话", kinds, "kind") == "call"
    assert parse.resolve_choice("電話", kinds, "kind") == "call"


# --- properties ------------------------------------------------------------------------------

amounts = st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False, allow_infinity=False)


@given(amounts, st.sampled_from([None, "CNY", "USD", "EUR"]))
def test_a_formatted_amount_reads_back(amount, currency):
    text = parse.format_amount(float(amount), currency)
    assert parse.parse_money(text) == Money(float(amount), currency)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_a_formatted_date_reads_back(day):
    assert parse.parse_date(parse.format_date(day), today=TODAY) == day
    assert parse.parse_date(f"{day.year}年{day.month}月{day.day}日", today=TODAY) == day
    assert parse.parse_date(f"{day.year}/{day.month}/{day.day}", today=TODAY) == day


@settings(max_examples=300)
@given(st.text(max_size=40) | st.from_regex(r"[0-9.,万亿%成年月日周下后天 :点半QqEUR$￥-]{1,16}", fullmatch=True))
def test_no_string_raises_anything_but_the_projects_error(text):
    for read in (parse.parse_money, parse.parse_probability, parse.parse_currency, parse.parse_time,
                 lambda t: parse.parse_date(t, today=TODAY), lambda t: parse.parse_datetime(t, today=TODAY),
                 lambda t: parse.resolve_choice(t, ROLES, "role")):
        try:
            read(text)
        except InputError as error:
            assert "\n" not in str(error)
