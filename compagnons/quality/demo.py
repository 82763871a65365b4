"""Demo data for quality (called by `manage.py seed_demo`, after outcomes): satisfaction answers for the two past
cohorts (à chaud and à froid, apprentices and their mentors), surveys due for the demo world's recent events, clients'
answers after missions, five complaints (one overdue, one answered and closed) and four improvement actions (one
caused by a complaint). Idempotent: it does nothing once its first action exists."""

from datetime import timedelta

from django.utils import timezone

from compagnons.apprenticeship.models import Enrollment
from compagnons.quality import services
from compagnons.quality.models import Complaint, ImprovementAction, Survey

MARKER = "Envoyer un guide d'accueil aux nouveaux donneurs d'ordre"
COHORTS = ["Promotion 2023", "Promotion 2024"]
# Overall satisfaction at the end of the path, per member (None: did not answer), and six months later.
HOT = [4, 4, 3, 4, 2, 3, None, 4, 3, 4, 1, 4, 3, 2]
COLD = [4, None, 3, 4, 3, None, 4, 4, None, 3, 2, 4, None, None]
LIKED = [
    "Les séances avec mon compagnon : il prenait le temps d'expliquer.",
    "La première mission, accompagnée : j'ai osé facturer.",
    "Le carnet de route, pour voir ce que j'avais appris.",
    "",
    "Le jury : exigeant mais bienveillant.",
]
IMPROVE = [
    "",
    "Plus de séances au début du parcours, c'est là qu'on doute le plus.",
    "Le site : je ne trouvais pas où confirmer mes séances.",
    "Annoncer plus tôt la date du jury.",
]


def _answer(survey: Survey, n: int, score: int, answered_at) -> None:
    survey.satisfaction = score
    survey.expectations = max(1, min(4, score - (n % 3 == 0)))
    survey.support = max(1, min(4, score + (n % 4 == 1)))
    survey.recommend = "yes" if score >= 3 else ("maybe" if score == 2 else "no")
    survey.liked = LIKED[n % len(LIKED)]
    survey.improve = IMPROVE[n % len(IMPROVE)]
    survey.answered_at = answered_at


def _cohort_surveys(world: dict) -> None:
    mentors = [world[e] for e in ("compagnon@demo.test", "marie.lefevre@demo.test", "sylvie.garnier@demo.test")]
    enrollments = (
        Enrollment.objects.filter(cohort__name__in=COHORTS, ended_at__isnull=False)
        .select_related("cohort")
        .order_by("cohort__starts_on", "member__email")
    )
    rows = []
    for enrollment in enrollments:
        n = int(enrollment.member.email.split("-")[1][:2]) - 1 if "-" in enrollment.member.email else 0
        ended = enrollment.ended_at
        common = {"enrollment": enrollment, "cohort": enrollment.cohort}
        hot = Survey(
            kind=Survey.Kind.PATH_HOT,
            audience=Survey.Audience.APPRENTICE,
            person=enrollment.member,
            event_at=ended,
            created_at=ended,
            closes_at=ended + timedelta(days=45),
            invited_at=ended,
            **common,
        )
        if HOT[n % len(HOT)] is None:
            hot.reminders_sent, hot.last_reminded_at = 2, ended + timedelta(days=14)
        else:
            _answer(hot, n, HOT[n % len(HOT)], ended + timedelta(days=2 + n % 5))
        rows.append(hot)
        cold_at = ended + timedelta(days=182)
        if cold_at < timezone.now():
            cold = Survey(
                kind=Survey.Kind.PATH_COLD,
                audience=Survey.Audience.APPRENTICE,
                person=enrollment.member,
                event_at=ended,
                created_at=cold_at,
                closes_at=cold_at + timedelta(days=45),
                invited_at=cold_at,
                **common,
            )
            if COLD[n % len(COLD)] is None:
                cold.reminders_sent, cold.last_reminded_at = 2, cold_at + timedelta(days=14)
            else:
                _answer(cold, n + 1, COLD[n % len(COLD)], cold_at + timedelta(days=4))
            rows.append(cold)
        if n % 3 == 0:  # a few mentors answered about the path they accompanied
            mentor = Survey(
                kind=Survey.Kind.PATH_HOT,
                audience=Survey.Audience.MENTOR,
                person=mentors[n % len(mentors)],
                event_at=ended,
                created_at=ended,
                closes_at=ended + timedelta(days=45),
                invited_at=ended,
                **common,
            )
            _answer(mentor, n + 2, 4 if n % 2 else 3, ended + timedelta(days=5))
            rows.append(mentor)
    Survey.objects.bulk_create(rows, ignore_conflicts=True)


def _recent_surveys(world: dict) -> None:
    """What the periodic job would create for the demo world's recent events (ended paths, closed missions); the
    clients other than the demo client have answered, the demo client's survey waits in their space."""
    services.create_due_surveys()
    client = world["client@demo.test"]
    for n, survey in enumerate(Survey.objects.filter(kind=Survey.Kind.MISSION).exclude(person=client)):
        _answer(survey, n, 4 if n % 3 else 3, timezone.now() - timedelta(hours=n + 1))
        survey.invited_at = survey.created_at
        survey.save()


