"""Values as people type them: amounts, probabilities, dates, times and enum labels.

The one parser behind flags, prompts, deal files and CRM cells. Every function takes text (or a
number) and returns a value or raises `InputError` (a `DealcoachError` and a `ValueError`, so a
Pydantic validator reports it against its field). Nothing else escapes, whatever the string.

Rules, so that every caller reads a value the same way:

- **Amounts**: digits with `,` or spaces between thousands (`800,000`, `800 000`), or European
  `5.000,00` (when both `.` and `,` appear, the later one is the decimal mark; two or more dots are
  thousands marks); `万` (10⁴), `亿` (10⁸), `千`/`k` (10³), `百万`/`m` (10⁶), `千万` (10⁷); Chinese
  numerals (`八十万`, `一点二亿`); a currency as a symbol (`¥ ￥ $ € £`), a code before or after
  (`EUR 5,000`, `5000 usd`) or a word (`元`, `人民币`, `美元`, `欧元`). A single `,` followed by
  exactly three digits is a thousands mark (`5,000` is five thousand); otherwise a single `,` is
  a decimal mark (`5,5`).
- **Probabilities**: `30%`, `百分之三十`, `0.3`, `三成`, `3成`, `七成把握`; plain numbers must be 0..1.
- **Dates**: `2027-03-15`, `2027/3/15`, `2027.3.15`, `2027年3月15日`, `20270315`; with the year last
  (`15/03/2027`) the day comes first, as in most of the world, unless the first number cannot be a
  day-of-month reading but the second can (`03/15/2027` is March 15th); `3月15日` or `3/15` without
  a year is the one nearest today. Relative: `今天 明天 后天 大后天 昨天 前天`, `周二` / `本周二`
  (this week, weeks start on Monday), `下周二`, `上周二`, `3天后`, `两周后`, `一个月后`; a period
  names its last day: `月底` (this month), `下个月`, `年底`, `Q2` (the next Q2 that has not ended;
  `2027Q2`, `Q2 2027`). English: `today`, `tomorrow`, `yesterday`, `tuesday`, `next tuesday`
  (the Tuesday of next week, like 下周二), `in 3 days`, `end of month`, `next month`. Years outside
  1900..2200 are refused.
- **Times**: `14:30`, `10点`, `上午10点`, `下午3点半`, `晚上8点一刻`, `3pm`, `10:30 am`; a date and a
  time together (`下周二上午10点`, `2026-12-03 10:00`, `tomorrow 3pm`, ISO with an offset). A time
  alone is today.
- **Enum values** (`resolve_choice`): the id, or any label in zh, zh-Hant or en, or a part of a label
  written as alternatives (`内部支持者（内线/教练）` answers to `内线` and `教练`), case and width
  ignored; else a unique prefix or part. Several readings: an error listing them; none: an error
  with "did you mean".

"Today" is always a parameter (`today=`), so relative dates are testable and a command can pin it.
cn2an (Chinese numerals) and OpenCC (Traditional labels) are imported only when a value needs them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Iterable, Sequence

from dealcoach.errors import InputError

MIN_YEAR, MAX_YEAR = 1900, 2200
ID_FORM = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # a stable id, as the playbooks write them
MAX_TEXT = 200  # a value longer than this is not a value someone typed

DATE_HINT = "e.g. 2027-03-15, 2027/3/15, 2027年3月15日, 明天, 下周二, 月底, Q2"
AMOUNT_HINT = "e.g. 800000, 800,000, 80万, 1.2亿, ￥800,000, 800k, EUR 5,000"
PROBABILITY_HINT = "use 0..1, a percentage like 30%, or 三成"


# --- text ------------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Full-width to half-width (NFKC: `１２，０００` -> `12,000`, `￥` -> `¥`), trimmed."""
    return unicodedata.normalize("NFKC", text).strip()


def _text_of(value: object, what: str | None) -> str:
    if not isinstance(value, str):
        raise _error(what, f"expected text, got {type(value).__name__}")
    text = normalise(value)
    if len(text) > MAX_TEXT:
        raise _error(what, f"{len(text)} characters is too long for a value")
    return text


def _error(what: str | None, problem: str) -> InputError:
    """The error naming the field (`what`); without it, a validator's caller names the field."""
    return InputError(f"{what}: {problem}" if what else problem)


def _shown(text: str) -> str:
    return repr(_clipped(text))


