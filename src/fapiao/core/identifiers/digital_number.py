"""数电票号码 (fully digital e-invoice number): 20 digits, the invoice's whole identity.

Layout (observed on real invoices, see docs formats.md §1): ``YY`` year of 20YY, a 2-digit region
(the GB/T 2260 province code, or ``9x`` for a 计划单列市), one channel digit (2 电子发票服务平台,
7 乐企, 9 铁路电子客票, 4 observed), then a 15-digit sequence.  数电 started at the end of 2021, so
a year before 21 is not a 数电 number.
"""

from __future__ import annotations

from dataclasses import dataclass

from fapiao.core.errors import InvalidComponent, ValidationError
from fapiao.core.identifiers._util import clean, require_digits
from fapiao.core.identifiers.regions import DigitalRegion, by_digital_code

FIRST_YEAR = 2021
"""数电 pilots began in December 2021."""

CHANNELS: dict[str, tuple[str, str]] = {
    "2": ("电子发票服务平台", "Tax bureau e-invoice service platform"),
    "7": ("乐企自建平台", "Leqi (enterprise self-built) platform"),
    "4": ("开票渠道 4（含义未确认）", "Channel 4 (meaning unconfirmed)"),
    "9": ("铁路电子客票", "Railway e-ticket"),
}
"""Channel digits observed on real invoices: Chinese and English names."""


@dataclass(frozen=True, slots=True)
class DigitalNumber:
    """The parts of a 数电票号码."""

    number: str
    year: int
    region: DigitalRegion
    channel: str
    channel_name: str | None
    channel_name_en: str | None
    sequence: str

    @property
    def notes(self) -> tuple[tuple[str, str], ...]:
        """Remarks (Chinese, English) a person should know: unknown channel, unverified region."""
        found: list[tuple[str, str]] = []
        if self.channel_name is None:
            found.append(
                (
                    f"开票渠道位“{self.channel}”未见于已知发票",
                    f"Channel digit {self.channel!r} has not been observed before",
                )
            )
        if not self.region.verified:
            found.append(
                (
                    f"地区代码 {self.region.code} 对应{self.region.region.name}尚未核实",
                    f"Region code {self.region.code} = {self.region.region.name_en} is unverified",
                )
            )
        return tuple(found)


def compact(value: str) -> str:
    """The number without spaces or hyphens, full-width digits made ASCII."""
    return clean(value)


def validate(value: str) -> str:
    """The compact number, or raise InvalidFormat/InvalidLength/InvalidComponent."""
    number = require_digits(compact(value), (20,), "数电票号码", "Digital invoice number")
    year = 2000 + int(number[:2])
    if year < FIRST_YEAR:
        raise InvalidComponent(
            f"数电票号码“{number}”的年份 {year} 早于数电票启用（{FIRST_YEAR}）",
            f"Digital invoice number {number!r}: year {year} predates digital invoices",
        )
    try:
        by_digital_code(number[2:4])
    except InvalidComponent:
        raise InvalidComponent(
            f"数电票号码“{number}”的地区代码“{number[2:4]}”未知",
            f"Digital invoice number {number!r}: unknown region code {number[2:4]!r}",
        ) from None
    return number


def is_valid(value: str) -> bool:
    """Whether the value is a valid 数电票号码."""
    try:
        validate(value)
    except ValidationError:
        return False
    return True


def format(value: str) -> str:
    """The number as printed: 20 digits in one block."""
    return compact(value)


def parse(value: str) -> DigitalNumber:
    """The parts of a valid number."""
    number = validate(value)
    channel = number[4]
    names = CHANNELS.get(channel)
    return DigitalNumber(
        number=number,
        year=2000 + int(number[:2]),
        region=by_digital_code(number[2:4]),
        channel=channel,
        channel_name=names[0] if names else None,
        channel_name_en=names[1] if names else None,
        sequence=number[5:],
    )
