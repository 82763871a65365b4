"""The audit log: services call `audit.log(by, "thing.verb", obj, key=value)` for every sensitive action.

Keep personal data out of `data` (ids, codes and choices only): an erased account must leave no trace
of the person's name or e-mail here.
"""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from compagnons.core.models import AuditLog


def log(actor, action: str, target: models.Model | None = None, **data: Any) -> AuditLog:
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    entry = AuditLog(actor=actor, action=action, data=data)
    if target is not None:
        entry.target_type = ContentType.objects.get_for_model(target)
        entry.target_id = str(target.pk)
        entry.target_repr = audit_repr(target)[:200]
    entry.save()
    return entry


def audit_repr(obj: models.Model) -> str:
    """What the log shows of an object: its `audit_label` if it has one (no personal data), else str()."""
    label = getattr(obj, "audit_label", None)
    return str(label() if callable(label) else label) if label is not None else str(obj)