def _clipped(text: str) -> str:
    return text if len(text) <= 40 else text[:40] + "…"


_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟"
_CN_NUMBER = re.compile(f"[{_CN_DIGITS}点.0-9]+")


def _chinese_number(text: str) -> Decimal | None:
    """`八十` -> 80, `一点二` -> 1.2, `两` -> 2, `3万` -> 30000 (cn2an, imported only here)."""
    if not text or not _CN_NUMBER.fullmatch(text) or not any(c in _CN_DIGITS for c in text):
        return None
    import cn2an  # ~90 ms: only when a value is written in Chinese numerals

    try:
        number = cn2an.cn2an(text.replace("两", "二").replace("〇", "零"), "smart")
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return None
    try:
        return Decimal(str(number))
    except InvalidOperation:
        return None


def _small_count(text: str) -> int | None:
    """A count written `3`, `三`, `两`, `十二`."""
    if text.isascii() and text.isdigit():
        return int(text) if len(text) <= 6 else None
    number = _chinese_number(text)
    if number is None or number != number.to_integral_value() or number > 10**6:
        return None
    return int(number)


# --- amounts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Money:
    amount: float
    currency: str | None  # None: the text did not say


CURRENCY_WORDS: dict[str, str] = {
    "¥": "CNY", "$": "USD", "€": "EUR", "£": "GBP",
    "RMB": "CNY", "人民币": "CNY", "元": "CNY", "块": "CNY", "美元": "USD", "美金": "USD", "欧元": "EUR",
    "英镑": "GBP", "日元": "JPY", "港币": "HKD", "港元": "HKD", "港幣": "HKD", "台币": "TWD", "新台币": "TWD",
    "新台幣": "TWD", "人民幣": "CNY", "歐元": "EUR", "英鎊": "GBP", "塊": "CNY", "US$": "USD", "HK$": "HKD",
    "NT$": "TWD",
}
_SCALES: dict[str, int] = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8, "千": 10**3, "k": 10**3,
                           "百万": 10**6, "百萬": 10**6, "千万": 10**7, "千萬": 10**7, "m": 10**6, "mn": 10**6,
                           "w": 10**4, "bn": 10**9}
_CURRENCY_CODE = re.compile(r"^([A-Za-z]{3})\b\s*|\s*\b([A-Za-z]{3})$")
_WORDS_BY_LENGTH = sorted(CURRENCY_WORDS, key=len, reverse=True)


def parse_currency(value: object, what: str | None = "currency") -> str:
    """`CNY`, `cny`, `RMB`, `人民币`, `￥`, `美元` -> an ISO 4217 code."""
    text = _text_of(value, what)
    code = CURRENCY_WORDS.get(text) or CURRENCY_WORDS.get(text.upper())
    if code:
        return code
    if re.fullmatch(r"[A-Za-z]{3}", text):
        return text.upper()
    raise _error(what, f"{_shown(text)} is not a currency: use a three-letter code like CNY, USD, EUR (or ￥, $, €, 人民币)")


def _take_currency(text: str) -> tuple[str, str | None]:
    currency = None
    for word in _WORDS_BY_LENGTH:
        if text.startswith(word) or text.endswith(word):
            found = CURRENCY_WORDS[word]
            text = text[len(word):] if text.startswith(word) else text[:-len(word)]
            currency = found
            break
    text = text.strip()
    match = _CURRENCY_CODE.search(text)
    if match and not (match.group(2) or "").lower() in ("k", "m", "mn", "bn"):
        code = (match.group(1) or match.group(2)).upper()
        if code.isalpha() and code.lower() not in _SCALES:
            if currency is not None and currency != code:
                raise InputError(f"two currencies in one amount: {currency} and {code}")
            currency = code
            text = (text[match.end():] if match.group(1) else text[:match.start()]).strip()
    if currency is None:  # a symbol after a code or scale: 800k$
        for word in _WORDS_BY_LENGTH:
            if text.endswith(word) and not word.isalpha():
                return text[:-len(word)].strip(), CURRENCY_WORDS[word]
    return text, currency


