"""Demo data for the follow-up (called by `manage.py seed_demo`, after the path and the jury): two past cohorts large
enough to pass the public threshold, their exits, and answers at exit, 6 and 24 months — neutralised situations and
non-respondents included — so the dashboard and /resultats/ show real figures.

Each path goes through the real services, then is backdated: enrolled, mentored by a founding compagnon, dropped out
or aspirant; the aspirants' chefs-d'œuvre go to their promotion's jury on its last day, which validates every bloc of
the holders (received as compagnons by the decision) and some blocs only of the paths completed without the title —
so the title rate and the per-bloc rates tell one story."""

from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from compagnons.accounts.models import User
from compagnons.apprenticeship import services as path
from compagnons.apprenticeship.models import (
    AdoptionPiece,
    Cohort,
    DropCause,
    Enrollment,
    Mentorship,
    Stage,
    StageTransition,
)
from compagnons.certification import services as certification_services
from compagnons.certification.models import Decision, Evaluation, JuryMember, JurySession, Masterpiece
from compagnons.outcomes import services
from compagnons.outcomes.models import BankShare, FollowUp, Income, Situation
from compagnons.skills.models import Assessment, Certification

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


# Chefs-d'œuvre by trade, and why a jury did not validate a bloc (the paths completed without the title).
MASTERPIECES = {
    "Rédaction web": [
        "Le blog d'une coopérative agricole, un an d'articles",
        "Les fiches produits d'une boutique de thé en ligne",
        "La refonte éditoriale du site d'un cabinet de kinésithérapie",
    ],
    "Télésecrétariat": [
        "Le secrétariat à distance d'un cabinet d'infirmiers",
        "La permanence téléphonique d'une entreprise de plomberie",
        "L'agenda partagé de trois orthophonistes",
    ],
}
REFUSED = {
    "BC04": "Le prévisionnel ne compte pas les cotisations sociales : reprendre le calcul du tarif journalier.",
    "BC05": "La mission présentée a été livrée en retard sans que le client soit prévenu : montrer une mission suivie "
    "de bout en bout.",
    "BC06": "Aucune transmission montrée : accompagner un apprenti sur quelques séances et en rendre compte.",
}
# For each path completed without the title, in order: the blocs its jury did not validate (the others are).
NOT_VALIDATED = {"Promotion 2023": [["BC04", "BC06"]], "Promotion 2024": [["BC06"], ["BC04", "BC05", "BC06"]]}
JURY_REASONS = [
    "Un chef-d'œuvre solide, présenté avec clarté.",
    "Une mission exigeante menée avec méthode ; le client en témoigne.",
    "Un dossier complet et une soutenance convaincante.",
]
# The promotions' juries: external professionals, none of them a mentor or trainer of these candidates.
JURY = [
    ("paul.girard@demo.test", "Gestionnaire d'association"),
    ("bernard.rousseau@demo.test", "Traducteur indépendant"),
    ("client@demo.test", "Gérante d'une librairie en ligne"),
]


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def _path(
    cohort: Cohort, member: User, n: int, kind: str, answers: dict, *, staff: User, mentor: User
) -> Masterpiece | None:
    """One member's path through the path's services, backdated: enrolled, mentored, then dropped out — or
    aspirant with a chef-d'œuvre ready for the promotion's jury (returned)."""
    starts_on, ends_on = cohort.starts_on, cohort.ends_on
    enrollment = path.enroll(cohort, member, by=staff)
    mentorship = path.assign_mentor(member, mentor, by=staff)
    started = _aware(starts_on + timedelta(days=7 + n % 5))
    Mentorship.objects.filter(pk=mentorship.pk).update(started_at=started)
    Enrollment.objects.filter(pk=enrollment.pk).update(
        requested_at=_aware(starts_on - timedelta(days=20)), enrolled_at=_aware(starts_on)
    )
    if kind == "dropped_out":
        left = _aware(starts_on + timedelta(days=150))
        working = answers[0] and answers[0][0] == Situation.EMPLOYED
        path.drop_out(
            enrollment,
            by=staff,
            reason="A trouvé un emploi salarié à temps plein."
            if working
            else "Une situation familiale qui ne laissait plus le temps du parcours.",
            cause=DropCause.WORK if working else DropCause.FAMILY,
        )
        path.end_mentorship(mentorship, by=staff, reason="Abandon du parcours.")
        Mentorship.objects.filter(pk=mentorship.pk).update(ended_at=left)
        Enrollment.objects.filter(pk=enrollment.pk).update(
            ended_at=left, stage_changed_at=_aware(starts_on), last_activity_at=left
        )
        return None
    adopted = _aware(starts_on + timedelta(days=100 + 3 * n))
    piece = path.record_adoption_piece(
        member, by=mentor, description="Une première mission réelle pour un client, livrée à temps et sans reprise."
    )
    path.confirm_adoption_piece(piece, by=staff)
    AdoptionPiece.objects.filter(pk=piece.pk).update(recorded_at=adopted, confirmed_at=adopted)
    StageTransition.objects.filter(enrollment=enrollment, to_stage=Stage.ASPIRANT).update(at=adopted)
    Enrollment.objects.filter(pk=enrollment.pk).update(stage_changed_at=adopted, last_activity_at=adopted)
    certification = cohort.certification
    titles = MASTERPIECES[member.trade]
    masterpiece = certification_services.declare_masterpiece(
        member,
        certification=certification,
        title=titles[n % len(titles)],
        account="Le contexte du client, ce que j'ai proposé, comment je me suis organisé·e à distance, ce que le "
        "client en a dit — et ce que je ferais autrement.",
        competences=list(certification.competences.all()),
    )
    certification_services.confirm_ready(masterpiece, by=mentor)
    Masterpiece.objects.filter(pk=masterpiece.pk).update(
        created_at=_aware(ends_on - timedelta(days=40)), ready_at=_aware(ends_on - timedelta(days=30))
    )
    return masterpiece


