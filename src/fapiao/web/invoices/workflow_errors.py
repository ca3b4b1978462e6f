"""Typed refusals of the review (审核) and status (状态) workflows, each with a stable code.

Services raise these; views and the API show ``message`` (Chinese) or ``message_en`` and map
``code`` to a response.  They mirror :class:`fapiao.core.errors.FapiaoError`: one class per
reason, a machine code, a message that names the values involved.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from fapiao.web.companies.models import Company, Role


class WorkflowError(Exception):
    """A workflow step that was refused (拒绝)."""

    code = "workflow.refused"

    def __init__(self, message: str, message_en: str, **values: Any) -> None:
        self.message = message
        self.message_en = message_en
        self.values = values
        super().__init__(f"{message} / {message_en}")


class NotPermittedError(WorkflowError):
    """The actor's role in the company does not allow this step (无权限)."""

    code = "workflow.not_permitted"


class SelfApprovalError(WorkflowError):
    """自审: nobody approves an invoice they entered or changed."""

    code = "invoice.self_approval"


class BlockingFindingsError(WorkflowError):
    """Error findings (错误) block approval unless a reviewer overrides them with a reason."""

    code = "invoice.findings_block_approval"


class ReasonRequiredError(WorkflowError):
    """A step that needs a written reason (理由) got none."""

    code = "workflow.reason_required"


class StatusTransitionError(WorkflowError):
    """A status change the transition table does not allow (状态不允许变更)."""

    code = "invoice.status_transition_forbidden"


class StatusValueError(WorkflowError):
    """A status change with a missing or malformed detail (所属期, 凭证号, 原因)."""

    code = "invoice.status_value_invalid"


class FieldEditError(WorkflowError):
    """A correction names a field that cannot be edited or a value that cannot be stored."""

    code = "invoice.field_invalid"


def require_member_role(
    *, company: Company, actor: AbstractBaseUser | None, roles: Iterable[Role]
) -> Role:
    """The actor's role in the company, or NotPermittedError when it is not one of ``roles``."""
    from fapiao.web.companies.selectors import membership_role

    if actor is None or not actor.is_authenticated:
        raise NotPermittedError("此操作需要登录的用户", "This step needs a signed-in user")
    role = membership_role(user=actor, company=company)
    allowed = tuple(roles)
    if role not in allowed:
        names = "、".join(str(r.label) for r in allowed)
        raise NotPermittedError(
            f"只有{names}可以执行此操作",
            f"Only {', '.join(r.value for r in allowed)} may do this",
            role=role,
        )
    return role