def _plain_number(text: str) -> Decimal | None:
    """Digits with thousands marks and one decimal mark, by the rules in the module docstring."""
    text = re.sub(r"[\s\u00a0\u2009\u202f'_]", "", text)
    if not re.fullmatch(r"[+-]?[0-9.,]+", text) or not re.search(r"\d", text):
        return None
    sign, body = ("-", text[1:]) if text[0] in "+-" and text[0] == "-" else ("", text.lstrip("+"))
    dots, commas = body.count("."), body.count(",")
    if dots and commas:
        decimal_mark = "." if body.rfind(".") > body.rfind(",") else ","
        thousands = "," if decimal_mark == "." else "."
        if body.count(decimal_mark) > 1:
            return None
        whole, _, fraction = body.partition(decimal_mark)
        if not _grouped(whole, thousands):
            return None
        body = whole.replace(thousands, "") + "." + fraction
    elif commas:
        if commas == 1 and not re.fullmatch(r"\d{1,3},\d{3}", body):
            body = body.replace(",", ".")  # 5,5: a decimal comma
        elif not _grouped(body, ","):
            return None
        else:
            body = body.replace(",", "")
    elif dots > 1:
        if not _grouped(body, "."):
            return None
        body = body.replace(".", "")
    try:
        return Decimal(sign + body)
    except InvalidOperation:
        return None


def _grouped(whole: str, mark: str) -> bool:
    if mark not in whole:
        return bool(re.fullmatch(r"\d+", whole))
    return bool(re.fullmatch(rf"\d{{1,3}}(?:{re.escape(mark)}\d{{3}})+", whole))


def parse_money(value: object, what: str | None = "amount") -> Money:
    """An amount and the currency the text names (None when it names none)."""
    if isinstance(value, bool):
        raise _error(what, f"{value!r} is not an amount ({AMOUNT_HINT})")
    if isinstance(value, (int, float, Decimal)):
        return Money(_finite(Decimal(str(value)), what, str(value)), None)
    text = _text_of(value, what)
    if not text:
        raise _error(what, f"empty ({AMOUNT_HINT})")
    body, currency = _take_currency(text)
    number = _scaled(body)
    if number is None:
        raise _error(what, f"{_shown(text)} is not an amount ({AMOUNT_HINT})")
    return Money(_finite(number, what, text), currency)


def _scaled(body: str) -> Decimal | None:
    body = body.strip()
    scale = 1
    lowered = body.lower()
    for suffix in sorted(_SCALES, key=len, reverse=True):
        if lowered.endswith(suffix) and len(body) > len(suffix):
            head = body[: -len(suffix)].strip()
            if suffix.isalpha() and suffix.isascii() and not re.search(r"[\d.]$", head):
                continue
            body, scale = head, _SCALES[suffix]
            break
    number = _plain_number(body)
    if number is None:
        number = _chinese_number(body)
    if number is None:
        return None
    return number * scale


def _finite(number: Decimal, what: str | None, text: str) -> float:
    if not number.is_finite() or abs(number) > Decimal(10) ** 15:
        raise _error(what, f"{_shown(text)} is out of range (at most 10^15)")
    return float(number)


def parse_amount(value: object, what: str | None = "amount") -> float:
    return parse_money(value, what).amount


def format_amount(amount: float, currency: str | None = None) -> str:
    """`800000.0, "CNY"` -> `800,000 CNY` (what parse_money reads back)."""
    whole = f"{amount:,.2f}".removesuffix(".00")
    return f"{whole} {currency}" if currency else whole


# --- probabilities ---------------------------------------------------------------------------


def parse_probability(value: object, what: str | None = "probability") -> float:
    """0..1: `30%`, `百分之三十`, `0.3`, `三成`, `七成把握`."""
    if isinstance(value, bool):
        raise _error(what, f"{value!r} is not a probability ({PROBABILITY_HINT})")
    if isinstance(value, (int, float, Decimal)):
        number, text = Decimal(str(value)), str(value)
    else:
        text = _text_of(value, what)
        number = _probability_text(re.sub(r"\s+", "", text))
        if number is None:
            raise _error(what, f"{_shown(text)} is not a probability ({PROBABILITY_HINT})")
    if not number.is_finite() or not 0 <= number <= 1:
        shown = text if isinstance(value, (int, float, Decimal)) else _shown(text)
        raise _error(what, f"{shown} is out of range ({PROBABILITY_HINT})")
    return float(round(number, 6))


