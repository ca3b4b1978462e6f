"""金额 (amounts): money parsing and rounding, 大写金额 both ways, 税率 and their validity."""

from __future__ import annotations

from fapiao.core.amounts.money import (
    MONEY_CONTEXT,
    format_money,
    line_tax,
    parse_money,
    quantize_money,
)
from fapiao.core.amounts.rates import (
    CURRENT_RATES,
    RateError,
    RateStatus,
    classify_rate,
    format_rate,
    is_margin_taxation,
    parse_rate,
)
from fapiao.core.amounts.uppercase import MAX_AMOUNT, from_uppercase, to_uppercase

__all__ = [
    "CURRENT_RATES",
    "MAX_AMOUNT",
    "MONEY_CONTEXT",
    "RateError",
    "RateStatus",
    "classify_rate",
    "format_money",
    "format_rate",
    "from_uppercase",
    "is_margin_taxation",
    "line_tax",
    "parse_money",
    "parse_rate",
    "quantize_money",
    "to_uppercase",
]
