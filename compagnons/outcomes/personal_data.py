"""What the follow-up holds about a person: their exits and their answers, all exportable.

On erasure the answers stay, stripped of what could identify the person (the free comment, the dates they gave):
the indicators already published and the figures sent to France Compétences must not change afterwards, and the
account they point to is itself anonymised by the accounts app.
"""

from compagnons.outcomes.models import Exit, FollowUp


def export(user) -> dict:
    return {
        "exits": list(Exit.objects.filter(member=user).values("kind", "route", "exited_on", "cohort__name")),
        "follow_up_answers": list(
            FollowUp.objects.filter(exit__member=user, answered_at__isnull=False).values(
                "wave",
                "answered_at",
                "channel",
                "situation",
                "in_target_trade",
                "since",
                "income",
                "clients_count",
                "missions_count",
                "bank_share",
                "comment",
            )
        ),
    }


def erase(user, traces: list[str]) -> None:
    FollowUp.objects.filter(exit__member=user).update(comment="", since=None)