def _probability_text(text: str) -> Decimal | None:
    text = re.sub(r"(的)?(把握|可能|机会|概率|胜率)$", "", text)
    if text.endswith("%"):
        number = _plain_number(text[:-1]) or _chinese_number(text[:-1])
        return None if number is None else number / 100
    if text.startswith("百分之"):
        number = _plain_number(text[3:]) or _chinese_number(text[3:])
        return None if number is None else number / 100
    match = re.fullmatch(r"(.+?)成(半)?", text)
    if match:
        tenths = _plain_number(match.group(1)) or _chinese_number(match.group(1))
        if tenths is None:
            return None
        return (tenths + (Decimal("0.5") if match.group(2) else 0)) / 10
    return _plain_number(text)


# --- dates -----------------------------------------------------------------------------------

WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
EN_WEEKDAYS = {name: index for index, name in enumerate(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))}
EN_WEEKDAYS.update({name[:3]: index for name, index in list(EN_WEEKDAYS.items())})
EN_WEEKDAYS.update({"tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3})
RELATIVE_DAYS = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "後天": 2, "大后天": 3, "大後天": 3,
                 "昨天": -1, "昨日": -1, "前天": -2, "大前天": -3, "today": 0, "tomorrow": 1, "yesterday": -1,
                 "now": 0, "现在": 0, "現在": 0}
_WEEK = r"(?:周|週|星期|礼拜|禮拜)"


def check_year(day: dt.date, what: str | None) -> dt.date:
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise _error(what, f"the year {day.year} is outside {MIN_YEAR}..{MAX_YEAR}")
    return day


def _make_date(year: int, month: int, day: int, what: str | None, text: str) -> dt.date:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _error(what, f"the year {year} is outside {MIN_YEAR}..{MAX_YEAR}")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise _error(what, f"{_shown(text)} is not a day of the calendar") from None


def _end_of_month(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _error(None, f"the year {year} is outside {MIN_YEAR}..{MAX_YEAR}")
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _add_days(day: dt.date, days: int) -> dt.date:
    try:
        return check_year(day + dt.timedelta(days=days), "date")
    except OverflowError:
        raise _error(None, f"{days} days from {day} is outside {MIN_YEAR}..{MAX_YEAR}") from None


def _nearest(today: dt.date, month: int, day: int, what: str | None, text: str) -> dt.date:
    """Month and day without a year: the one nearest today (a tie goes to the future)."""
    candidates = []
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            candidates.append(dt.date(year, month, day))
        except ValueError:
            continue
    if not candidates:
        raise _error(what, f"{_shown(text)} is not a day of the calendar")
    return min(candidates, key=lambda d: (abs((d - today).days), d < today))


def _quarter_end(year: int, quarter: int) -> dt.date:
    return _end_of_month(year, quarter * 3)


_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_YMD = re.compile(r"(\d{4})\s*[/.年-]\s*(\d{1,2})\s*[/.月-]\s*(\d{1,2})\s*[日号號]?")
_DMY = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})")
_MD = re.compile(r"(\d{1,2})\s*(?:月\s*(\d{1,2})\s*[日号號]?|/(\d{1,2}))")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_EN_MONTHS = {name: index for index, name in enumerate(calendar.month_name) if name} | {
    name: index for index, name in enumerate(calendar.month_abbr) if name}
_EN_MONTHS = {name.lower(): index for name, index in _EN_MONTHS.items()} | {"sept": 9}


def parse_date(value: object, *, today: dt.date | None = None, what: str | None = "date") -> dt.date:
    """A calendar day; see the module docstring for every form read."""
    if isinstance(value, dt.datetime):
        return check_year(value.date(), what)
    if isinstance(value, dt.date):
        return check_year(value, what)
    text = _text_of(value, what)
    today = today or dt.date.today()
    day = _date_text(text, today, what)
    if day is None:
        raise _error(what, f"{_shown(text)} is not a date ({DATE_HINT})")
    return check_year(day, what)


