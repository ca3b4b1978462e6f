"""Sensitive field tokens and the blind index."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fapiao.core.crypto.envelope import DataKey
from fapiao.core.crypto.errors import DecryptError
from fapiao.core.crypto.fields import (
    TOKEN_PREFIX,
    IndexKey,
    blind_index,
    decrypt_field,
    derive_index_key,
    encrypt_field,
    normalise_bank_account,
    normalise_id_number,
    normalise_phone,
)

ID_NUMBER = "11010519491231002X"
CONTEXT = "employee.id_number"


def test_field_round_trip_and_token_shape() -> None:
    key = DataKey.generate()
    token = encrypt_field(ID_NUMBER, key, context=CONTEXT)
    assert token.startswith(TOKEN_PREFIX)
    assert token[len(TOKEN_PREFIX) :].replace("-", "").replace("_", "").isalnum()
    assert ID_NUMBER not in token
    assert decrypt_field(token, key, context=CONTEXT) == ID_NUMBER


def test_same_value_gives_different_tokens() -> None:
    key = DataKey.generate()
    assert encrypt_field("13800138000", key, context="m") != encrypt_field(
        "13800138000", key, context="m"
    )


def test_field_with_wrong_key_or_context_fails() -> None:
    key = DataKey.generate()
    token = encrypt_field(ID_NUMBER, key, context=CONTEXT)
    with pytest.raises(DecryptError) as info:
        decrypt_field(token, DataKey.generate(), context=CONTEXT)
    assert info.value.code == "keys.decrypt_failed"
    with pytest.raises(DecryptError):
        decrypt_field(token, key, context="employee.mobile")


@pytest.mark.parametrize("token", ["", "f1.", "f1.!!!!", "f2.AAAA", "f1.AAAA", "plain text"])
def test_malformed_tokens_are_typed_errors(token: str) -> None:
    with pytest.raises(DecryptError):
        decrypt_field(token, DataKey.generate(), context=CONTEXT)


def test_tampered_token_fails() -> None:
    key = DataKey.generate()
    token = encrypt_field("6222021234567890123", key, context="bank")
    last = token[-2]
    damaged = token[:-2] + ("A" if last != "A" else "B") + token[-1]
    with pytest.raises(DecryptError):
        decrypt_field(damaged, key, context="bank")


@settings(max_examples=80, deadline=None)
@given(text=st.text(max_size=60), context=st.text(max_size=20))
def test_any_text_round_trips(text: str, context: str) -> None:
    key = DataKey.generate()
    assert decrypt_field(encrypt_field(text, key, context=context), key, context=context) == text


def test_blind_index_equal_for_equal_normalised_values() -> None:
    index_key = derive_index_key(DataKey.generate())
    variants = [
        "11010519491231002X",
        "11010519491231002x",
        " 110105 19491231 002X ",
        "１１０１０５１９４９１２３１００２Ｘ",  # 全角
    ]
    indexes = {blind_index(v, index_key, normalise=normalise_id_number) for v in variants}
    assert len(indexes) == 1
    assert blind_index("110105194912310039", index_key, normalise=normalise_id_number) not in (
        indexes
    )


def test_blind_index_differs_across_index_keys_and_contexts() -> None:
    a = derive_index_key(DataKey.generate())
    b = derive_index_key(DataKey.generate())
    assert blind_index(ID_NUMBER, a) != blind_index(ID_NUMBER, b)
    assert blind_index(ID_NUMBER, a, context="x") != blind_index(ID_NUMBER, a, context="y")


def test_blind_index_is_stable_for_one_data_key() -> None:
    data_key = DataKey.generate()
    assert blind_index(ID_NUMBER, derive_index_key(data_key)) == blind_index(
        ID_NUMBER, derive_index_key(DataKey(data_key.key))
    )


def test_index_key_is_not_the_data_key() -> None:
    data_key = DataKey.generate()
    index_key = derive_index_key(data_key)
    assert index_key._key != data_key.key
    assert index_key._key != data_key.subkey("fapiao/field/v1")
    assert index_key._key.hex() not in repr(index_key)


def test_blind_index_does_not_contain_the_value() -> None:
    index = blind_index("13800138000", derive_index_key(DataKey.generate()))
    assert "13800138000" not in index
    assert len(index) == 22  # 16 bytes, base64url without padding


@pytest.mark.parametrize(
    "text",
    [
        "13800138000",
        "+86 138-0013-8000",
        "0086 13800138000",
        "(138) 0013 8000",
        "１３８００１３８０００",
    ],
)
def test_phone_normalisation(text: str) -> None:
    assert normalise_phone(text) == "13800138000"


def test_bank_account_normalisation() -> None:
    assert normalise_bank_account("6222 0212-3456 7890 123") == "62220212345678901" + "23"


def test_index_key_rejects_short_keys() -> None:
    with pytest.raises(ValueError):
        IndexKey(b"short")
