"""``fapiao keys``: master-key rotation and data-key rotation (密钥轮换).

``fapiao keys rotate`` adds a new master key (to the key file, or printed as the new
``FAPIAO_MASTER_KEY`` value when the environment holds the keys) and re-wraps every data key.
``--company`` also gives that company a new data key, re-encrypts its files and destroys the old
data key.  ``fapiao keys check`` is the start-up check on its own.
"""

from __future__ import annotations

from typing import Annotated

import typer

from fapiao.cli.common import console, err_console, fail_with
from fapiao.cli.db import django_setup
from fapiao.core.errors import FapiaoError

keys_app = typer.Typer(
    help="密钥 · Encryption keys.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)


def register(app: typer.Typer) -> None:
    """Add the ``keys`` group."""
    app.add_typer(keys_app, name="keys")


def _next_key_id(existing: tuple[str, ...]) -> str:
    number = len(existing) + 1
    while f"k{number}" in existing:
        number += 1
    return f"k{number}"


@keys_app.command("check")
def check() -> None:
    """检查主密钥能否解开全部数据密钥 · Check that the master key opens every data key."""
    django_setup()
    from fapiao.web.keys.keyring import keyring_check

    try:
        keyring = keyring_check()
    except FapiaoError as exc:
        fail_with(exc)
    console.print(f"主密钥可用 · Master keys OK: {', '.join(keyring.key_ids)}")


@keys_app.command("rotate")
def rotate(
    company: Annotated[
        str | None,
        typer.Option(
            "--company",
            help="同时为该公司换新数据密钥并重新加密其文件（编号或税号） · also re-key this "
            "company's files (id or tax ID)",
        ),
    ] = None,
) -> None:
    """轮换主密钥并重新封装全部数据密钥 · Rotate the master key and re-wrap every data key."""
    django_setup()
    from fapiao import config
    from fapiao.cli.audit import company_by_reference
    from fapiao.core.crypto.keyring import write_key_file
    from fapiao.web.invoices.storage import company_files_reencrypt
    from fapiao.web.keys.keyring import key_file_path, keyring_check, keyring_reset
    from fapiao.web.keys.services import data_key_rotate, data_keys_retired_delete, keys_rewrap

    target = company_by_reference(company) if company is not None else None
    try:
        current = keyring_check()
        rotated = current.with_new_key(_next_key_id(current.key_ids))
        from_env = config.get("FAPIAO_MASTER_KEY") is not None
        if from_env:
            console.print(
                "新的 FAPIAO_MASTER_KEY（请立即替换环境变量中的值，旧值在重新封装后失效） · "
                "New FAPIAO_MASTER_KEY (replace the environment value now; servers started "
                "with the old value must be restarted):"
            )
            typer.echo(rotated.to_text())
        else:
            write_key_file(key_file_path(), rotated, replace=True)
            keyring_reset()
        count = keys_rewrap(keyring=rotated)
        console.print(
            f"已添加主密钥 {rotated.active.key_id}，重新封装 {count} 个数据密钥 · Added master key "
            f"{rotated.active.key_id}, re-wrapped {count} data keys"
        )
        if target is not None:
            if from_env:
                err_console.print(
                    "--company 需要新的主密钥生效后再运行 · run --company again once the new "
                    "FAPIAO_MASTER_KEY is set"
                )
                raise typer.Exit(2)
            data_key_rotate(company=target)  # type: ignore[arg-type]
            pk = getattr(target, "pk", 0)
            files = company_files_reencrypt(pk)
            destroyed = data_keys_retired_delete(company=target)  # type: ignore[arg-type]
            console.print(
                f"公司 {pk}：新数据密钥，重新加密 {files} 个文件，销毁旧密钥 "
                f"{', '.join(destroyed) or '-'} · company {pk}: new data key, {files} files "
                "re-encrypted, old keys destroyed"
            )
    except FapiaoError as exc:
        fail_with(exc)


@keys_app.command("delete-company")
def delete_company(
    company: Annotated[
        str, typer.Option("--company", help="公司（编号或税号） · company (id or tax ID)")
    ],
    admin: Annotated[
        str, typer.Option("--admin", help="执行操作的管理员用户名 · the admin's user name")
    ],
    shred: Annotated[
        bool,
        typer.Option(
            "--shred",
            help="销毁该公司的数据密钥和文件（不可恢复） · destroy its data keys and files "
            "(irreversible)",
        ),
    ] = False,
) -> None:
    """注销公司（保留期内保留记录），或销毁其密钥 · Delete a company, or crypto-shred it."""
    django_setup()
    from django.contrib.auth import get_user_model

    from fapiao.cli.audit import company_by_reference
    from fapiao.web.keys.services_deletion import company_delete, company_shred

    target = company_by_reference(company)
    user = get_user_model().objects.filter(username=admin).first()
    if user is None:
        err_console.print(f"没有用户 {admin} · No user {admin}")
        raise typer.Exit(2)
    password = typer.prompt("密码 · Password", hide_input=True)
    try:
        if shred:
            company_shred(company=target, actor=user, password=password)  # type: ignore[arg-type]
            console.print("已销毁该公司的密钥与文件 · The company's keys and files are destroyed")
        else:
            deletion = company_delete(company=target, actor=user, password=password)  # type: ignore[arg-type]
            console.print(
                f"公司已注销，记录保留至 {deletion.retain_until} · Company deleted, records "
                f"kept until {deletion.retain_until}"
            )
    except FapiaoError as exc:
        fail_with(exc)


def startup_check() -> None:
    """Servers and workers call this first: a wrong, missing or conflicting key stops them here."""
    django_setup()
    from fapiao.web.keys.keyring import keyring_check

    try:
        keyring_check()
    except FapiaoError as exc:
        fail_with(exc)