def _date_text(text: str, today: dt.date, what: str | None) -> dt.date | None:
    compact = re.sub(r"\s+", "", text)
    lowered = " ".join(text.lower().split())
    for pattern in (_ISO, _YMD):
        match = pattern.fullmatch(compact)
        if match:
            year, month, day = map(int, match.groups())
            return _make_date(year, month, day, what, text)
    match = _DMY.fullmatch(compact)
    if match:
        first, second, year = map(int, match.groups())
        day, month = (second, first) if first <= 12 < second else (first, second)
        return _make_date(year, month, day, what, text)
    match = _COMPACT.fullmatch(compact)
    if match:
        return _make_date(*map(int, match.groups()), what, text)
    match = _MD.fullmatch(compact)
    if match:
        month, day = int(match.group(1)), int(match.group(2) or match.group(3))
        return _nearest(today, month, day, what, text)
    match = re.fullmatch(r"(\d{4})年(\d{1,2})月(?:底|末)?", compact)
    if match:
        year = int(match.group(1))
        if not MIN_YEAR <= year <= MAX_YEAR or not 1 <= int(match.group(2)) <= 12:
            return _make_date(year, int(match.group(2)), 1, what, text)
        return _end_of_month(year, int(match.group(2)))
    if compact in RELATIVE_DAYS:
        return _add_days(today, RELATIVE_DAYS[compact])
    if lowered in RELATIVE_DAYS:
        return _add_days(today, RELATIVE_DAYS[lowered])
    return _relative(compact, lowered, today, what, text)


def _relative(compact: str, lowered: str, today: dt.date, what: str | None, text: str) -> dt.date | None:
    monday = today - dt.timedelta(days=today.weekday())
    match = re.fullmatch(rf"(上上|下下|上|下|本|这|這|今)?(?:个|個)?{_WEEK}([一二三四五六日天七1-7])", compact)
    if match:
        shift = {"上上": -2, "下下": 2, "上": -1, "下": 1}.get(match.group(1) or "", 0)
        name = match.group(2)
        weekday = int(name) - 1 if name.isdigit() else WEEKDAYS[name]
        return _add_days(monday, shift * 7 + weekday)
    match = re.fullmatch(r"(?:(this|next|last|coming)\s+)?([a-z]+)", lowered)
    if match and match.group(2) in EN_WEEKDAYS:
        shift = {"next": 1, "last": -1}.get(match.group(1) or "", 0)
        return _add_days(monday, shift * 7 + EN_WEEKDAYS[match.group(2)])
    match = re.fullmatch(r"(.+?)(?:个|個)?(天|日|周|週|星期|礼拜|月)(?:后|後|以后|之后|内|內)", compact)
    if match:
        count = _small_count(match.group(1))
        if count is None:
            return None
        if match.group(2) == "月":
            return _add_months(today, count)
        return _add_days(today, count * (1 if match.group(2) in "天日" else 7))
    match = re.fullmatch(r"in\s+(\d{1,6})\s+(day|week|month)s?", lowered)
    if match:
        count = int(match.group(1))
        if match.group(2) == "month":
            return _add_months(today, count)
        return _add_days(today, count * (1 if match.group(2) == "day" else 7))
    months = {"本月": 0, "这个月": 0, "這個月": 0, "月底": 0, "月末": 0, "本月底": 0, "下个月": 1, "下個月": 1,
              "下月": 1, "下月底": 1, "下个月底": 1, "下個月底": 1, "上个月": -1, "上個月": -1, "上月": -1,
              "end of month": 0, "end of the month": 0, "this month": 0, "next month": 1, "end of next month": 1,
              "last month": -1}
    shift = months.get(compact, months.get(lowered))
    if shift is not None:
        first = _add_months(today.replace(day=1), shift)
        return _end_of_month(first.year, first.month)
    years = {"年底": 0, "年末": 0, "今年底": 0, "今年年底": 0, "明年": 1, "明年底": 1, "明年年底": 1,
             "end of year": 0, "end of the year": 0, "this year": 0, "next year": 1}
    shift = years.get(compact, years.get(lowered))
    if shift is not None:
        return _make_date(today.year + shift, 12, 31, what, text)
    match = re.fullmatch(r"(?:(\d{4})年?)?(?:Q|第)([1-4一二三四])(?:季度?)?(?:(\d{4}))?", compact.upper().replace("第", "第"))
    if match is None:
        match = re.fullmatch(r"(?:(\d{4}))?\s*[qQ]([1-4])\s*(\d{4})?", compact)
    if match:
        quarter = int(match.group(2)) if match.group(2).isdigit() else "一二三四".index(match.group(2)) + 1
        year = match.group(1) or match.group(3)
        if year:
            return _make_date(int(year), quarter * 3, 1, what, text) and _quarter_end(int(year), quarter)
        end = _quarter_end(today.year, quarter)
        return end if end >= today else _quarter_end(today.year + 1, quarter)
    match = re.fullmatch(r"(\d{1,2})\s+([a-z]+)\.?,?\s+(\d{4})|([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})", lowered)
    if match:
        if match.group(1):
            day, name, year = int(match.group(1)), match.group(2), int(match.group(3))
        else:
            name, day, year = match.group(4), int(match.group(5)), int(match.group(6))
        if name in _EN_MONTHS:
            return _make_date(year, _EN_MONTHS[name], day, what, text)
    return None


