"""大写金额 both ways: a hand-written table of tricky amounts, lenient input forms, refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fapiao.config import samples_dir
from fapiao.core.amounts.uppercase import MAX_AMOUNT, from_uppercase, to_uppercase
from fapiao.core.errors import AmountError

# (amount, canonical 大写 as printed on an invoice), written by hand.
TABLE = [
    ("0", "零圆整"),
    ("0.01", "壹分"),
    ("0.05", "伍分"),
    ("0.10", "壹角"),
    ("0.50", "伍角"),
    ("0.12", "壹角贰分"),
    ("0.99", "玖角玖分"),
    ("1", "壹圆整"),
    ("1.01", "壹圆零壹分"),
    ("1.10", "壹圆壹角"),
    ("1.11", "壹圆壹角壹分"),
    ("2.12", "贰圆壹角贰分"),
    ("10", "壹拾圆整"),
    ("10.05", "壹拾圆零伍分"),
    ("10.50", "壹拾圆伍角"),
    ("11", "壹拾壹圆整"),
    ("15", "壹拾伍圆整"),
    ("19.99", "壹拾玖圆玖角玖分"),
    ("20", "贰拾圆整"),
    ("100", "壹佰圆整"),
    ("101", "壹佰零壹圆整"),
    ("105.05", "壹佰零伍圆零伍分"),
    ("110", "壹佰壹拾圆整"),
    ("100.05", "壹佰圆零伍分"),
    ("100.50", "壹佰圆伍角"),
    ("250.00", "贰佰伍拾圆整"),
    ("268", "贰佰陆拾捌圆整"),
    ("523.57", "伍佰贰拾叁圆伍角柒分"),
    ("1000", "壹仟圆整"),
    ("1001", "壹仟零壹圆整"),
    ("1010", "壹仟零壹拾圆整"),
    ("1050", "壹仟零伍拾圆整"),
    ("1100", "壹仟壹佰圆整"),
    ("1130", "壹仟壹佰叁拾圆整"),
    ("1680.32", "壹仟陆佰捌拾圆叁角贰分"),
    ("2150.63", "贰仟壹佰伍拾圆陆角叁分"),  # as printed on a real sample: no 零 for 元位 alone
    ("4449", "肆仟肆佰肆拾玖圆整"),
    ("10000", "壹万圆整"),
    ("10001", "壹万零壹圆整"),
    ("10010", "壹万零壹拾圆整"),
    ("10100", "壹万零壹佰圆整"),
    ("11000", "壹万壹仟圆整"),
    ("16409.02", "壹万陆仟肆佰零玖圆零贰分"),
    ("20050", "贰万零伍拾圆整"),
    ("30880", "叁万零捌佰捌拾圆整"),
    ("100000", "壹拾万圆整"),
    ("100001", "壹拾万零壹圆整"),
    ("100700", "壹拾万零柒佰圆整"),
    ("107000.53", "壹拾万柒仟圆伍角叁分"),
    ("110000", "壹拾壹万圆整"),
    ("1000000", "壹佰万圆整"),
    ("1000000.50", "壹佰万圆伍角"),
    ("1000001", "壹佰万零壹圆整"),
    ("1010000", "壹佰零壹万圆整"),
    ("10000000", "壹仟万圆整"),
    ("10000000.01", "壹仟万圆零壹分"),
    ("10000100", "壹仟万零壹佰圆整"),
    ("10010000", "壹仟零壹万圆整"),
    ("100000000", "壹亿圆整"),
    ("100000001", "壹亿零壹圆整"),
    ("100010000", "壹亿零壹万圆整"),
    ("101000000", "壹亿零壹佰万圆整"),
    ("110000000", "壹亿壹仟万圆整"),
    ("1000000000", "壹拾亿圆整"),
    ("1000010000", "壹拾亿零壹万圆整"),
    ("100000000000", "壹仟亿圆整"),
    ("100000000000.01", "壹仟亿圆零壹分"),
    ("100100100100.10", "壹仟零壹亿零壹拾万零壹佰圆壹角"),
    ("123456789012.34", "壹仟贰佰叁拾肆亿伍仟陆佰柒拾捌万玖仟零壹拾贰圆叁角肆分"),
    ("215224635421.03", "贰仟壹佰伍拾贰亿贰仟肆佰陆拾叁万伍仟肆佰贰拾壹圆零叁分"),
    ("999999999999.99", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖圆玖角玖分"),
    ("-500", "负数伍佰圆整"),
    ("-0.05", "负数伍分"),
    ("-10001.10", "负数壹万零壹圆壹角"),
    ("-999999999999.99", "负数玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖圆玖角玖分"),
]


def test_table_is_big_enough() -> None:
    assert len(TABLE) >= 60
    assert len({amount for amount, _ in TABLE}) == len(TABLE)


@pytest.mark.parametrize(("amount", "text"), TABLE)
def test_to_uppercase_table(amount: str, text: str) -> None:
    assert to_uppercase(Decimal(amount)) == text


@pytest.mark.parametrize(("amount", "text"), TABLE)
def test_from_uppercase_table(amount: str, text: str) -> None:
    value = from_uppercase(text)
    assert value == Decimal(amount)
    assert value.as_tuple().exponent == -2


# Forms seen on invoices or allowed by the convention, read but never written.
LENIENT = [
    ("壹圆零角伍分", "1.05"),
    ("壹拾圆零角伍分", "10.05"),
    ("零圆伍角", "0.50"),
    ("零元整", "0"),
    ("零圆零伍分", "0.05"),
    ("壹圆伍角零分", "1.50"),
    ("壹仟陆佰捌拾元零叁角贰分", "1680.32"),
    ("壹拾万零柒仟元伍角叁分", "107000.53"),
    ("（负数）伍佰圆整", "-500"),
    ("(负数)伍佰圆整", "-500"),
    ("⊗伍佰圆整", "-500"),
    ("负伍佰圆整", "-500"),
    ("（負數）伍佰圓整", "-500"),
    ("人民币壹佰元整", "100"),
    ("负数人民币壹佰元整", "-100"),
    ("壹佰圆正", "100"),
    ("貳佰參拾圓整", "230"),
    ("叄拾陸圓整", "36"),
    ("陸萬圓整", "60000"),
    ("壹億圓整", "100000000"),
    ("拾伍圆整", "15"),
    ("壹 仟 圆 整", "1000"),
    ("贰 仟 壹 佰 伍 拾 圆 陆 角 叁 分", "2150.63"),  # a render that spaces every glyph
    ("\u3000壹仟圆整\n", "1000"),
    ("肆拾捌圆伍角整", "48.50"),
    ("伍佰贰拾叁圆伍角柒分整", "523.57"),
    ("伍角整", "0.50"),
    ("壹万壹圆", "10001"),
    ("壹仟壹佰叁拾圆", "1130"),
    ("（负数）零圆整", "0"),
]


@pytest.mark.parametrize(("text", "amount"), LENIENT)
def test_from_uppercase_lenient_forms(text: str, amount: str) -> None:
    assert from_uppercase(text) == Decimal(amount)


def test_negative_zero_reads_as_plain_zero() -> None:
    assert not from_uppercase("（负数）零圆整").is_signed()


REFUSED = [
    "两圆整",  # 两 is not a money digit
    "一百元",  # small-writing digits
    "壹〇圆整",
    "壹佰",  # no 圆
    "壹佰整",
    "壹贰圆",  # digit without a unit
    "圆整",
    "",
    "   ",
    "整",
    "负数",
    "⊗",
    "零伍分",  # 零 with nothing before it
    "壹佰零伍拾圆",  # 零 that skips no position
    "壹万零壹仟圆",
    "壹圆零伍角",
    "壹圆零零伍分",
    "壹万零圆",  # 零 at the end of a group
    "零零圆",
    "壹佰圆零",
    "亿圆",
    "壹亿万圆",
    "壹万万圆",
    "壹圆壹",
    "伍分伍角",  # units out of order
    "伍角伍角",
    "壹仟壹仟圆",
    "壹拾拾圆",
    "壹佰拾圆",  # bare 拾 only at the very start
    "壹佰圆伍",
    "壹佰圆伍毛",
    "壹圆拾角",
    "零角零分零",
    "壹佰美元",
    "壹整圆",
    "零零角",
    "壹圆零零角",
]


@pytest.mark.parametrize("text", REFUSED)
def test_from_uppercase_refuses(text: str) -> None:
    with pytest.raises(AmountError) as caught:
        from_uppercase(text)
    assert repr(text) in caught.value.message
    assert repr(text) in caught.value.message_en
    assert caught.value.code == "invalid_amount"


@pytest.mark.parametrize("text", ["壹万亿圆整", "壹亿亿圆整", "玖仟亿亿圆整"])
def test_from_uppercase_beyond_the_limit(text: str) -> None:
    with pytest.raises(AmountError, match="上限") as caught:
        from_uppercase(text)
    assert "limit" in caught.value.message_en


@pytest.mark.parametrize("amount", ["1000000000000", "-1000000000000", "999999999999.991"])
def test_to_uppercase_beyond_the_limit(amount: str) -> None:
    with pytest.raises(AmountError):
        to_uppercase(Decimal(amount))


def test_to_uppercase_limit_message_names_the_amount() -> None:
    with pytest.raises(AmountError) as caught:
        to_uppercase(Decimal("1000000000000"))
    assert "1000000000000" in caught.value.message
    assert "limit" in caught.value.message_en


@pytest.mark.parametrize("amount", ["0.001", "1.005", "-0.015"])
def test_to_uppercase_refuses_more_than_two_decimals(amount: str) -> None:
    with pytest.raises(AmountError, match="两位小数"):
        to_uppercase(Decimal(amount))


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity"])
def test_to_uppercase_refuses_non_finite(amount: str) -> None:
    with pytest.raises(AmountError):
        to_uppercase(Decimal(amount))


@pytest.mark.parametrize("amount", [1.5, True, "12"])
def test_to_uppercase_refuses_other_types(amount: object) -> None:
    with pytest.raises(TypeError):
        to_uppercase(amount)  # type: ignore[arg-type]


def test_to_uppercase_accepts_int_trailing_zeros_and_negative_zero() -> None:
    assert to_uppercase(5) == "伍圆整"
    assert to_uppercase(Decimal("5.000")) == "伍圆整"
    assert to_uppercase(Decimal("-0.00")) == "零圆整"


def test_to_uppercase_negative_prefix_variants() -> None:
    assert to_uppercase(Decimal("-500"), negative_prefix="（负数）") == "（负数）伍佰圆整"
    assert to_uppercase(Decimal("-500"), negative_prefix="⊗") == "⊗伍佰圆整"
    assert to_uppercase(Decimal("500"), negative_prefix="⊗") == "伍佰圆整"


amounts = st.decimals(
    min_value=-MAX_AMOUNT, max_value=MAX_AMOUNT, places=2, allow_nan=False, allow_infinity=False
)


@given(amounts)
def test_round_trip(amount: Decimal) -> None:
    assert from_uppercase(to_uppercase(amount)) == amount


@given(st.integers(min_value=0, max_value=99_999_999_999_999), st.sampled_from(["（负数）", "⊗"]))
def test_round_trip_cents_and_prefixes(cents: int, prefix: str) -> None:
    amount = Decimal(-cents).scaleb(-2)
    text = to_uppercase(amount, negative_prefix=prefix)
    assert from_uppercase(text) == amount
    assert ("整" in text) == (cents % 100 == 0)
    assert "零零" not in text


@pytest.mark.samples
def test_real_xml_samples_agree_with_their_totals() -> None:
    folder = samples_dir() / "xml"
    if not folder.is_dir():
        pytest.skip(f"shared samples not found at {folder} (set FAPIAO_SAMPLES_DIR)")
    from lxml import etree

    seen = 0
    for path in sorted(folder.glob("*.xml")):
        root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
        text = root.findtext(".//TotalTax-includedAmountInChinese")
        gross = root.findtext(".//TotalTax-includedAmount")
        if text and gross:
            assert from_uppercase(text) == Decimal(gross), path.name
            assert to_uppercase(Decimal(gross)) == text.strip(), path.name
            seen += 1
    assert seen >= 1
