"""How readings of one invoice combine into its record (合并): the more trustworthy source wins.

Each field keeps the value of the most trustworthy source that read it (``FieldSource.trust``,
then confidence); a worse source only fills gaps, and where it disagrees the disagreement becomes
a ``merge.disagreement`` finding.  Lines are replaced as a whole.  Totals that do not add up
(价税合计 ≠ 金额 + 税额, a database constraint) lose their least trusted amount, kept in an
``invoice.amount_dropped`` finding.  Callers hold the transaction and write the events.  A
disagreement about a sealed field (:mod:`.sensitive`) quotes only the values' last characters.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from fapiao.core import findings as core_findings
from fapiao.core.invoice import FieldInfo, Invoice
from fapiao.web.companies.models import Company
from fapiao.web.events.services import json_value
from fapiao.web.invoices.conversion import (
    SCALAR_FIELDS,
    column_name,
    core_value,
    fields_from_json,
    fields_to_json,
    findings_to_json,
    line_to_record,
    same_value,
    to_column,
)
from fapiao.web.invoices.models import Direction, InvoiceLineRecord, InvoiceRecord
from fapiao.web.invoices.sensitive import SEALED_FIELDS, mask_tail


def _rank(info: FieldInfo | None) -> tuple[int, float]:
    return (info.source.trust, info.confidence) if info is not None else (0, 0.0)


def _stored_rank(item: Any) -> tuple[int, float]:
    return _rank(fields_from_json({"_": item}).get("_")) if item else (0, 0.0)


def _is_empty(path: str, value: Any, info: object) -> bool:
    if value is None or value == "":
        return True
    if path == "kind":
        return bool(value == "other")
    if path == "is_red":
        return value is False and info is None
    return False


def _lines_info(invoice: Invoice) -> FieldInfo | None:
    """Provenance of the lines: their own entry, else the best source of the reading."""
    if "lines" in invoice.fields:
        return invoice.fields["lines"]
    return max(invoice.fields.values(), key=_rank, default=None)


def record_create(
    *,
    company: Company,
    direction: Direction,
    key: str | None,
    invoice: Invoice,
    actor: AbstractBaseUser | None,
) -> InvoiceRecord:
    """A new record (with its lines) for a reading; the caller writes the event."""
    values = {p: to_column(p, core_value(invoice, p)) for p in SCALAR_FIELDS}
    provenance = fields_to_json(invoice.fields)
    if invoice.lines and "lines" not in provenance:
        info = _lines_info(invoice)
        if info is not None:
            provenance["lines"] = fields_to_json({"lines": info})["lines"]
    findings = list(invoice.findings)
    settled = _settle_totals(values, provenance)
    if settled is not None:
        findings.append(settled)
    record = InvoiceRecord(
        company=company,
        direction=direction,
        identity_key=key,
        created_by_id=actor.pk if actor is not None and actor.is_authenticated else None,
        fields=provenance,
        findings=findings_to_json(findings),
        **{column_name(p): v for p, v in values.items()},
    )
    record.save()
    InvoiceLineRecord.objects.bulk_create(
        line_to_record(line, invoice=record, position=i)
        for i, line in enumerate(invoice.lines, start=1)
    )
    return record


def record_snapshot(record: InvoiceRecord) -> dict[str, Any]:
    """The record's non-empty columns and its line count, for an event."""
    data = {
        column_name(p): json_value(getattr(record, column_name(p)))
        for p in SCALAR_FIELDS
        if getattr(record, column_name(p)) not in (None, "")
    }
    data["lines"] = record.lines.count()
    return data


_AMOUNT_LABELS = {"gross_amount": "价税合计", "tax_amount": "税额", "net_amount": "金额"}


