"""大写金额 (Chinese uppercase money), as printed in 价税合计（大写）, both ways.

Written following the national convention for 票据 and invoices (中国人民银行《支付结算办法》附件
《正确填写票据和结算凭证的基本规定》, as applied by the VAT invoicing systems):

* digits 壹贰叁肆伍陆柒捌玖, units 拾佰仟, groups 万 and 亿, 圆 (元 accepted on input), 角, 分;
* 整 after 圆 when there are neither 角 nor 分 (``贰佰伍拾圆整``); none after 角 or 分
  (``贰圆壹角贰分``, ``壹拾圆伍角``), as the 数电 platform prints them;
* one 零 for a run of internal zeros (``壹万零壹圆整``, ``壹仟零壹万圆整``, ``壹亿零壹圆整``), none
  when a group's own 仟 digit follows a zero 万 position (``壹拾万柒仟圆整``); 零 after 圆 when
  角 is zero but 分 is not (``壹佰零伍圆零伍分``); no 零 when only 元位 is zero
  (``壹仟陆佰捌拾圆叁角贰分``); 拾 at the start is written 壹拾 (``壹拾伍圆整``);
* red invoices carry a negative prefix: ``负数`` here; ``（负数）`` (数电 XML) and ``⊗`` (legacy
  printers) are read too.

Reading is lenient about form (spaces, full-width brackets, traditional characters 圓貳參陸萬億負數,
元 for 圆, 正 for 整, ``零角``, a missing 零, a leading bare 拾, a ``人民币`` prefix) and strict
about value: a 零 that skips no position, units out of order or a stray character is an error.
两, 〇 and the small-writing digits are refused, as the convention requires.

Limit: ±9999亿9999万9999圆9角9分 (999,999,999,999.99).  Larger amounts (万亿 and above) raise
:class:`AmountError`.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from fapiao.core.amounts.money import CENT, MONEY_CONTEXT
from fapiao.core.errors import AmountError

MAX_AMOUNT = Decimal("999999999999.99")
"""The largest amount (in absolute value) written or read: 9999亿9999万9999圆9角9分."""

DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_GROUPS = ((100_000_000, "亿"), (10_000, "万"), (1, ""))

_VARIANTS = str.maketrans(
    {
        "元": "圆",
        "圓": "圆",
        "貳": "贰",
        "參": "叁",
        "叄": "叁",
        "陸": "陆",
        "萬": "万",
        "億": "亿",
        "正": "整",
        "負": "负",
        "數": "数",
    }
)
_NEGATIVE_PREFIXES = ("(负数)", "负数", "⊗", "负")
_DIGIT_VALUES = {c: i for i, c in enumerate(DIGITS) if i}
_SMALL_EXPONENTS = {"拾": 1, "佰": 2, "仟": 3}
_FRACTION_EXPONENTS = {"角": -1, "分": -2}

# Item lists hold (digit, exponent of ten) pairs, and None for a 零 between two digits.


def to_uppercase(amount: Decimal | int, *, negative_prefix: str = "负数") -> str:
    """The 大写 form of an amount: ``Decimal("10001")`` -> ``壹万零壹圆整``."""
    cents = _to_cents(amount)
    if cents == 0:
        return "零圆整"
    yuan, rest = divmod(abs(cents), 100)
    jiao, fen = divmod(rest, 10)
    parts = [negative_prefix] if cents < 0 else []
    if yuan:
        parts.append(_integer_text(yuan) + "圆")
    if jiao:
        parts.append(DIGITS[jiao] + "角")
    elif fen and yuan:
        parts.append("零")
    if fen:
        parts.append(DIGITS[fen] + "分")
    elif not jiao:
        parts.append("整")
    return "".join(parts)


def _to_cents(amount: Decimal | int) -> int:
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
        raise TypeError(f"amount must be Decimal or int, not {type(amount).__name__}")
    value = Decimal(amount)
    if not value.is_finite():
        raise AmountError(
            f"金额不是有限数：{amount}", f"The amount is not a finite number: {amount}"
        )
    if value.copy_abs() > MAX_AMOUNT:
        raise AmountError(
            f"金额 {amount} 超出大写金额的上限 {MAX_AMOUNT}",
            f"The amount {amount} exceeds the uppercase limit {MAX_AMOUNT}",
        )
    cents = value.quantize(CENT, context=MONEY_CONTEXT)
    if cents != value:
        raise AmountError(
            f"金额 {amount} 超过两位小数，无法写成大写",
            f"The amount {amount} has more than two decimals and cannot be written in words",
        )
    return int(cents.scaleb(2, context=MONEY_CONTEXT))


def _integer_text(yuan: int) -> str:
    out: list[str] = []
    zero = False
    for size, group_unit in _GROUPS:
        group = yuan // size % 10_000
        if group == 0:
            zero = zero or bool(out)
            continue
        for exponent in (3, 2, 1, 0):
            digit = group // 10**exponent % 10
            if digit == 0:
                zero = zero or bool(out)
                continue
            if zero:
                out.append("零")
                zero = False
            out.append(DIGITS[digit] + _SMALL_UNITS[exponent])
        out.append(group_unit)
        zero = False
    return "".join(out)


def from_uppercase(text: str) -> Decimal:
    """The amount a 大写 text stands for: ``（负数）壹万零壹圆整`` -> ``Decimal("-10001.00")``."""
    body, negative = _normalise(text)
    integer_text, has_yuan, fraction_text = body.partition("圆")
    if not has_yuan:
        integer_text, fraction_text = "", integer_text
    elif not integer_text:
        raise _unreadable(text, "圆前没有数字", "no digits before 圆")
    items: list[tuple[int, int] | None] = []
    if integer_text == "零":
        items.append((0, 0))
    elif integer_text:
        items.extend(_integer_items(text, integer_text))
    items.extend(_fraction_items(text, fraction_text))
    cents = _value(text, items)
    result = Decimal(cents).scaleb(-2, context=MONEY_CONTEXT)
    return result.copy_negate() if negative and cents else result


def _normalise(text: str) -> tuple[str, bool]:
    body = "".join(unicodedata.normalize("NFKC", text).split()).translate(_VARIANTS)
    body = body.removeprefix("人民币")
    negative = False
    for prefix in _NEGATIVE_PREFIXES:
        if body.startswith(prefix):
            body, negative = body[len(prefix) :], True
            break
    body = body.removeprefix("人民币").removesuffix("整")
    if not body:
        raise _unreadable(text, "没有金额", "no amount")
    return body, negative


def _integer_items(text: str, integer_text: str) -> list[tuple[int, int] | None]:
    """Digits with their absolute exponents (10^n) and 零 marks, of the part before 圆."""
    high, has_yi, rest = (
        integer_text.rpartition("亿") if "亿" in integer_text else ("", "", integer_text)
    )
    if "亿" in high or "万" in high:
        raise AmountError(
            f"大写金额 {text!r} 超出上限（最大 9999亿9999万9999圆9角9分）",
            f"The uppercase amount {text!r} exceeds the limit (at most 999,999,999,999.99)",
        )
    middle, has_wan, low = rest.rpartition("万") if "万" in rest else ("", "", rest)
    if "万" in middle:
        raise _unreadable(text, "万 重复", "万 appears twice")
    items: list[tuple[int, int] | None] = []
    sections = ((high, 8, has_yi), (middle, 4, has_wan), (low, 0, True))
    for section, base, present in sections:
        if section:
            items.extend(_section_items(text, section, base, first=not items))
        elif present and base:
            raise _unreadable(text, "亿或万前没有数字", "no digits before 亿 or 万")
    return items


def _section_items(
    text: str, section: str, base: int, *, first: bool
) -> list[tuple[int, int] | None]:
    """One group of up to four digits (仟佰拾个) before 亿, 万 or 圆."""
    items: list[tuple[int, int] | None] = []
    last = 4
    i = 0
    while i < len(section):
        char = section[i]
        i += 1
        if char == "零":
            items.append(None)
            continue
        if char == "拾" and first and not items:
            digit = 1
            exponent = 1
        elif char in _DIGIT_VALUES:
            digit = _DIGIT_VALUES[char]
            exponent = 0
            if i < len(section) and section[i] in _SMALL_EXPONENTS:
                exponent = _SMALL_EXPONENTS[section[i]]
                i += 1
        else:
            raise _unreadable(text, f"意外的字符 {char!r}", f"unexpected character {char!r}")
        if exponent >= last:
            raise _unreadable(text, "数位顺序不正确", "units out of order")
        last = exponent
        items.append((digit, base + exponent))
    if items[-1] is None:
        raise _unreadable(text, "零后面没有数字", "零 is not followed by a digit")
    return items


def _fraction_items(text: str, fraction_text: str) -> list[tuple[int, int] | None]:
    """角 and 分 (and 零, 零角, 零分) after 圆."""
    items: list[tuple[int, int] | None] = []
    i = 0
    while i < len(fraction_text):
        char = fraction_text[i]
        unit = fraction_text[i + 1 : i + 2]
        if unit not in _FRACTION_EXPONENTS:
            if char != "零":
                raise _unreadable(text, f"意外的字符 {char!r}", f"unexpected character {char!r}")
            items.append(None)
            i += 1
            continue
        if char != "零" and char not in _DIGIT_VALUES:
            raise _unreadable(text, f"意外的字符 {char!r}", f"unexpected character {char!r}")
        items.append((_DIGIT_VALUES.get(char, 0), _FRACTION_EXPONENTS[unit]))
        i += 2
    return items


def _value(text: str, items: list[tuple[int, int] | None]) -> int:
    """The amount in 分, checking the order of units and that every 零 skips a position."""
    cents = 0
    previous: int | None = None
    zero_after: int | None = None  # the exponent before a pending 零
    for item in items:
        if item is None:
            if previous is None or zero_after is not None:
                raise _unreadable(text, "零的位置不正确", "misplaced 零")
            zero_after = previous
            continue
        digit, exponent = item
        if previous is not None and exponent >= previous:
            raise _unreadable(text, "数位顺序不正确", "units out of order")
        if zero_after is not None and (digit == 0 or zero_after - exponent < 2):
            raise _unreadable(text, "零的位置不正确", "misplaced 零")
        zero_after = None
        previous = exponent
        cents += digit * 10 ** (exponent + 2)
    if zero_after is not None:
        raise _unreadable(text, "零后面没有数字", "零 is not followed by a digit")
    return cents


def _unreadable(text: str, reason: str, reason_en: str) -> AmountError:
    return AmountError(
        f"无法识别的大写金额 {text!r}：{reason}",
        f"Cannot read the uppercase amount {text!r}: {reason_en}",
    )
