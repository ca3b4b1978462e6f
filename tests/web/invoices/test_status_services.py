"""Status services: every allowed and forbidden transition, details, events, export application."""

from __future__ import annotations

import pytest

from fapiao import config
from fapiao.core.tabular.export import read_tax_export
from fapiao.web.companies.models import Role
from fapiao.web.events.models import Event
from fapiao.web.invoices.models import (
    BookingStatus,
    DeductionStatus,
    Direction,
    InvoiceRecord,
    TaxStatus,
)
from fapiao.web.invoices.services_status import (
    DEDUCTION_TRANSITIONS,
    TAX_TRANSITIONS,
    invoice_booking_status_set,
    invoice_deduction_status_set,
    invoice_statuses_from_export,
    invoice_tax_status_set,
    tax_status_from_text,
)
from fapiao.web.invoices.workflow_errors import (
    NotPermittedError,
    StatusTransitionError,
    StatusValueError,
)
from web.companies.factories import MembershipFactory
from web.invoices.factories import InvoiceRecordFactory

pytestmark = pytest.mark.django_db

_DETAILS = {
    DeductionStatus.CONFIRMED: {"period": "2025-03"},
    DeductionStatus.NOT_DEDUCTIBLE: {"reason": "用于集体福利"},
}


@pytest.fixture
def clerk(company):
    return MembershipFactory(company=company, role=Role.CLERK).user


def _pairs(choices):
    return [(a, b) for a in choices.values for b in choices.values if a != b]


@pytest.mark.parametrize(("current", "target"), _pairs(TaxStatus))
def test_tax_status_transitions(company, clerk, current, target):
    record = InvoiceRecordFactory(company=company, tax_status=current)
    allowed = target in TAX_TRANSITIONS[current]

    if allowed:
        invoice_tax_status_set(record=record, to=target, actor=clerk)
    else:
        with pytest.raises(StatusTransitionError) as info:
            invoice_tax_status_set(record=record, to=target, actor=clerk)
        assert info.value.code == "invoice.status_transition_forbidden"
        assert "发票状态" in info.value.message

    stored = InvoiceRecord.objects.get(pk=record.pk).tax_status
    assert stored == (target if allowed else current)
    events = Event.objects.filter(action="invoice.tax_status_changed", object_id=str(record.pk))
    assert events.count() == (1 if allowed else 0)


@pytest.mark.parametrize(("current", "target"), _pairs(DeductionStatus))
def test_deduction_status_transitions(company, clerk, current, target):
    confirmed = current == DeductionStatus.CONFIRMED
    start = {"deduction_status": current, "deduction_period": "2025-01" if confirmed else ""}
    if current == DeductionStatus.NOT_DEDUCTIBLE:
        start["deduction_reason"] = "福利"
    record = InvoiceRecordFactory(company=company, **start)
    allowed = target in DEDUCTION_TRANSITIONS[current]

    if allowed:
        invoice_deduction_status_set(
            record=record, to=target, actor=clerk, **_DETAILS.get(target, {})
        )
    else:
        with pytest.raises(StatusTransitionError):
            invoice_deduction_status_set(
                record=record, to=target, actor=clerk, **_DETAILS.get(target, {})
            )
    assert InvoiceRecord.objects.get(pk=record.pk).deduction_status == (
        target if allowed else current
    )


@pytest.mark.parametrize(("current", "target"), _pairs(BookingStatus))
def test_booking_status_transitions(company, clerk, current, target):
    voucher = "记-0001" if current == BookingStatus.BOOKED else ""
    record = InvoiceRecordFactory(company=company, booking_status=current, voucher_number=voucher)

    invoice_booking_status_set(record=record, to=target, actor=clerk, voucher_number="记-0002")

    stored = InvoiceRecord.objects.get(pk=record.pk)
    assert stored.booking_status == target
    assert stored.voucher_number == ("记-0002" if target == BookingStatus.BOOKED else "")
    event = Event.objects.get(action="invoice.booking_status_changed", object_id=str(record.pk))
    assert event.before == {"booking_status": current, "voucher_number": voucher}
    assert event.actor == clerk


def test_booking_needs_a_voucher_number(company, clerk):
    record = InvoiceRecordFactory(company=company)

    with pytest.raises(StatusValueError):
        invoice_booking_status_set(record=record, to="booked", actor=clerk, voucher_number=" ")
    with pytest.raises(StatusTransitionError):
        invoice_booking_status_set(record=record, to="unbooked", actor=clerk)


def test_confirming_needs_a_period_and_keeps_it(company, clerk):
    record = InvoiceRecordFactory(company=company, deduction_status=DeductionStatus.SELECTED)

    for bad in (None, "2025-13", "202503", "2025-3"):
        with pytest.raises(StatusValueError):
            invoice_deduction_status_set(record=record, to="confirmed", actor=clerk, period=bad)
    invoice_deduction_status_set(record=record, to="confirmed", actor=clerk, period="2025-03")

    stored = InvoiceRecord.objects.get(pk=record.pk)
    assert (stored.deduction_status, stored.deduction_period) == ("confirmed", "2025-03")
    event = Event.objects.get(action="invoice.deduction_status_changed")
    assert event.after["deduction_period"] == "2025-03"