def format_date(day: dt.date) -> str:
    return day.isoformat()


# --- times -----------------------------------------------------------------------------------

_PERIODS = {"凌晨": 0, "早上": 0, "早晨": 0, "上午": 0, "早": 0, "中午": 12, "下午": 12, "傍晚": 12, "晚上": 12,
            "晚": 12, "夜里": 12, "夜裡": 12, "今晚": 12}
_CN_TIME = re.compile(r"(凌晨|早上|早晨|上午|早|中午|下午|傍晚|晚上|晚|夜里|夜裡|今晚)?"
                      r"([0-9零〇一二两三四五六七八九十]{1,3})[点點时時](?:(半)|(一刻)|(三刻)|([0-9零〇一二两三四五六七八九十]{1,3})分?)?(?:钟|鐘)?")
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*([ap]\.?m\.?)?")
_EN_TIME = re.compile(r"(\d{1,2})\s*([ap])\.?m\.?")


def parse_time(value: object, what: str | None = "time") -> dt.time:
    text = _text_of(value, what)
    time = _time_text(re.sub(r"\s+", "", text.lower()))
    if time is None:
        raise _error(what, f"{_shown(text)} is not a time (e.g. 14:30, 下午3点半, 3pm)")
    return time


def _time_text(compact: str) -> dt.time | None:
    if compact in ("中午", "noon", "正午"):
        return dt.time(12)
    match = _CLOCK.fullmatch(compact)
    if match:
        hour, minute, second = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
        return _clock(hour, minute, second, match.group(4))
    match = _EN_TIME.fullmatch(compact)
    if match:
        return _clock(int(match.group(1)), 0, 0, match.group(2) + "m")
    match = _CN_TIME.fullmatch(compact)
    if match:
        period, hour_text = match.group(1), match.group(2)
        hour = _small_count(hour_text)
        minute = 30 if match.group(3) else 15 if match.group(4) else 45 if match.group(5) else \
            (_small_count(match.group(6)) if match.group(6) else 0)
        if hour is None or minute is None or hour > 24 or minute > 59:
            return None
        if period and _PERIODS[period] == 12 and hour < 12 and not (period == "中午" and hour >= 11):
            hour += 12
        if hour == 24:
            hour = 0
        return dt.time(hour, minute)
    return None


def _clock(hour: int, minute: int, second: int, meridiem: str | None) -> dt.time | None:
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem.startswith("p") else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return dt.time(hour, minute, second)


def parse_datetime(value: object, *, today: dt.date | None = None, what: str | None = "date",
                   default_time: dt.time | None = None) -> dt.datetime:
    """A date and a time of day: `下周二上午10点`, `2026-12-03 10:00`, `tomorrow 3pm`, ISO with an offset.

    A date alone is at `default_time` (or midnight); a time alone is today. The result carries an
    offset only when the text gives one (a naive time is the writer's local time)."""
    if isinstance(value, dt.datetime):
        check_year(value.date(), what)
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(check_year(value, what), default_time or dt.time())
    text = _text_of(value, what)
    today = today or dt.date.today()
    iso = _iso_datetime(text, what)
    if iso is not None:
        return iso
    compact = re.sub(r"\s+", "", text.lower())
    for split in _time_splits(text, compact):
        date_part, time_part = split
        time = _time_text(re.sub(r"\s+", "", time_part.lower()))
        if time is None:
            continue
        day = today if not date_part.strip() else _date_text(normalise(date_part), today, what)
        if day is not None:
            return dt.datetime.combine(check_year(day, what), time)
    day = _date_text(text, today, what)
    if day is not None:
        return dt.datetime.combine(check_year(day, what), default_time or dt.time())
    raise _error(what, f"{_shown(text)} is not a date and time "
                     f"(e.g. 2026-12-03 10:00, 下周二上午10点, 明天14:30, tomorrow 3pm)")


