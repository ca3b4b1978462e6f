"""Invoice identifiers (发票标识): 数电票号码, 发票代码, 发票号码, 校验码, 纳税人识别号, regions.

Each module follows python-stdnum: ``compact``, ``validate`` (raises
:class:`fapiao.core.errors.ValidationError` subclasses with Chinese and English messages),
``is_valid``, ``format`` and ``parse`` (a frozen description).  :func:`describe` says what any
pasted identifier is; :func:`is_region` answers "is this a Beijing invoice" in one call.
"""

from __future__ import annotations

from fapiao.core.identifiers.describe import Description, describe
from fapiao.core.identifiers.regions import Region, is_region

__all__ = ["Description", "Region", "describe", "is_region"]