def _jury(cohort: Cohort, candidates: list[tuple[Masterpiece, list[str]]], world: dict, *, staff: User) -> None:
    """The promotion's jury, on its last day: every bloc validated for the holders, a partial decision (with its
    reasons) for the paths completed without the title; then the enrollments are closed on that day."""
    ends_on, certification = cohort.ends_on, cohort.certification
    session = JurySession.objects.create(
        certification=certification, date=ends_on, place="Locaux de l'association, Toulouse", organised_by=staff
    )
    for email, profession in JURY:
        certification_services.add_member(session, world[email], by=staff, is_external=True, profession=profession)
    blocks = list(certification.blocks.prefetch_related("competences"))
    criteria = {b.pk: len([c for comp in b.competences.all() for c in comp.criteria]) for b in blocks}
    results = {}
    for masterpiece, refused in candidates:
        candidacy = certification_services.add_candidate(session, masterpiece, by=staff)
        results[candidacy.pk] = {
            b.pk: (b.code not in refused, REFUSED[b.code] if b.code in refused else "") for b in blocks
        }
    candidacies = list(session.candidacies.select_related("session", "masterpiece"))
    seats = list(session.members.select_related("user"))
    for seat in seats:
        certification_services.declare_no_conflict(seat, by=seat.user)
        for candidacy in candidacies:
            for block in blocks:
                ok, why = results[candidacy.pk][block.pk]
                certification_services.evaluate(
                    candidacy,
                    block,
                    by=seat.user,
                    criteria_met=list(range(criteria[block.pk] if ok else criteria[block.pk] // 2)),
                    proposes_validation=ok,
                    comment=why,
                )
    for n, candidacy in enumerate(candidacies):
        validated = all(ok for ok, _why in results[candidacy.pk].values())
        certification_services.decide(
            candidacy,
            results[candidacy.pk],
            by=staff,
            reasons=JURY_REASONS[n % len(JURY_REASONS)]
            if validated
            else "Le titre n'est pas obtenu : les blocs validés restent acquis, les autres se repassent devant un "
            "prochain jury.",
        )
    for seat in seats:
        certification_services.confirm_minutes(seat, by=seat.user)
    day, held = _aware(ends_on), _aware(ends_on - timedelta(days=7))
    JurySession.objects.filter(pk=session.pk).update(created_at=_aware(ends_on - timedelta(days=60)))
    JuryMember.objects.filter(session=session).update(
        no_conflict_declared_at=held, minutes_confirmed_at=day + timedelta(days=2)
    )
    Evaluation.objects.filter(candidacy__session=session).update(updated_at=day)
    Decision.objects.filter(candidacy__session=session).update(decided_at=day)
    members = [masterpiece.candidate_id for masterpiece, _refused in candidates]
    Assessment.objects.filter(member_id__in=members, source=Assessment.Source.JURY).update(assessed_at=day)
    # The holders were received by the decision (receive_as_compagnon: certified, compagnon, mentorship ended);
    # the others complete their path the same day.
    for enrollment in cohort.enrollments.filter(member_id__in=members, status=Enrollment.Status.ACTIVE):
        path.complete_path(enrollment, by=staff)
        mentorship = Mentorship.objects.active().get(apprentice_id=enrollment.member_id)
        path.end_mentorship(
            mentorship, by=staff, reason="Parcours terminé sans le titre : les blocs validés restent acquis."
        )
    Mentorship.objects.filter(apprentice_id__in=members).update(ended_at=day)
    StageTransition.objects.filter(enrollment__cohort=cohort, to_stage=Stage.COMPAGNON).update(at=day)
    cohort.enrollments.filter(member_id__in=members, status=Enrollment.Status.CERTIFIED).update(stage_changed_at=day)
    cohort.enrollments.filter(member_id__in=members).update(ended_at=day, last_activity_at=day)


def seed(world: dict) -> None:
    if Cohort.objects.filter(name="Promotion 2023").exists():
        return
    staff = world["formateur@demo.test"]
    # The founding compagnons accompanied the first promotions (Marie one apprentice in three).
    jean_pierre, marie = world["compagnon@demo.test"], world["marie.lefevre@demo.test"]
    certification = Certification.objects.current()
    password = make_password(None)
    promotions = [
        ("Promotion 2023", date(2023, 1, 9), date(2023, 12, 15), "opco"),
        ("Promotion 2024", date(2024, 1, 15), date(2024, 10, 31), "france_travail"),
    ]
    for index, (name, starts_on, ends_on, funding) in enumerate(promotions):
        cohort = path.save_cohort(
            Cohort(
                name=name,
                certification=certification,
                starts_on=starts_on,
                ends_on=ends_on,
                formateur=staff,
                funding=funding,
                capacity=14,
                open_for_requests=False,
            ),
            by=staff,
        )
        refusals = iter(NOT_VALIDATED[name])
        candidates = []
        for n, (kind, answers) in enumerate(PROFILES if index == 0 else PROFILES_2024):
            member = User.objects.create(
                email=f"promo{starts_on.year}-{n + 1:02d}@demo.test",
                first_name=FIRST[(n + index * 5) % len(FIRST)],
                last_name=LAST[(n * 3 + index) % len(LAST)],
                password=password,
                trade="Télésecrétariat" if n % 2 else "Rédaction web",
            )
            mentor = marie if n % 3 == 1 else jean_pierre
            masterpiece = _path(cohort, member, n, kind, answers, staff=staff, mentor=mentor)
            if masterpiece is not None:
                candidates.append((masterpiece, next(refusals) if kind == "completed" else []))
        _jury(cohort, candidates, world, staff=staff)
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