def test_not_deductible_needs_a_reason(company, clerk):
    record = InvoiceRecordFactory(company=company)

    with pytest.raises(StatusValueError):
        invoice_deduction_status_set(record=record, to="not_deductible", actor=clerk, reason="")
    invoice_deduction_status_set(record=record, to="not_deductible", actor=clerk, reason="福利")

    assert InvoiceRecord.objects.get(pk=record.pk).deduction_reason == "福利"


def test_sales_invoices_have_no_deduction_and_dead_invoices_cannot_be_selected(company, clerk):
    sale = InvoiceRecordFactory(company=company, direction=Direction.SALES)
    with pytest.raises(StatusValueError):
        invoice_deduction_status_set(record=sale, to="selected", actor=clerk)
    voided = InvoiceRecordFactory(company=company, tax_status=TaxStatus.VOIDED)
    with pytest.raises(StatusTransitionError):
        invoice_deduction_status_set(record=voided, to="selected", actor=clerk)


def test_viewers_and_outsiders_change_no_status(company, other_company):
    record = InvoiceRecordFactory(company=company)
    viewer = MembershipFactory(company=company, role=Role.VIEWER).user
    outsider = MembershipFactory(company=other_company, role=Role.ADMIN).user

    for actor in (viewer, outsider):
        with pytest.raises(NotPermittedError):
            invoice_tax_status_set(record=record, to="voided", actor=actor)
    assert InvoiceRecord.objects.get(pk=record.pk).tax_status == TaxStatus.NORMAL


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("正常", TaxStatus.NORMAL),
        ("已作废", TaxStatus.VOIDED),
        ("已红冲-全额", TaxStatus.RED_FULL),
        ("已红冲－部分", TaxStatus.RED_PARTIAL),
        ("异常", TaxStatus.ABNORMAL),
        ("失控", TaxStatus.ABNORMAL),
        ("待定", None),
        ("", None),
    ],
)
def test_tax_status_text_of_exports(text, status):
    assert tax_status_from_text(text) == status


HEADER = (
    "序号,发票代码,发票号码,数电发票号码,销方识别号,销方名称,购方识别号,购买方名称,开票日期,"
    "金额,税额,价税合计,发票来源,发票票种,发票状态\n"
)


def _row(n, *, code="", number="", digital="", status="正常"):
    return (
        f"{n},{code},{number},{digital},52320200MJ5702713X,无锡,91110000000000001X,买方,"
        f"2025-03-14 10:00:00,100.00,13.00,113.00,电子发票服务平台,数电发票,{status}\n"
    )


def test_export_updates_tax_status_by_identity(company, other_company):
    digital = InvoiceRecordFactory(company=company, number="25322000000365404822")
    legacy = InvoiceRecordFactory(
        company=company,
        number="61515362",
        code="011002100511",
        identity_key="011002100511:61515362",
    )
    unchanged = InvoiceRecordFactory(company=company)
    dead = InvoiceRecordFactory(company=company, tax_status=TaxStatus.VOIDED)
    sale = InvoiceRecordFactory(
        company=company,
        direction=Direction.SALES,
        number="25322000000365404822",
        identity_key="25322000000365404822",
    )
    foreign = InvoiceRecordFactory(company=other_company, number=digital.number)
    text = HEADER + "".join(
        [
            _row(1, digital=digital.number, status="已红冲-部分"),
            _row(2, code="011002100511", number="61515362", digital="--", status="已作废"),
            _row(3, digital=unchanged.number),
            _row(4, digital=dead.number),
            _row(5, digital="25322000000999999999", status="已作废"),
        ]
    )
    export = read_tax_export(text.encode(), filename="全量发票查询导出-取得发票.csv")

    result = invoice_statuses_from_export(company=company, export=export)

    def status(r):
        return InvoiceRecord.objects.get(pk=r.pk).tax_status

    assert status(digital) == TaxStatus.RED_PARTIAL
    assert status(legacy) == TaxStatus.VOIDED
    assert status(unchanged) == TaxStatus.NORMAL
    assert status(dead) == TaxStatus.VOIDED
    assert status(sale) == TaxStatus.NORMAL  # a purchase export does not touch sales
    assert status(foreign) == TaxStatus.NORMAL
    assert len(result.changed) == 2
    assert result.unchanged == 1
    assert [r["invoice"] for r in result.refused] == [dead.pk]
    assert result.refused[0]["code"] == "invoice.status_transition_forbidden"
    assert [r["row"] for r in result.unmatched] == [6]
    event = Event.objects.get(action="invoice.statuses_from_export", object_id=str(legacy.pk))
    assert event.before == {"tax_status": "normal"}
    assert event.after["tax_status"] == "voided"
    assert event.after["source"] == "received"
    assert Event.objects.filter(action="export.statuses_applied", company=company).count() == 1