def _iso_datetime(text: str, what: str | None) -> dt.datetime | None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?", text):
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise _error(what, f"{_shown(text)} is not a day and time of the calendar") from None
    check_year(moment.date(), what)
    return moment


_TIME_START = re.compile(r"(?:凌晨|早上|早晨|上午|早|中午|下午|傍晚|晚上|晚|夜里|夜裡|今晚|\d{1,2}(?::\d\d|\s*[ap]\.?m)"
                         r"|[0-9零〇一二两三四五六七八九十]{1,3}[点點时時])")


def _time_splits(text: str, compact: str) -> Iterable[tuple[str, str]]:
    """Ways to cut the text into (date, time): at a space, or where a Chinese time-of-day starts."""
    stripped = text.strip()
    if " " in stripped:
        head, _, tail = stripped.rpartition(" ")
        yield head, tail
        first, _, rest = stripped.partition(" ")
        if rest != tail:
            yield first, rest
    for position in range(len(compact)):
        if _TIME_START.match(compact, position):
            yield compact[:position], compact[position:]
    yield "", compact


# --- enum values -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """One value of an enum: its id and every label it answers to (zh, en; zh-Hant is derived)."""

    id: str
    labels: tuple[str, ...] = ()


def _key(text: str) -> str:
    return re.sub(r"[\s_]+", "", normalise(text).casefold()).replace("-", "")


def _variants(label: str) -> list[str]:
    """`内部支持者（内线/教练）` -> the label, `内部支持者`, `内线`, `教练`."""
    label = normalise(label)
    parts = [label]
    outside = re.sub(r"\(.*?\)", "", label).strip()
    if outside and outside != label:
        parts.append(outside)
    for inner in re.findall(r"\((.*?)\)", label):
        parts.extend(p.strip() for p in re.split(r"[/、,;]", inner) if p.strip())
    if "/" in outside:
        parts.extend(p.strip() for p in outside.split("/") if p.strip())
    return parts


def resolve_choice(value: object, choices: Sequence[Choice], what: str | None) -> str:
    """The id of the choice `value` names; see the module docstring for how."""
    from dealcoach.error_text import keyed_error

    text = _text_of(value, what)
    if not text:
        raise keyed_error(InputError, "input.empty_choice", field=what, choices=choices)
    key = _key(text)
    found = _exact(key, choices, traditional=False)
    if not found and not text.isascii():
        found = _exact(key, choices, traditional=True)
    if not found:
        found = [c for c in choices if any(_key(v).startswith(key) for v in [c.id, *_all_variants(c, True)])]
    if not found and len(key) >= 2:
        found = [c for c in choices if any(key in _key(v) for v in _all_variants(c, True))]
    if len(found) == 1:
        return found[0].id
    if found:
        # Chinese readers see the labels they can type, English ones the ids (error_text.choice_label)
        raise keyed_error(InputError, "input.ambiguous_choice", field=what, value=_clipped(text), count=len(found),
                          readings=found[:10])
    names = {_key(v): c for c in choices for v in [c.id, *_all_variants(c, True)]}
    close = difflib.get_close_matches(key, list(names), n=3, cutoff=0.6)
    suggestion = sorted({names[k].id: names[k] for k in close}.values(), key=lambda c: c.id)
    if suggestion:
        raise keyed_error(InputError, "input.unknown_choice_suggest", field=what, value=_clipped(text),
                          suggestions=suggestion, choices=choices)
    raise keyed_error(InputError, "input.unknown_choice", field=what, value=_clipped(text), choices=choices)


def _exact(key: str, choices: Sequence[Choice], traditional: bool) -> list[Choice]:
    return [c for c in choices if key == _key(c.id) or any(key == _key(v) for v in _all_variants(c, traditional))]


def _all_variants(choice: Choice, traditional: bool) -> list[str]:
    variants = [v for label in choice.labels for v in _variants(label)]
    if traditional:
        from dealcoach.i18n import to_traditional  # OpenCC: only for a label typed in Traditional

        variants += [to_traditional(v) for v in variants if not v.isascii()]
    return variants


def message_choices(prefix: str, ids: Iterable[str]) -> list[Choice]:
    """Choices labelled by the UI catalogue's `PREFIX.ID` messages (zh and en)."""
    from dealcoach.messages import MESSAGES

    return [Choice(id, tuple(MESSAGES.get(f"{prefix}.{id}", ()))) for id in ids]
