"""A decimal column that keeps every digit on SQLite too (单价/数量 with 13 decimals).

SQLite stores ``DECIMAL`` columns as 64-bit floats (15 significant digits): a real 数电 unit price
such as ``235.8490566037736`` (16 digits) would come back changed.  On SQLite this field stores
the value as canonical text quantized to ``decimal_places``; on PostgreSQL it is a plain
``numeric(max_digits, decimal_places)``.  Text on SQLite sorts as text: do not range-filter on it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper


class ExactDecimalField(models.DecimalField):  # type: ignore[type-arg]
    """DecimalField without SQLite's 15-significant-digit float storage."""

    def get_internal_type(self) -> str:
        # Not "DecimalField": the SQLite backend would convert values through float.
        return "ExactDecimalField"

    def db_type(self, connection: BaseDatabaseWrapper) -> str | None:
        if connection.vendor == "sqlite":
            return "text"
        return connection.data_types["DecimalField"] % self.db_type_parameters(connection)

    def cast_db_type(self, connection: BaseDatabaseWrapper) -> str | None:
        return self.db_type(connection)

    def get_db_prep_value(
        self, value: Any, connection: BaseDatabaseWrapper, prepared: bool = False
    ) -> Any:
        if connection.vendor != "sqlite":
            return super().get_db_prep_value(value, connection, prepared)
        if not prepared:
            value = self.get_prep_value(value)
        if value is None or hasattr(value, "as_sql"):
            return value
        exponent = Decimal(1).scaleb(-self.decimal_places)
        return f"{Decimal(value).quantize(exponent, context=self.context):f}"

    def from_db_value(
        self, value: Any, expression: Any, connection: BaseDatabaseWrapper
    ) -> Decimal | None:
        if value is None or isinstance(value, Decimal):
            return value
        return Decimal(str(value))