def _settle_totals(
    values: dict[str, Any], provenance: dict[str, Any]
) -> core_findings.Finding | None:
    """Keep 价税合计 = 金额 + 税额 (a database constraint): clear the least trusted of the three.

    The cleared value stays in the finding (and in the event), for the reviewer to decide.
    """
    net, tax, gross = (values[p] for p in ("net_amount", "tax_amount", "gross_amount"))
    if net is None or tax is None or gross is None or net + tax == gross:
        return None
    weakest = min(_AMOUNT_LABELS, key=lambda p: _stored_rank(provenance.get(p)))  # ties: gross
    dropped, source = values[weakest], (provenance.pop(weakest, None) or {}).get("source")
    values[weakest] = None
    label = _AMOUNT_LABELS[weakest]
    return core_findings.warning(
        "invoice.amount_dropped",
        f"价税合计 {gross} 不等于金额 {net} 加税额 {tax}：已清空可信度最低的{label} {dropped}"
        f"（来源 {source or '未知'}），请核对",
        f"Gross {gross} is not net {net} plus tax {tax}: cleared the least trustworthy "
        f"{weakest} {dropped} (from {source or 'unknown'}); please check",
        field=weakest,
        values={"net_amount": net, "tax_amount": tax, "gross_amount": gross, "source": source},
    )


def record_merge(record: InvoiceRecord, invoice: Invoice) -> tuple[dict[str, Any], dict[str, Any]]:
    """Take each field from the incoming reading where its source is better; return the changes."""
    provenance = dict(record.fields or {})
    original = {p: getattr(record, column_name(p)) for p in SCALAR_FIELDS}
    values = dict(original)
    new_findings = list(invoice.findings)
    for path in SCALAR_FIELDS:
        info = invoice.fields.get(path)
        incoming = to_column(path, core_value(invoice, path))
        if _is_empty(path, incoming, info):
            continue
        current, stored = values[path], provenance.get(path)
        if _is_empty(path, current, stored) or _rank(info) > _stored_rank(stored):
            values[path] = incoming
            if info is not None:
                provenance[path] = fields_to_json({path: info})[path]
            else:
                provenance.pop(path, None)
        elif not same_value(path, current, incoming):
            new_findings.append(_disagreement(path, current, incoming, stored, info))
    settled = _settle_totals(values, provenance)
    if settled is not None:
        new_findings.append(settled)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for path, value in values.items():
        if value != original[path]:
            column = column_name(path)
            before[column], after[column] = json_value(original[path]), json_value(value)
            setattr(record, column, value)
    lines_info = _lines_info(invoice)
    replace_lines = bool(invoice.lines) and (
        not record.lines.exists() or _rank(lines_info) > _stored_rank(provenance.get("lines"))
    )
    if replace_lines:
        old = record.lines.count()
        record.lines.all().delete()
        InvoiceLineRecord.objects.bulk_create(
            line_to_record(line, invoice=record, position=i)
            for i, line in enumerate(invoice.lines, start=1)
        )
        before["lines"], after["lines"] = old, len(invoice.lines)
        if lines_info is not None:
            provenance["lines"] = fields_to_json({"lines": lines_info})["lines"]
    findings = list(record.findings or [])
    seen = {(f.get("code"), f.get("field"), f.get("message")) for f in findings}
    for item in findings_to_json(new_findings):
        if (item["code"], item["field"], item["message"]) not in seen:
            seen.add((item["code"], item["field"], item["message"]))
            findings.append(item)
    if len(findings) != len(record.findings or []):
        after["findings_added"] = len(findings) - len(record.findings or [])
    if before or after or provenance != record.fields:
        record.fields = provenance
        record.findings = findings
        record.save()
    return before, after


def _disagreement(
    path: str, kept: Any, other: Any, kept_info: Any, other_info: FieldInfo | None
) -> core_findings.Finding:
    kept_source = (kept_info or {}).get("source", "unknown")
    other_source = other_info.source.value if other_info is not None else "unknown"
    if path in SEALED_FIELDS:  # findings are stored in clear: quote only the last characters
        kept, other = mask_tail(str(kept)), mask_tail(str(other))
    return core_findings.warning(
        "merge.disagreement",
        f"{path} 不一致：保留 {kept}（来源 {kept_source}），另一来源 {other_source} 为 {other}",
        f"{path} disagrees: kept {kept} (from {kept_source}); {other_source} says {other}",
        field=path,
        values={
            "kept": kept,
            "other": other,
            "kept_source": kept_source,
            "other_source": other_source,
        },
    )
