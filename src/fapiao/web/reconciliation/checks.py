"""Who may reconcile, and the typed refusals of reconciliation (each with a stable code)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from fapiao.web.companies.models import Company, Role
from fapiao.web.companies.selectors import membership_role
from fapiao.web.invoices.workflow_errors import NotPermittedError, WorkflowError

RUN_ROLES = (Role.ADMIN, Role.CLERK, Role.REVIEWER)


class ReconciliationError(WorkflowError):
    """A reconciliation step that was refused or could not be done (对账失败)."""

    code = "reconciliation.refused"


class NothingToApplyError(ReconciliationError):
    """The result proposes no change that could be applied (无可应用的更正)."""

    code = "reconciliation.nothing_to_apply"


def require_member(*, company: Company, actor: AbstractBaseUser | None) -> None:
    if actor is None or not actor.is_authenticated:
        raise NotPermittedError("此操作需要登录的用户", "This step needs a signed-in user")
    role = membership_role(user=actor, company=company)
    if role not in RUN_ROLES:
        raise NotPermittedError(
            "只有管理员、录入员或审核员可以对账",
            "Only an admin, clerk or reviewer may reconcile",
            role=role,
        )