def _complaints(world: dict) -> list[Complaint]:
    staff = world["formateur@demo.test"]
    now = timezone.now()
    specs = [
        # (days ago, by, name, email, kind, topic, subject, body)
        (
            40,
            None,
            "Hélène Vasseur",
            "helene.vasseur@exemple.org",
            "complaint",
            "mission",
            "Livrable reçu avec une semaine de retard",
            "La plaquette commandée pour notre association est arrivée une semaine après la date prévue, sans que "
            "nous ayons été prévenus. Nous avons dû décaler notre assemblée générale.",
        ),
        (
            20,
            world["client@demo.test"],
            "",
            "",
            "difficulty",
            "platform",
            "Je ne retrouve pas les candidatures à ma mission",
            "Depuis mon espace, je ne vois plus les candidatures reçues pour ma dernière mission.",
        ),
        (
            9,
            world["apprenti@demo.test"],
            "",
            "",
            "complaint",
            "path",
            "Séances annulées deux fois de suite",
            "Mes deux dernières séances ont été annulées la veille. Je voudrais savoir si je peux changer de créneau.",
        ),
        (
            4,
            None,
            "Marc Lefort",
            "marc.lefort@exemple.org",
            "complaint",
            "certification",
            "Date du jury annoncée trop tard",
            "Mon fils, candidat, n'a appris la date de son jury que dix jours avant. "
            "C'est trop court pour s'organiser.",
        ),
        (
            1,
            world["karim.haddad@demo.test"],
            "",
            "",
            "difficulty",
            "path",
            "Accès au carnet de route sur téléphone",
            "Sur mon téléphone, le bouton pour ajouter une preuve est caché par le bas de l'écran.",
        ),
    ]
    complaints = []
    for i, (days, by, name, email, kind, topic, subject, body) in enumerate(specs):
        complaint = services.file_complaint(
            by=by,
            kind=kind,
            topic=topic,
            subject=subject,
            body=body,
            name=name,
            email=email,
            ip=f"192.0.2.{i + 1}",
        )
        received = now - timedelta(days=days)
        # The acknowledgement went at the time: mark it, so the queued e-mail task finds nothing to send.
        Complaint.objects.filter(pk=complaint.pk).update(
            received_at=received,
            acknowledged_at=received + timedelta(minutes=1),
            due_on=timezone.localdate(received) + services.complaint_delay(),
        )
        complaint.refresh_from_db()
        complaints.append(complaint)
    late_answered, overdue, in_progress, _new, _newest = complaints
    services.assign_complaint(overdue, staff, by=staff)  # 20 days ago, due 5 days ago: overdue
    services.assign_complaint(in_progress, staff, by=staff)
    Complaint.objects.filter(pk=late_answered.pk).update(owner=staff, status=Complaint.Status.IN_PROGRESS)
    answered = Complaint.objects.get(pk=late_answered.pk)
    answered.answer = (
        "Madame, vous avez raison : le retard aurait dû vous être annoncé. Nous avons rappelé au membre l'obligation "
        "de prévenir, et nous ajoutons un point d'étape obligatoire à mi-mission. Avec nos excuses."
    )
    answered.answered_at = answered.received_at + timedelta(days=6)
    answered.answered_by = staff
    answered.status = Complaint.Status.CLOSED
    answered.closed_at = answered.received_at + timedelta(days=12)
    answered.save()
    return complaints


def _actions(world: dict, complaints: list[Complaint]) -> None:
    staff = world["formateur@demo.test"]
    today = timezone.localdate()
    specs = [
        {
            "title": "Point d'étape obligatoire à mi-mission",
            "cause": ImprovementAction.Cause.COMPLAINT,
            "complaint": complaints[0],
            "description": "Chaque mission de plus de cinq jours comporte un point d'étape entre le membre "
            "et le client.",
            "due_on": today - timedelta(days=20),
            "status": ImprovementAction.Status.DONE,
            "effect": "Plus aucun retard non annoncé depuis.",
            "measured_result": "0 réclamation pour retard sur 9 missions suivantes",
        },
        {
            "title": "Deux séances par semaine le premier mois",
            "cause": ImprovementAction.Cause.SATISFACTION,
            "cause_detail": "Promotion 2024 : plusieurs réponses « plus de séances au début ».",
            "description": "Les compagnons proposent deux séances par semaine pendant le premier mois du parcours.",
            "due_on": today + timedelta(days=30),
            "status": ImprovementAction.Status.IN_PROGRESS,
        },
        {
            "title": "Appeler tout apprenti sans activité depuis trois semaines",
            "cause": ImprovementAction.Cause.DROPOUTS,
            "cause_detail": "Un abandon par promotion, chaque fois après un long silence.",
            "description": "La formatrice appelle l'apprenti signalé par l'alerte d'inactivité, dans la semaine.",
            "due_on": today - timedelta(days=3),
            "status": ImprovementAction.Status.PLANNED,
        },
        {
            "title": "Annoncer la date du jury deux mois à l'avance",
            "cause": ImprovementAction.Cause.AUDIT,
            "cause_detail": "Remarque de l'audit initial : délai de convocation non formalisé.",
            "description": "La date du jury est fixée et annoncée aux candidats au moins deux mois avant.",
            "due_on": today - timedelta(days=60),
            "status": ImprovementAction.Status.DONE,
            "effect": "Les candidats ont le temps de préparer leur présentation.",
            "measured_result": "Délai moyen d'annonce : 68 jours (3 jurys)",
        },
        {
            "title": MARKER,
            "cause": ImprovementAction.Cause.OTHER,
            "description": "Une page qui explique au client comment rédiger sa mission et suivre les candidatures.",
            "due_on": today + timedelta(days=45),
            "status": ImprovementAction.Status.PLANNED,
        },
    ]
    for spec in specs:
        services.save_action(ImprovementAction(owner=staff, **spec), by=staff)


def seed(world: dict) -> None:
    if ImprovementAction.objects.filter(title=MARKER).exists():
        return
    _cohort_surveys(world)  # does nothing if the outcomes demo's cohorts are not there
    _recent_surveys(world)
    _actions(world, _complaints(world))
