"""Invoice pages: the list (发票列表), the detail page (发票详情) with previews, and downloads.

Every object is read through a company-scoped selector: another company's id is a 404.  Previews
are images served inline; originals download only as attachments, and each download is an event.
"""

from __future__ import annotations

import io
import itertools
import logging
import zipfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from fapiao.core.errors import FapiaoError
from fapiao.web.accounts.sessions import reauth_required
from fapiao.web.events.selectors import event_list
from fapiao.web.intake.requests import acting_user, client_ip, current_company
from fapiao.web.invoices.conversion import SCALAR_FIELDS, column_name
from fapiao.web.invoices.forms import PAGE_SIZES, InvoiceFilterForm
from fapiao.web.invoices.models import InvoiceRecord, InvoiceSource, StoredFile
from fapiao.web.invoices.originals import original_exists, original_stream
from fapiao.web.invoices.preview import source_page_count, source_page_png
from fapiao.web.invoices.selectors import (
    ListCursor,
    invoice_get,
    invoice_list,
    invoice_list_page,
)
from fapiao.web.invoices.services_download import invoice_download_record
from fapiao.web.reports.selectors import invoice_count
from fapiao.web.search.services import search_index_catch_up
from fapiao.web.shell.permissions import company_required

logger = logging.getLogger(__name__)

LOW_CONFIDENCE = 0.8
"""Fields read with less confidence than this are highlighted (低置信度)."""

MAX_ZIP_FILES = 5000

_LABELS = {f.name: str(f.verbose_name) for f in InvoiceRecord._meta.get_fields() if f.concrete}


def _record_or_404(request: HttpRequest, pk: int) -> InvoiceRecord:
    try:
        return invoice_get(company=current_company(request), pk=pk)
    except InvoiceRecord.DoesNotExist:
        raise Http404 from None


def _source_or_404(record: InvoiceRecord, source_id: int) -> InvoiceSource:
    for source in record.sources.all():
        if source.pk == source_id:
            return source
    raise Http404


def _plain(value: Decimal | None) -> str:
    """A quantity or unit price without trailing zeros (``1.0000000000000`` → ``1``)."""
    if value is None:
        return ""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def field_rows(record: InvoiceRecord) -> list[dict[str, Any]]:
    """Each field of the record with its provenance (来源, 置信度) for the detail page."""
    provenance = record.fields or {}
    rows = []
    for path in SCALAR_FIELDS:
        column = column_name(path)
        value = getattr(record, column)
        if column == "kind":
            value = record.get_kind_display()
        elif isinstance(value, bool):
            value = "是 · Yes" if value else "否 · No"
        info = provenance.get(path) or {}
        confidence = info.get("confidence")
        rows.append(
            {
                "path": path,
                "label": _LABELS.get(column, path),
                "value": value,
                "source": info.get("source", ""),
                "confidence": confidence,
                "is_low": confidence is not None and float(confidence) < LOW_CONFIDENCE,
            }
        )
    return rows


@company_required()
@require_GET
def invoice_list_view(request: HttpRequest) -> HttpResponse:
    """发票列表: filters, the search box (the search index), keyset pages (no COUNT, no OFFSET)."""
    form = InvoiceFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else {}
    cleaned = form.cleaned_data if form.is_bound and form.is_valid() else {}
    size = cleaned.get("size") or PAGE_SIZES[0]
    company = current_company(request)
    after, cursor_error = None, ""
    if text := request.GET.get("after", ""):
        try:
            after = ListCursor.parse(text)
        except ValueError as exc:
            cursor_error = str(exc)
    if filters.get("search"):
        search_index_catch_up(company=company)
    page = invoice_list_page(company=company, **filters, after=after, size=size)
    total = None
    if not filters.get("search") and not filters.get("tax_status"):
        total = invoice_count(
            company=company,
            direction=filters.get("direction"),
            review_status=filters.get("review_status"),
            date_from=filters.get("issued_from"),
            date_to=filters.get("issued_to"),
        )
    query = request.GET.copy()
    query.pop("after", None)
    query.pop("page", None)
    return render(
        request,
        "invoices/list.html",
        {
            "form": form,
            "invoices": page.invoices,
            "typo_ids": page.typo_ids,
            "next_after": page.next_cursor.encode() if page.next_cursor else "",
            "is_first_page": after is None,
            "total": total,
            "cursor_error": cursor_error,
            "query": query.urlencode(),
        },
    )


