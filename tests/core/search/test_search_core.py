"""Core search text handling: bigrams, pinyin with heteronyms, one-typo number variants, queries."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from fapiao.core.search import (
    deletion_variants,
    is_one_typo,
    parse_query,
    pinyin_tokens,
    text_tokens,
    variant_key,
)
from fapiao.core.search.text import normalize

digits = st.text(alphabet="0123456789", min_size=8, max_size=20)


def test_two_character_words_are_tokens() -> None:
    tokens = text_tokens("*住宿服务*住宿费")
    assert {"住宿", "宿服", "服务", "宿费"} <= tokens
    assert "住宿服务" not in tokens


def test_text_is_nfkc_and_casefolded() -> None:
    assert text_tokens("ＡＢＣ－１２３ 北") == {"abc", "123", "北"}
    assert normalize("ＡＢｃ") == "abc"


def test_pinyin_initials_and_full() -> None:
    tokens = pinyin_tokens("北京华医网科技有限公司")
    assert any(t.startswith("bjhy") for t in tokens)
    assert any(t.startswith("beijinghuayi") for t in tokens)
    assert any(t.startswith("hywkj") for t in tokens)  # from the middle
    assert not any("yxgs" in t for t in tokens)  # the legal form is left out


def test_heteronyms_give_every_reading() -> None:
    tokens = pinyin_tokens("重庆")
    assert "cq" in tokens  # the phrase reading chongqing
    assert "zq" in tokens  # 重 read zhong
    assert {"chongqing", "zhongqing"} <= tokens
    bank = pinyin_tokens("银行行长")
    assert "yhhz" in bank  # the phrase readings yinhang hangzhang
    assert any(t.startswith("yx") for t in bank)  # 行 read xing too


def test_pinyin_is_bounded() -> None:
    name = "长重行乐还朝藏" * 3
    assert len(pinyin_tokens(name)) < 400


def test_no_pinyin_without_chinese() -> None:
    assert pinyin_tokens("ACME Ltd.") == frozenset()


@given(digits, st.data())
def test_every_single_edit_shares_a_variant(number: str, data: st.DataObject) -> None:
    i = data.draw(st.integers(0, len(number) - 1))
    digit = data.draw(st.sampled_from("0123456789"))
    edits = [
        number[:i] + digit + number[i + 1 :],  # substitution
        number[:i] + number[i + 1 :],  # dropped
        number[:i] + digit + number[i:],  # inserted
    ]
    if i + 1 < len(number):
        edits.append(number[:i] + number[i + 1] + number[i] + number[i + 2 :])  # swap
    stored = {variant_key(v) for v in deletion_variants(number)}
    for typed in edits:
        assert {variant_key(v) for v in deletion_variants(typed)} & stored
        assert is_one_typo(typed, number)


def test_two_edits_are_not_one_typo() -> None:
    assert not is_one_typo("25112000000365404811", "25112000000365404822")
    assert not is_one_typo("1234567890", "1234567")
    assert not is_one_typo("12345678", "21345687")
    assert is_one_typo("12345678", "12345678")


def test_variants_of_a_twenty_digit_number_are_linear() -> None:
    assert len(deletion_variants("25112000000365404822")) <= 21
    assert deletion_variants("12345") == {"12345"}  # too short for typo search


def test_query_terms() -> None:
    query = parse_query(" 2511200000036540482２  北京华医 bjhy 91110108MA01,住 ")
    kinds = [(t.kind, t.text) for t in query.terms]
    assert kinds == [
        ("number", "25112000000365404822"),
        ("han", "北京华医"),
        ("word", "bjhy"),
        ("number", "91110108ma01"),
        ("han", "住"),
    ]
    assert query.terms[1].tokens == ("北京", "京华", "华医")
    assert not query.terms[1].prefix
    assert query.terms[4].prefix
    assert query.number is None
    assert parse_query("25112000000365404822").number == "25112000000365404822"
    assert parse_query("1234").number is None
    assert parse_query("  ,. ").is_empty
