"""演示流程 (demo workflows): reconciliation, claims, feedback and alerts of the demo.

Each step goes through the service a person would trigger from a page and acts only on what is
still in its starting state, so that running it again reaches the same end and adds nothing.
(What happens to each invoice, 审核 to 入账, is :mod:`fapiao.web.demo.story`.)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from collections import Counter
from decimal import Decimal
from typing import Any

from fapiao.web.claims.models import Claim, ClaimItem, ClaimStatus
from fapiao.web.claims.services import (
    claim_approve,
    claim_create,
    claim_invoice_add,
    claim_pay,
    claim_receipt_add,
    claim_reject,
    claim_return,
    claim_submit,
)
from fapiao.web.companies.models import Company
from fapiao.web.demo.export import build_export
from fapiao.web.demo.generator import DemoInvoice
from fapiao.web.feedback.models import Feedback
from fapiao.web.feedback.services import feedback_status_change, feedback_submit
from fapiao.web.invoices.models import (
    Direction,
    InvoiceRecord,
    ReviewStatus,
    TaxStatus,
)
from fapiao.web.reconciliation.models import ReconciliationRun
from fapiao.web.reconciliation.services import reconciliation_run

Actors = dict[str, Any]


def demo_reconciliation(
    *,
    company: Company,
    invoices: list[DemoInvoice],
    actors: Actors,
    seed: int,
    anchor: dt.date,
) -> tuple[int | None, list[tuple[str, str]]]:
    """Reconcile a 取得发票 export with injected discrepancies (once per export file)."""
    export = build_export(invoices, anchor=anchor, seed=seed)
    if export.rows == 0:
        return None, []
    sha256 = hashlib.sha256(export.content).hexdigest()
    run = ReconciliationRun.objects.filter(company=company, stored_file__sha256=sha256).first()
    if run is None:
        run = reconciliation_run(
            company=company,
            direction=Direction.PURCHASE,
            content=export.content,
            filename=export.filename,
            actor=actors["clerk"],
            as_of=anchor,
            period=export.period,
        )
    return run.pk, export.injected


CLAIMS: tuple[tuple[str, str, ClaimStatus, int], ...] = (
    ("上海客户拜访差旅费", "clerk", ClaimStatus.PAID, 3),
    ("深圳展会差旅费", "agency", ClaimStatus.PAID, 2),
    ("杭州项目实施住宿费", "clerk", ClaimStatus.APPROVED, 2),
    ("成都客户培训差旅费", "agency", ClaimStatus.APPROVED, 1),
    ("十月团队建设餐费", "clerk", ClaimStatus.SUBMITTED, 2),
    ("北京客户接待餐费", "agency", ClaimStatus.SUBMITTED, 1),
    ("广州出差交通费", "clerk", ClaimStatus.RETURNED, 1),
    ("青岛项目验收差旅费", "agency", ClaimStatus.RETURNED, 2),
    ("办公用品采购", "clerk", ClaimStatus.REJECTED, 1),
    ("重复提交的餐费", "agency", ClaimStatus.REJECTED, 1),
    ("十一月市内交通费", "clerk", ClaimStatus.DRAFT, 1),
    ("年度会议差旅费（草稿）", "agency", ClaimStatus.DRAFT, 2),
)
"""报销单: title, claimant, the status it ends in, number of invoices."""
_CLAIMABLE = ("住宿", "餐饮", "客运", "代订机票", "复印纸")


def _claimable(company: Company) -> list[InvoiceRecord]:
    held = ClaimItem.objects.filter(company=company, invoice__isnull=False).values("invoice_id")
    return [
        record
        for record in InvoiceRecord.objects.filter(
            company=company,
            direction=Direction.PURCHASE,
            review_status=ReviewStatus.APPROVED,
            tax_status=TaxStatus.NORMAL,
            is_red=False,
            gross_amount__gt=0,
        )
        .exclude(pk__in=held)
        .prefetch_related("lines")
        .order_by("-issue_date", "id")[:400]
        if any(word in line.name for line in record.lines.all() for word in _CLAIMABLE)
    ]


def demo_claims(*, company: Company, actors: Actors, steps: Counter[str]) -> None:
    """A few claims (报销单) in every status, each with invoices and sometimes a receipt."""
    pool = _claimable(company)
    for title, claimant_key, target, count in CLAIMS:
        stored_title = " ".join(
            unicodedata.normalize("NFKC", title).split()
        )  # as the service keeps it
        if Claim.objects.filter(company=company, title=stored_title).exists():
            continue
        claimant = actors[claimant_key]
        claim = claim_create(company=company, claimant=claimant, title=title)
        for _ in range(count):
            if pool:
                claim_invoice_add(claim=claim, record=pool.pop(0), actor=claimant)
        if count > 1 or not claim.items.exists():
            claim_receipt_add(
                claim=claim, actor=claimant, description="出租车票", amount=Decimal("46.00")
            )
        steps[f"claim.{target.value}"] += 1
        if target is ClaimStatus.DRAFT:
            continue
        claim_submit(claim=claim, actor=claimant)
        if target is ClaimStatus.RETURNED:
            claim_return(claim=claim, actor=actors["reviewer"], reason="请补充出差审批单")
        elif target is ClaimStatus.REJECTED:
            claim_reject(claim=claim, actor=actors["reviewer"], reason="不属于可报销范围")
        elif target in (ClaimStatus.APPROVED, ClaimStatus.PAID):
            claim_approve(claim=claim, actor=actors["reviewer"])
            if target is ClaimStatus.PAID:
                claim_pay(claim=claim, actor=actors["admin"])


FEEDBACK: tuple[tuple[str, str, str, str, str], ...] = (
    ("viewer", "question", "/invoices/", "导出的 Excel 能否按月份分工作表？", "new"),
    ("clerk", "bug", "/intake/", "上传 200 个文件的压缩包时进度条停在 99%。", "in_progress"),
    ("reviewer", "suggestion", "/review/", "审核页希望能用快捷键通过和退回。", "done"),
    ("agency", "suggestion", "/reconciliation/", "对账结果希望能按销方筛选后批量处理。", "new"),
)
"""反馈: author, category, page, text, the status it ends in."""


def demo_feedback(*, company: Company, actors: Actors, steps: Counter[str]) -> None:
    """A few feedback items, moved along by the admin."""
    for author, category, page, text, status in FEEDBACK:
        if Feedback.objects.filter(company=company, text=text).exists():
            continue
        item = feedback_submit(
            company=company, author=actors[author], category=category, text=text, page=page
        )
        if status == "done":
            item = feedback_status_change(
                feedback=item, status="in_progress", actor=actors["admin"]
            )
        if status != "new":
            feedback_status_change(feedback=item, status=status, actor=actors["admin"])
        steps["feedback"] += 1


def demo_alerts(*, company: Company, steps: Counter[str]) -> list[str]:
    """Run the alert detectors where the alerts app exists; problems become warnings."""
    try:
        from fapiao.web.alerts import detection
    except ImportError:
        return []
    warnings: list[str] = []
    checks = ("alerts_detect", "alerts_deduction_check", "alerts_reconciliation_check")
    for name in checks:
        check = getattr(detection, name, None)
        if check is None:
            continue
        try:
            found = check(company=company)
        except Exception as exc:  # another app's detector must not stop the demo
            warnings.append(f"{name}: {exc}")
            continue
        steps["alerts"] += len(found)
    return warnings