DEDUCTION_HEADER = (
    "序号,是否勾选,数电票号码,发票代码,发票号码,开票日期,金额,票面税额,有效抵扣税额,"
    "购买方识别号,销售方纳税人名称,销售方纳税人识别号,发票来源,票种,发票状态\n"
)


def _deduction_row(n, number, selected, status="正常"):
    return (
        f"{n},{selected},{number},,,2025-03-14,100.00,13.00,13.00,91110000000000001X,无锡,"
        f"52320200MJ5702713X,电子发票服务平台,数电专票,{status}\n"
    )


def test_deduction_export_updates_deduction_status(company, clerk):
    to_select = InvoiceRecordFactory(company=company)
    to_unselect = InvoiceRecordFactory(company=company, deduction_status=DeductionStatus.SELECTED)
    confirmed = InvoiceRecordFactory(
        company=company, deduction_status=DeductionStatus.CONFIRMED, deduction_period="2025-02"
    )
    text = DEDUCTION_HEADER + "".join(
        [
            _deduction_row(1, to_select.number, "是"),
            _deduction_row(2, to_unselect.number, "否", status="已红冲-全额"),
            _deduction_row(3, confirmed.number, "是"),
        ]
    )
    export = read_tax_export(text.encode(), filename="抵扣勾选.csv")

    result = invoice_statuses_from_export(company=company, export=export, actor=clerk)

    assert InvoiceRecord.objects.get(pk=to_select.pk).deduction_status == "selected"
    after = InvoiceRecord.objects.get(pk=to_unselect.pk)
    assert (after.deduction_status, after.tax_status) == ("unselected", "red_full")
    still = InvoiceRecord.objects.get(pk=confirmed.pk)
    assert (still.deduction_status, still.deduction_period) == ("confirmed", "2025-02")
    assert len(result.changed) == 2
    assert result.unchanged == 1
    assert result.refused == []


def test_real_export_matches_nothing_in_an_empty_company(company):
    path = config.samples_dir() / "export" / "全量发票查询导出-取得发票-2021.xlsx"
    if not path.exists():
        pytest.skip("shared samples folder (FAPIAO_SAMPLES_DIR) is absent")
    row = read_tax_export(path).invoices.row(0, named=True)
    record = InvoiceRecordFactory(
        company=company,
        code=row["code"],
        number=row["number"],
        identity_key=f"{row['code']}:{row['number']}",
    )
    InvoiceRecord.objects.filter(pk=record.pk).update(tax_status=TaxStatus.ABNORMAL)

    result = invoice_statuses_from_export(company=company, export=read_tax_export(path))

    assert InvoiceRecord.objects.get(pk=record.pk).tax_status == TaxStatus.NORMAL
    assert len(result.changed) == 1
    assert len(result.unmatched) == 34


@pytest.mark.parametrize(
    ("setter", "field", "current", "target"),
    [
        (invoice_tax_status_set, "tax_status", TaxStatus.VOIDED, TaxStatus.NORMAL),
        (invoice_tax_status_set, "tax_status", TaxStatus.RED_FULL, TaxStatus.RED_PARTIAL),
        (invoice_tax_status_set, "tax_status", TaxStatus.RED_PARTIAL, TaxStatus.NORMAL),
        (
            invoice_deduction_status_set,
            "deduction_status",
            DeductionStatus.UNSELECTED,
            DeductionStatus.CONFIRMED,
        ),
        (
            invoice_deduction_status_set,
            "deduction_status",
            DeductionStatus.CONFIRMED,
            DeductionStatus.UNSELECTED,
        ),
    ],
)
def test_final_and_skipping_transitions_are_forbidden(
    company, clerk, setter, field, current, target
):
    extra = {"deduction_period": "2025-01"} if current == DeductionStatus.CONFIRMED else {}
    record = InvoiceRecordFactory(company=company, **{field: current}, **extra)

    with pytest.raises(StatusTransitionError):
        setter(
            record=record,
            to=target,
            actor=clerk,
            **({"period": "2025-04"} if "deduction" in field else {}),
        )
    assert getattr(InvoiceRecord.objects.get(pk=record.pk), field) == current


def test_status_changes_reach_the_search_index(company, clerk, django_capture_on_commit_callbacks):
    from fapiao.web.search.models import SearchEntry
    from fapiao.web.search.services import search_index_invoices

    record = InvoiceRecordFactory(company=company)
    search_index_invoices(company=company, invoice_ids=[record.pk])

    with django_capture_on_commit_callbacks(execute=True):
        invoice_tax_status_set(record=record, to="abnormal", actor=clerk)
    with django_capture_on_commit_callbacks(execute=True):
        invoice_booking_status_set(record=record, to="booked", actor=clerk, voucher_number="记-1")

    entry = SearchEntry.objects.get(invoice_id=record.pk)
    assert (entry.tax_status, entry.booking_status) == ("abnormal", "booked")
