"""Invoice columns with special storage: exact decimals on SQLite, and sealed text.

A decimal column that keeps every digit on SQLite too (单价/数量 with 13 decimals).

SQLite stores ``DECIMAL`` columns as 64-bit floats (15 significant digits): a real 数电 unit price
such as ``235.8490566037736`` (16 digits) would come back changed.  On SQLite this field stores
the value as canonical text quantized to ``decimal_places``; on PostgreSQL it is a plain
``numeric(max_digits, decimal_places)``.  Text on SQLite sorts as text: do not range-filter on it.

A sealed text column (:class:`SealedTextField`) stores sensitive values encrypted under the
company's data key (:mod:`fapiao.web.invoices.sensitive`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.query_utils import DeferredAttribute

from fapiao.core.crypto.errors import DecryptError
from fapiao.web.invoices import sensitive


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


class SealedText(str):
    """A value in its sealed, stored form (``index~key id~token``): never plaintext."""

    __slots__ = ()


class SealedAttribute(DeferredAttribute):
    """Opens a sealed value with the instance's company key on first access, then keeps it.

    A data descriptor (it has ``__set__``), so reads pass through it although the value lives in
    the instance's ``__dict__``.
    """

    field: SealedTextField

    def __set__(self, instance: Any, value: Any) -> None:
        instance.__dict__[self.field.attname] = value

    def __get__(self, instance: Any, cls: Any = None) -> Any:
        value = super().__get__(instance, cls)
        if instance is None or not isinstance(value, SealedText):
            return value
        column = self.field.attname
        company_id = getattr(instance, self.field.company_field)
        try:
            plain = sensitive.unseal(column, company_id, value)
        except DecryptError as exc:
            raise sensitive.decrypt_error_of(column, exc) from None
        instance.__dict__[column] = plain
        instance.__dict__[_opened(column)] = (company_id, value, plain)
        return plain


def _opened(column: str) -> str:
    """Where an instance remembers the stored form of a value it opened (to keep it unchanged)."""
    return f"_sealed_{column}"


class SealedTextField(models.TextField):  # type: ignore[type-arg]
    """Text sealed under the row's company data key (policy: :mod:`.sensitive`).

    The instance holds plaintext; the column only ever receives :class:`SealedText`: saving a
    model seals in :meth:`pre_save`, and a plaintext value that reaches the database another
    way (``QuerySet.update``, ``bulk_update``) is refused rather than stored in clear.
    """

    descriptor_class = SealedAttribute

    def __init__(self, *args: Any, company_field: str = "company_id", **kwargs: Any) -> None:
        self.company_field = company_field
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.company_field != "company_id":
            kwargs["company_field"] = self.company_field
        return name, path, args, kwargs

    def from_db_value(self, value: Any, expression: Any, connection: BaseDatabaseWrapper) -> Any:
        if isinstance(value, str) and sensitive.is_sealed(value):
            return SealedText(value)
        return value

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        stored = model_instance.__dict__.get(self.attname)
        if isinstance(stored, SealedText):  # read and never opened: unchanged
            return stored
        value = getattr(model_instance, self.attname)
        if value is None:
            return None
        company_id = getattr(model_instance, self.company_field)
        opened = model_instance.__dict__.get(_opened(self.attname))
        if opened is not None and opened[0] == company_id and opened[2] == value:
            return opened[1]  # opened and not changed: the same stored form
        return SealedText(sensitive.seal(self.attname, company_id, str(value)))

    def get_db_prep_save(self, value: Any, connection: BaseDatabaseWrapper) -> Any:
        if value is None or value == "" or hasattr(value, "resolve_expression"):
            return super().get_db_prep_save(value, connection)
        if not isinstance(value, SealedText):
            raise ValueError(
                f"{self.attname} 是加密字段，只能通过保存记录写入 · {self.attname} is sealed: "
                "write it by saving the record, not with update() or bulk_update()"
            )
        return str(value)
