from __future__ import annotations

from typing import Any

from .models import AuditEvent


def audit_record(
    *,
    actor,
    action: str,
    obj,
    organisation=None,
    context: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record one change. Call inside the transaction that makes the change, so both happen or neither."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=getattr(actor, "email", "") or "system",
        organisation=organisation,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        context=context[:200],
        before=before,
        after=after,
    )
