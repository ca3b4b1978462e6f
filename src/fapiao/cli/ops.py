"""Operator commands on the database: createadmin, company create, invoices list, worker.

They use the same services and selectors as the pages; ``--company`` takes the company's
纳税人识别号.  Django is set up inside each command, never at import.
"""

from __future__ import annotations

import json
import threading
from typing import Annotated

import typer
from rich.table import Table

from fapiao.cli.common import console, fail
from fapiao.cli.db import company_by_tax_id, django_setup, nfkc
from fapiao.cli.keys import startup_check as keys_startup_check

company_app = typer.Typer(
    help="公司 · Companies.", no_args_is_help=True, add_completion=False, rich_markup_mode="rich"
)
invoices_app = typer.Typer(
    help="发票 · Invoices.", no_args_is_help=True, add_completion=False, rich_markup_mode="rich"
)

CompanyOption = Annotated[
    str, typer.Option("--company", help="公司纳税人识别号 · the company's tax ID")
]


def register(app: typer.Typer) -> None:
    """Add createadmin, worker, and the ``company`` and ``invoices`` groups."""
    app.command("createadmin")(createadmin)
    app.command("worker")(worker)
    app.add_typer(company_app, name="company")
    app.add_typer(invoices_app, name="invoices")


def createadmin(
    username: Annotated[
        str | None, typer.Option(help="用户名（默认 FAPIAO_ADMIN_USERNAME） · user name")
    ] = None,
    email: Annotated[
        str | None, typer.Option(help="电子邮件（默认 FAPIAO_ADMIN_EMAIL） · e-mail")
    ] = None,
    password: Annotated[
        str | None,
        typer.Option(help="密码（默认 FAPIAO_ADMIN_PASSWORD，否则随机生成） · password"),
    ] = None,
) -> None:
    """创建管理员（已存在则不变） · Create the administrator (left unchanged when it exists)."""
    from fapiao.cli.bootstrap import BootstrapError, admin_ensure

    try:
        outcome = admin_ensure(username=username, email=email, password=password)
    except BootstrapError as exc:
        fail(exc.message, exc.message_en)
    name = outcome.user.get_username()
    if not outcome.created:
        console.print(f"管理员已存在，未作更改 · Administrator {name} exists, left unchanged")
        return
    console.print(f"已创建管理员 · Created administrator: {name}")
    if outcome.generated_password:
        console.print(
            f"初始密码 Password: {outcome.generated_password}"
            "  （只显示这一次 · shown only this once）"
        )


def worker(
    queue: Annotated[str, typer.Option(help="队列，* 为全部 · queue names, * for all")] = "*",
    interval: Annotated[float, typer.Option(help="空闲时轮询间隔（秒） · idle poll seconds")] = 1.0,
    batch: Annotated[
        bool, typer.Option("--batch", help="处理完现有任务后退出 · exit when the queue is empty")
    ] = False,
    max_tasks: Annotated[
        int | None, typer.Option(help="最多执行的任务数 · stop after this many tasks")
    ] = None,
    scheduler: Annotated[
        bool,
        typer.Option(
            "--scheduler/--no-scheduler",
            help="同时每分钟运行定时作业（备份等；--batch 时不运行） · also run the periodic jobs "
            "every minute (backups, …; not with --batch)",
        ),
    ] = True,
) -> None:
    """运行后台任务（django-tasks 数据库队列） · Run background tasks from the database queue."""
    django_setup()
    from django.core.management import call_command

    from fapiao.web.ops.scheduler import scheduler_thread

    stop = threading.Event()

    def prepare() -> None:
        """A wrong, missing or conflicting master key stops the worker before any work."""
        keys_startup_check()
        if scheduler and not batch:
            scheduler_thread(stop)

    options: dict[str, object] = {
        "queue_name": queue,
        "interval": interval,
        "batch": batch,
        "reload": False,
        "startup_delay": False,
    }
    if max_tasks is not None:
        options["max_tasks"] = max_tasks
    from fapiao.web.intake.recovery import worker_run  # lost imports first; DB back-off

    try:  # the key check reads the database: inside the back-off, after it is reachable
        worker_run(lambda: call_command("db_worker", **options), prepare=prepare)
    except KeyboardInterrupt:
        raise typer.Exit(0) from None
    finally:
        stop.set()


