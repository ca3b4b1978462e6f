"""What Excel does to long digit strings (发票代码, 发票号码, 纳税人识别号), detected and repaired.

Excel keeps 15 significant digits and shows long numbers in scientific notation: a 20-digit
数电发票号码 typed or pasted as a number becomes ``2.53E+19`` and its last digits are gone for good.
A 12-digit 发票代码 such as ``011002100511`` stored as a number loses its leading zero; tools that
read numbers as floats write ``61515362.0``.  Only a repair that is certain is made: trailing
``.0`` is dropped, and leading zeros are restored when exactly one expected length fits.
"""

from __future__ import annotations

import re

from fapiao.core.findings import Finding, error, info, warning
from fapiao.core.tabular.schema import ColumnSpec

SCIENTIFIC = re.compile(r"^[+-]?\d+(?:\.\d+)?[eE][+-]?\d+$")
TRAILING_ZERO = re.compile(r"^(\d+)\.0+$")
_EXCEL_TEXT = re.compile(r'^="(.*)"$')


def _where(row: int, header: str) -> tuple[str, str]:
    return f"第 {row} 行「{header}」", f"Row {row}, column '{header}'"


def _lengths(lengths: frozenset[int]) -> str:
    return "/".join(str(n) for n in sorted(lengths))


def scientific_finding(
    value: str, *, column: ColumnSpec, row: int, header: str, sheet: str | None
) -> Finding:
    """The error for a value Excel turned into scientific notation or rounded."""
    where, where_en = _where(row, header)
    return error(
        "tabular.scientific_notation",
        f"{where}的值 {value} 是科学计数法或超过 15 位的数字，Excel 已丢失其后几位，无法恢复；"
        "请把该列设置为文本后重新导出",
        f"{where_en}: {value} is in scientific notation or has more than 15 digits; Excel has "
        "lost its last digits and it cannot be repaired: format the column as text and export "
        "again",
        field=column.name,
        values={"row": row, "column": header, "value": value, "sheet": sheet},
    )


def repair_identifier(
    value: str, *, column: ColumnSpec, row: int, header: str, sheet: str | None
) -> tuple[str | None, list[Finding]]:
    """The identifier as it should read, with findings for what was repaired or is lost."""
    findings: list[Finding] = []
    where, where_en = _where(row, header)
    values = {"row": row, "column": header, "value": value, "sheet": sheet}
    text = value
    if excel_text := _EXCEL_TEXT.match(text):
        text = excel_text.group(1).strip()
    text = text.lstrip("'").strip()
    if SCIENTIFIC.match(text):
        return None, [scientific_finding(value, column=column, row=row, header=header, sheet=sheet)]
    if zero := TRAILING_ZERO.match(text):
        text = zero.group(1)
        findings.append(
            info(
                "tabular.trailing_zero_decimal",
                f"{where}的值 {value} 末尾多了小数部分，已改为 {text}",
                f"{where_en}: {value} had a decimal part appended; read as {text}",
                field=column.name,
                values={**values, "repaired": text},
            )
        )
    if not text.isdigit() or not column.lengths or len(text) in column.lengths:
        return text, findings
    fits = sorted(
        n
        for n in column.pad_lengths
        if n > len(text) and (column.max_pad is None or n - len(text) <= column.max_pad)
    )
    shorter = any(n > len(text) for n in column.pad_lengths)
    if len(fits) == 1:
        repaired = text.zfill(fits[0])
        findings.append(
            warning(
                "tabular.leading_zeros_restored",
                f"{where}的值 {value} 只有 {len(text)} 位，丢失了前导零，已补足为 {repaired}",
                f"{where_en}: {value} has {len(text)} digits and lost its leading zeros; "
                f"restored as {repaired}",
                field=column.name,
                values={**values, "repaired": repaired},
            )
        )
        return repaired, findings
    if shorter:
        findings.append(
            error(
                "tabular.leading_zeros_lost",
                f"{where}的值 {value} 只有 {len(text)} 位（应为 {_lengths(column.lengths)} 位），"
                "可能丢失了前导零，无法确定原值",
                f"{where_en}: {value} has {len(text)} digits (expected "
                f"{_lengths(column.lengths)}); leading zeros may have been lost and the original "
                "value cannot be determined",
                field=column.name,
                values=values,
            )
        )
    return text, findings
