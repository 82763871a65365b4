"""Demo data for the follow-up (called by `manage.py seed_demo`, after the path and the jury): two past cohorts large
enough to pass the public threshold, their exits, and answers at exit, 6 and 24 months — neutralised situations and
non-respondents included — so the dashboard and /resultats/ show real figures."""

from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from compagnons.accounts.models import User
from compagnons.apprenticeship.models import Cohort, DropCause, Enrollment, Stage
from compagnons.outcomes import services
from compagnons.outcomes.models import BankShare, FollowUp, Income, Situation
from compagnons.skills.models import Certification

FIRST = ["Amélie", "Bruno", "Chloé", "David", "Élodie", "Farid", "Gaëlle", "Hugo", "Inès", "Julien", "Kenza", "Louis"]
FIRST += ["Manon", "Nicolas"]
LAST = ["Arnaud", "Benoît", "Carpentier", "Delmas", "Estève", "Fabre", "Gauthier", "Hamel", "Imbert", "Jacquet"]
LAST += ["Klein", "Lambert", "Mercier", "Noël"]

# (kind, answers by wave). An answer: (situation, in the target trade, income, clients, missions, bank share) or None
# for no answer. Twelve holders, one path completed without the title, one drop-out per cohort.
W, T, S = Situation.INDEPENDENT, Situation.TRAINING, Situation.SEEKING
PROFILES = [
    ("certified", {0: (S, None), 6: (W, True), 24: (W, True)}),
    ("certified", {0: (W, True), 6: (W, True), 24: (Situation.BOTH, True)}),
    ("certified", {0: (S, None), 6: (Situation.EMPLOYED, True), 24: (Situation.EMPLOYED, True)}),
    ("certified", {0: (S, None), 6: (W, False), 24: (W, True)}),
    ("certified", {0: (W, True), 6: (W, True), 24: (W, True)}),
    ("certified", {0: (S, None), 6: (S, None), 24: (W, True)}),
    ("certified", {0: (T, None), 6: (T, None), 24: (Situation.EMPLOYED, False)}),
    ("certified", {0: (S, None), 6: (W, True), 24: (W, True)}),
    ("certified", {0: (W, True), 6: (Situation.ABROAD, True), 24: (Situation.ABROAD, True)}),
    ("certified", {0: (S, None), 6: (W, True), 24: (W, True)}),
    ("certified", {0: (S, None), 6: (Situation.BOTH, True), 24: (Situation.UNABLE, None)}),
    ("certified", {0: None, 6: (W, True), 24: (W, True)}),
    ("completed", {0: (S, None), 6: (S, None), 24: (Situation.EMPLOYED, False)}),
    ("dropped_out", {0: (Situation.EMPLOYED, False), 6: None, 24: None}),
]
# The 2024 promotion has its own story (its 24-month survey is still to come): fewer titles — two paths completed
# without it, two drop-outs — and other situations, so /resultats/ shows two different years.
PROFILES_2024 = [
    ("certified", {0: (W, True), 6: (W, True), 24: (W, True)}),
    ("certified", {0: (S, None), 6: (Situation.EMPLOYED, False), 24: (Situation.EMPLOYED, True)}),
    ("certified", {0: (S, None), 6: (W, True), 24: (W, True)}),
    ("certified", {0: (T, None), 6: (W, True), 24: (W, True)}),
    ("certified", {0: (S, None), 6: (S, None), 24: (S, None)}),
    ("certified", {0: (W, True), 6: (Situation.BOTH, True), 24: (W, True)}),
    ("certified", {0: None, 6: None, 24: (W, True)}),
    ("certified", {0: (S, None), 6: (W, True), 24: (W, True)}),
    ("certified", {0: (S, None), 6: (W, False), 24: (W, True)}),
    ("certified", {0: (W, True), 6: (W, True), 24: (W, True)}),
    ("completed", {0: (S, None), 6: (W, True), 24: (W, True)}),
    ("completed", {0: (T, None), 6: (T, None), 24: (Situation.EMPLOYED, False)}),
    ("dropped_out", {0: (Situation.EMPLOYED, False), 6: None, 24: None}),
    ("dropped_out", {0: (S, None), 6: (S, None), 24: None}),
]
COMMENTS = [
    "Le compagnonnage m'a appris à parler de mon travail. J'ai trois clients réguliers.",
    "La banque de missions m'a donné mes deux premiers clients.",
    "Je cherche encore, mais je sais maintenant comment me présenter.",
    "",
]


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def seed(world: dict) -> None:
    if Cohort.objects.filter(name="Promotion 2023").exists():
        return
    staff = world["formateur@demo.test"]
    certification = Certification.objects.current()
    password = make_password(None)
    promotions = [
        ("Promotion 2023", date(2023, 1, 9), date(2023, 12, 15), "opco"),
        ("Promotion 2024", date(2024, 1, 15), date(2024, 10, 31), "france_travail"),
    ]
    for index, (name, starts_on, ends_on, funding) in enumerate(promotions):
        cohort = Cohort.objects.create(
            name=name,
            certification=certification,
            starts_on=starts_on,
            ends_on=ends_on,
            formateur=staff,
            funding=funding,
            capacity=14,
            open_for_requests=False,
        )
        for n, (kind, _answers) in enumerate(PROFILES if index == 0 else PROFILES_2024):
            member = User.objects.create(
                email=f"promo{starts_on.year}-{n + 1:02d}@demo.test",
                first_name=FIRST[(n + index * 5) % len(FIRST)],
                last_name=LAST[(n * 3 + index) % len(LAST)],
                password=password,
                trade="Télésecrétariat" if n % 2 else "Rédaction web",
            )
            dropped = kind == "dropped_out"
            ended_on = starts_on + timedelta(days=150) if dropped else ends_on
            Enrollment.objects.create(
                cohort=cohort,
                member=member,
                stage=Stage.COMPAGNON if kind == "certified" else Stage.APPRENTICE,
                status=kind,
                drop_reason=(
                    ""
                    if not dropped
                    else "A trouvé un emploi salarié à temps plein."
                    if _answers[0] and _answers[0][0] == Situation.EMPLOYED
                    else "Une situation familiale qui ne laissait plus le temps du parcours."
                ),
                drop_cause=(
                    ""
                    if not dropped
                    else DropCause.WORK
                    if _answers[0] and _answers[0][0] == Situation.EMPLOYED
                    else DropCause.FAMILY
                ),
                requested_at=_aware(starts_on - timedelta(days=20)),
                enrolled_at=_aware(starts_on),
                ended_at=_aware(ended_on),
                stage_changed_at=_aware(ended_on),
                last_activity_at=_aware(ended_on),
            )
    services.sync_exits()
    today = timezone.localdate()
    follow_ups = FollowUp.objects.filter(exit__cohort__name__in=[p[0] for p in promotions]).select_related(
        "exit__member", "exit__enrollment__cohort"
    )
    for follow_up in follow_ups:
        if follow_up.due_on > today:
            continue
        number = int(follow_up.exit.member.email.split("-")[1][:2]) - 1
        profiles = PROFILES_2024 if follow_up.exit.member.email.startswith("promo2024-") else PROFILES
        answer = profiles[number][1].get(follow_up.wave)
        follow_up.sent_at = follow_up.last_sent_at = _aware(follow_up.due_on)
        if answer is None:  # no answer: two reminders went, the team may call
            follow_up.reminders_sent = 2
            follow_up.save()
            continue
        situation, in_trade = answer
        working = situation in (Situation.INDEPENDENT, Situation.EMPLOYED, Situation.BOTH)
        follow_up.answered_at = _aware(follow_up.due_on + timedelta(days=3 + number % 5))
        follow_up.channel = FollowUp.Channel.PHONE if number % 4 == 3 else FollowUp.Channel.LINK
        follow_up.recorded_by = staff if follow_up.channel == FollowUp.Channel.PHONE else None
        follow_up.situation = situation
        follow_up.in_target_trade = in_trade
        follow_up.income = (Income.UNDER_1500 if follow_up.wave < 24 else Income.UNDER_2000) if working else Income.NONE
        follow_up.clients_count = (2 + number % 4) if working else 0
        follow_up.missions_count = (4 + number % 7) if working else 0
        follow_up.bank_share = (BankShare.SOME if number % 3 else BankShare.ALL) if working else BankShare.NONE
        follow_up.comment = COMMENTS[number % len(COMMENTS)]
        follow_up.save()