@company_app.command("create")
def company_create_command(
    name: Annotated[str, typer.Option("--name", help="公司名称 · company name")],
    tax_id: Annotated[str, typer.Option("--tax-id", help="纳税人识别号 · tax ID")],
    taxpayer_type: Annotated[
        str, typer.Option(help="general 一般纳税人 / small_scale 小规模纳税人")
    ] = "general",
    admin: Annotated[
        str | None, typer.Option(help="成为管理员的用户名 · user who becomes its admin")
    ] = None,
) -> None:
    """新建公司 · Create a company."""
    django_setup()
    from django.contrib.auth import get_user_model

    from fapiao.core.errors import FapiaoError
    from fapiao.core.identifiers import tax_id as tax_id_rules
    from fapiao.web.companies.models import Company, TaxpayerType
    from fapiao.web.companies.services import company_create, normalize_tax_id

    name = nfkc(name)
    wanted = normalize_tax_id(tax_id)
    if not name:
        fail("公司名称不能为空", "The company needs a name")
    if taxpayer_type not in TaxpayerType.values:
        fail(
            f"纳税人类型只能是 {', '.join(TaxpayerType.values)}",
            f"The taxpayer type is one of {', '.join(TaxpayerType.values)}",
        )
    try:
        tax_id_rules.validate(wanted)
    except FapiaoError as exc:
        fail(exc.message, exc.message_en)
    if Company.objects.filter(tax_id=wanted).exists():
        fail(f"税号 {wanted} 的公司已存在", f"A company with tax ID {wanted} exists already")
    actor = None
    if admin:
        actor = get_user_model().objects.filter(username=admin).first()
        if actor is None:
            fail(f"没有用户 {admin}", f"No user named {admin}")
    company = company_create(
        name=name, tax_id=wanted, taxpayer_type=TaxpayerType(taxpayer_type), actor=actor
    )
    console.print(f"已创建公司 · Created company #{company.pk}: {company.name} ({company.tax_id})")


@invoices_app.command("list")
def invoices_list_command(
    company: CompanyOption,
    as_json: Annotated[
        bool, typer.Option("--json", help="每行一个 JSON 对象 · one JSON object per line")
    ] = False,
    direction: Annotated[str | None, typer.Option(help="purchase 进项 / sales 销项")] = None,
) -> None:
    """列出公司的发票 · List a company's invoices (newest first)."""
    target = company_by_tax_id(company)
    from fapiao.web.api.documents import invoice_document
    from fapiao.web.invoices.selectors import invoice_list

    rows = invoice_list(company=target, direction=direction)
    if as_json:
        for record in rows.prefetch_related("lines").iterator(chunk_size=500):
            typer.echo(json.dumps(invoice_document(record), ensure_ascii=False))
        return
    table = Table(title=f"{target.name} ({target.tax_id})")
    table.add_column("ID", no_wrap=True)
    table.add_column("方向", no_wrap=True)
    table.add_column("号码 Number", no_wrap=True, min_width=20)
    table.add_column("开票日期", no_wrap=True)
    table.add_column("销售方 Seller")
    table.add_column("价税合计", justify="right", no_wrap=True)
    table.add_column("审核", no_wrap=True)
    for record in rows.iterator(chunk_size=500):
        table.add_row(
            str(record.pk),
            record.get_direction_display(),
            record.digital_number or record.number or "—",
            record.issue_date.isoformat() if record.issue_date else "—",
            record.seller_name or "—",
            str(record.gross_amount) if record.gross_amount is not None else "—",
            record.get_review_status_display(),
        )
    console.print(table)
