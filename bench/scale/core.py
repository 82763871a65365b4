"""Core: the audit log, a few entries per member over three years."""

from django.contrib.contenttypes.models import ContentType

from bench.scale.registry import ScaleContext, seeder
from compagnons.accounts.models import Role, User
from compagnons.core.models import AuditLog

# (action, weight)
AUDIT_ACTIONS = [
    ("account.logged_in", 60),
    ("account.signed_up", 10),
    ("account.charter_accepted", 10),
    ("account.profile_updated", 15),
    ("account.role_granted", 5),
]


def _audit_done(ctx: ScaleContext) -> bool:
    return AuditLog.objects.count() >= ctx.users * ctx.audit_per_user


@seeder("core.audit_log", done=_audit_done)
def seed_audit_log(ctx: ScaleContext) -> int:
    """`audit_per_user` entries per member on average, spread over three years."""
    rng = ctx.rng
    user_type = ContentType.objects.get_for_model(User)
    user_ids = ctx.user_ids()
    staff_ids = ctx.staff_ids() or [None]
    actions = [a for a, _w in AUDIT_ACTIONS]
    weights = [w for _a, w in AUDIT_ACTIONS]
    target = ctx.users * ctx.audit_per_user - AuditLog.objects.count()

    def entries():
        for action in rng.choices(actions, weights, k=target):
            user_id = rng.choice(user_ids)
            actor_id, data = user_id, {}
            if action == "account.role_granted":
                actor_id, data = rng.choice(staff_ids), {"role": rng.choice(Role.values)}
            elif action == "account.signed_up":
                data = {"intents": ["learn"]}
            elif action == "account.profile_updated":
                data = {"fields": ["trade", "region"]}
            yield AuditLog(
                created_at=ctx.past(),
                actor_id=actor_id,
                action=action,
                target_type=user_type,
                target_id=str(user_id),
                target_repr=f"Membre n°{user_id}",
                data=data,
            )

    return ctx.bulk(AuditLog, entries())