@company_required()
@require_GET
def invoice_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """发票详情: fields with provenance, findings, lines, sources with previews, history."""
    record = _record_or_404(request, pk)
    sources = [
        {
            "source": source,
            "pages": range(1, source_page_count(source.stored_file, source.member) + 1),
        }
        for source in record.sources.all()
    ]
    findings = sorted(
        record.findings or [],
        key=lambda f: {"error": 0, "warning": 1, "info": 2}.get(f.get("severity", ""), 3),
    )
    return render(
        request,
        "invoices/detail.html",
        {
            "invoice": record,
            "fields": field_rows(record),
            "findings": findings,
            "lines": [
                {"line": line, "quantity": _plain(line.quantity), "price": _plain(line.unit_price)}
                for line in record.lines.all()
            ],
            "sources": sources,
            "events": event_list(company=current_company(request), obj=record),
        },
    )


@company_required()
@require_GET
def source_preview_view(request: HttpRequest, pk: int, source_id: int, page: int) -> HttpResponse:
    """One page of a source, rendered on the server, served inline as PNG."""
    record = _record_or_404(request, pk)
    source = _source_or_404(record, source_id)
    try:
        png = source_page_png(source.stored_file, source.member, page)
    except (FapiaoError, OSError):
        raise Http404 from None
    response = HttpResponse(png, content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _attachment(stored: StoredFile) -> HttpResponseBase:
    """The original as an attachment, decrypted chunk by chunk straight into the response.

    The first chunk (header, data key, first 64 KiB) is opened before the response starts, so a
    missing key or a damaged file is a clear error page; a file cut short further on aborts the
    transfer, which the client sees against ``Content-Length``.
    """
    chunks = original_stream(stored)
    try:
        first = next(chunks, b"")
    except (FapiaoError, OSError) as exc:
        logger.error(
            "original %s (company %s) cannot be read: %s", stored.pk, stored.company_id, exc
        )
        return HttpResponse(
            _(
                "原始文件无法读取或解密，请联系管理员 · The original cannot be read or decrypted; "
                "ask the administrator"
            ),
            status=500,
            content_type="text/plain; charset=utf-8",
        )
    response = StreamingHttpResponse(
        itertools.chain((first,), chunks), content_type="application/octet-stream"
    )
    response["Content-Length"] = str(stored.size)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=stored.original_name or stored.sha256
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@company_required()
@require_GET
def source_download_view(request: HttpRequest, pk: int, source_id: int) -> HttpResponseBase:
    """The original file of a source, untouched, as an attachment (下载原件)."""
    record = _record_or_404(request, pk)
    source = _source_or_404(record, source_id)
    if not original_exists(source.stored_file):
        raise Http404
    invoice_download_record(
        company=current_company(request),
        actor=acting_user(request),
        record=record,
        files=[source.stored_file],
        ip=client_ip(request),
    )
    return _attachment(source.stored_file)


class _Sink(io.RawIOBase):
    """A write-only stream whose bytes are taken out as they come (streamed ZIP)."""

    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        out = b"".join(self.chunks)
        self.chunks.clear()
        return out


def zip_stream(entries: Iterable[tuple[str, StoredFile]]) -> Iterator[bytes]:
    """A ZIP of stored originals, produced piece by piece (never whole in memory)."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, stored in entries:
            with archive.open(name, "w", force_zip64=True) as target:
                for chunk in original_stream(stored):
                    target.write(chunk)
                    yield sink.take()
            yield sink.take()
    yield sink.take()


def _zip_names(files: Iterable[tuple[str, StoredFile]]) -> list[tuple[str, StoredFile]]:
    used: set[str] = set()
    out = []
    for folder, stored in files:
        base = PurePosixPath(stored.original_name or stored.sha256).name or stored.sha256
        name = f"{folder}/{base}"
        if name in used:
            name = f"{folder}/{stored.sha256[:12]}-{base}"
        used.add(name)
        out.append((name, stored))
    return out


@company_required()
@require_GET
@reauth_required
def invoice_zip_view(request: HttpRequest) -> StreamingHttpResponse:
    """Every original of the filtered list, as one streamed ZIP attachment."""
    form = InvoiceFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else {}
    company = current_company(request)
    invoices = invoice_list(company=company, **filters).values("pk")
    sources = (
        InvoiceSource.objects.filter(invoice__in=invoices, stored_file__company=company)
        .select_related("stored_file", "invoice")
        .order_by("stored_file_id")
    )
    seen: dict[int, tuple[str, StoredFile]] = {}
    for source in sources.iterator(chunk_size=1000):
        if source.stored_file_id not in seen:
            seen[source.stored_file_id] = (source.invoice.direction, source.stored_file)
        if len(seen) >= MAX_ZIP_FILES:
            break
    files = [f for f in seen.values() if original_exists(f[1])]
    invoice_download_record(
        company=company,
        actor=acting_user(request),
        record=None,
        files=[stored for _, stored in files],
        as_zip=True,
        ip=client_ip(request),
    )
    response = StreamingHttpResponse(zip_stream(_zip_names(files)), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="invoices.zip"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
