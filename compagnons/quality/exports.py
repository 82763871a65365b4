"""Files for auditors: the attendance sheet (PDF), CSV tables and the ZIP dossiers.

CSV files are UTF-8 with a byte-order mark and `;` as separator, so a spreadsheet opens them as they are in France.
Each builder runs a bounded number of queries for one apprentice, or streams the registers for the association.
"""

import csv
import io
import zipfile
from collections.abc import Callable
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from compagnons.accounts.models import User
from compagnons.apprenticeship import attendance
from compagnons.apprenticeship.models import Cohort, Enrollment, PlanGoal
from compagnons.certification.models import Decision, Evaluation
from compagnons.core import reports
from compagnons.core.pdf import render_pdf
from compagnons.core.spreadsheets import safe_cell
from compagnons.quality import figures
from compagnons.quality.models import Complaint, ImprovementAction, Survey
from compagnons.skills.models import Positioning
from compagnons.skills.results import positioning_result


def _noop(percent: int) -> None:
    return None


def csv_bytes(header: list[str], rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _dt(value) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


def _d(value) -> str:
    """A date as the French read it; a moment is first brought to local time (23:30 UTC is the next day here)."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    return value.strftime("%d/%m/%Y")


def zip_bytes(files: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(name, data)
    return buffer.getvalue()


# --- Attendance sheet (feuille d'émargement) ----------------------------------------------------


def attendance_context(apprentice: User, date_from: date | None = None, date_to: date | None = None) -> dict:
    """The training lines of apprenticeship.attendance (confirmed mentoring sessions, coaching confirmed by both
    sides while enrolled, …): one query per source, plus the enrollment."""
    lines = attendance.member_lines(apprentice, date_from, date_to)
    rows = [line.row for line in lines if line.kind == "mentoring"]
    coaching = [line.row for line in lines if line.kind == "coaching"]  # coaching received counts as training hours
    minutes = attendance.member_minutes(lines)
    enrollment = Enrollment.objects.filter(member=apprentice).select_related("cohort").order_by("-requested_at").first()
    return {
        "apprentice": apprentice,
        "enrollment": enrollment,
        "lines": lines,
        "sessions": rows,
        "coaching": coaching,
        "count": len(rows),
        "minutes": minutes,
        "hours": minutes // 60,
        "rest": minutes % 60,
        "date_from": date_from,
        "date_to": date_to,
        "generated_at": timezone.now(),
    }


def attendance_pdf(context: dict) -> bytes:
    return render_pdf("quality/attendance_pdf.html", context)


# --- One apprentice's dossier --------------------------------------------------------------------


def positioning_csv(apprentice: User) -> bytes:
    header = [
        _("Bilan"),
        _("Moment"),
        _("État"),
        _("Commencé le"),
        _("Terminé le"),
        _("Bloc"),
        _("Compétence"),
        _("Auto-évaluation"),
        _("Formateur"),
        _("Compagnon"),
        _("Niveau retenu"),
    ]
    rows = []
    positionings = (
        Positioning.objects.filter(member=apprentice)
        .exclude(status=Positioning.Status.DRAFT)
        .select_related("certification")
        .prefetch_related("assessments")
        .order_by("started_at")
    )
    for p in positionings:
        result = positioning_result(p)
        for block in result["blocks"]:
            for row in block.rows:
                rows.append(
                    [
                        p.pk,
                        p.get_moment_display(),
                        p.get_status_display(),
                        _d(p.started_at),
                        _d(p.reviewed_at),
                        block.block.code if block.block else "",
                        f"{row['competence'].code} — {row['competence'].label}",
                        *(
                            row[s].get_level_display() if row[s] else ""
                            for s in ("self", "staff", "mentor", "retained")
                        ),
                    ]
                )
    return csv_bytes(header, rows)


def plan_csv(apprentice: User) -> bytes:
    header = [_("Objectif (compétence)"), _("Échéance"), _("Étape"), _("Faite"), _("Faite le")]
    rows = []
    for goal in PlanGoal.objects.filter(apprentice=apprentice).select_related("competence").prefetch_related("steps"):
        label = f"{goal.competence.code} — {goal.competence.label}"
        steps = list(goal.steps.all())
        if not steps:
            rows.append([label, _d(goal.target_date), "", "", ""])
        for step in steps:
            rows.append(
                [label, _d(goal.target_date), step.label, _("oui") if step.done else _("non"), _dt(step.done_at)]
            )
    return csv_bytes(header, rows)


def sessions_csv(context: dict) -> bytes:
    header = [
        _("Date"),
        _("Durée (minutes)"),
        _("Modalité"),
        _("Compagnon"),
        _("Notée par le compagnon le"),
        _("Confirmée par l'apprenti·e le"),
    ]
    rows = [
        [
            _d(s.date),
            s.duration_minutes,
            s.get_mode_display(),
            s.mentor.display_name,
            _dt(s.logged_at),
            _dt(s.confirmed_at),
        ]
        for s in context["sessions"]
    ]
    return csv_bytes(header, rows)


def evaluations_csv(apprentice: User) -> bytes:
    header = [
        _("Jury du"),
        _("Chef-d'œuvre"),
        _("Bloc"),
        _("Membre du jury"),
        _("Critères remplis"),
        _("Propose de valider"),
        _("Commentaire"),
    ]
    evaluations = (
        Evaluation.objects.filter(candidacy__masterpiece__candidate=apprentice)
        .select_related("candidacy__session", "candidacy__masterpiece", "block", "member__user")
        .order_by("candidacy__session__date", "block__position", "pk")
    )
    rows = [
        [
            _d(e.candidacy.session.date),
            e.candidacy.masterpiece.title,
            f"{e.block.code} — {e.block.label}",
            e.member.user.display_name,
            len(e.criteria_met or []),
            _("oui") if e.proposes_validation else _("non"),
            e.comment,
        ]
        for e in evaluations
    ]
    return csv_bytes(header, rows)


def decisions_csv(apprentice: User) -> bytes:
    header = [_("Décision du"), _("Voie d'accès"), _("Décision"), _("Motifs"), _("Bloc"), _("Bloc validé"), _("Motifs")]
    rows = []
    decisions = Decision.objects.filter(candidate=apprentice).prefetch_related("blocks__block").order_by("decided_at")
    for d in decisions:
        blocks = list(d.blocks.all())
        if not blocks:
            rows.append([_d(d.decided_at), d.get_route_display(), d.get_outcome_display(), d.reasons, "", "", ""])
        for b in blocks:
            rows.append(
                [
                    _d(d.decided_at),
                    d.get_route_display(),
                    d.get_outcome_display(),
                    d.reasons,
                    b.block.code,
                    _("oui") if b.validated else _("non"),
                    b.reasons,
                ]
            )
    return csv_bytes(header, rows)


SURVEY_HEADER = [
    "Questionnaire",
    "Répondant",
    "Promotion",
    "Événement du",
    "Répondu le",
    "Satisfaction (1 à 4)",
    "Attentes remplies (1 à 4)",
    "Accompagnement (1 à 4)",
    "Recommanderait",
    "Le plus utile",
    "À améliorer",
]


def _survey_row(s: Survey) -> list:
    return [
        s.get_kind_display(),
        s.get_audience_display(),
        s.cohort.name if s.cohort_id else "",
        _d(s.event_at),
        _dt(s.answered_at),
        s.satisfaction,
        s.expectations,
        s.support,
        s.get_recommend_display() if s.recommend else "",
        s.liked,
        s.improve,
    ]


def satisfaction_csv(apprentice: User) -> bytes:
    surveys = Survey.objects.answered().filter(person=apprentice).select_related("cohort").order_by("event_at")
    return csv_bytes([_(h) for h in SURVEY_HEADER], [_survey_row(s) for s in surveys])


README_APPRENTICE = """Dossier d'audit (Qualiopi) — {name}
Fabriqué le {at}.

emargement.pdf        feuille d'émargement : séances notées par le compagnon et confirmées par l'apprenti·e
seances.csv           les mêmes séances, en tableau
positionnement.csv    bilans de positionnement (indicateur 8) : niveaux par compétence et par source
plan.csv              plan individuel (indicateur 10) : objectifs et étapes
evaluations.csv       grilles des membres du jury (indicateur 11)
decisions.csv         décisions du jury, par bloc (indicateur 16)
satisfaction.csv      réponses aux questionnaires de satisfaction (indicateur 30)

Fichiers CSV : séparateur « ; », encodage UTF-8.
"""


def apprentice_files(apprentice: User, progress: Callable[[int], None] = _noop) -> list[tuple[str, bytes]]:
    context = attendance_context(apprentice)
    files = [("emargement.pdf", attendance_pdf(context))]
    progress(40)
    files.append(("seances.csv", sessions_csv(context)))
    files.append(("positionnement.csv", positioning_csv(apprentice)))
    progress(60)
    files.append(("plan.csv", plan_csv(apprentice)))
    files.append(("evaluations.csv", evaluations_csv(apprentice)))
    files.append(("decisions.csv", decisions_csv(apprentice)))
    progress(80)
    files.append(("satisfaction.csv", satisfaction_csv(apprentice)))
    readme = README_APPRENTICE.format(name=apprentice.display_name, at=_dt(timezone.now()))
    return [("LISEZ-MOI.txt", readme.encode("utf-8")), *files]


# --- The association's dossier ---------------------------------------------------------------------


def complaints_csv() -> bytes:
    header = [
        _("Numéro"),
        _("Nature"),
        _("Sujet"),
        _("Reçue le"),
        _("Accusé de réception le"),
        _("Réponse attendue le"),
        _("Responsable"),
        _("État"),
        _("En retard"),
        pgettext("réclamation", "Objet"),
        _("Description"),
        _("Réponse"),
        _("Répondue le"),
        _("Close le"),
        _("Actions d'amélioration"),
    ]
    today = timezone.localdate()
    complaints = Complaint.objects.select_related("owner").prefetch_related("actions").order_by("year", "sequence")
    rows = (
        [
            c.number,
            c.get_kind_display(),
            c.get_topic_display(),
            _dt(c.received_at),
            _dt(c.acknowledged_at),
            _d(c.due_on),
            c.owner.display_name if c.owner_id else "",
            c.get_status_display(),
            _("oui") if c.is_open and c.due_on < today else _("non"),
            c.subject,
            c.body,
            c.answer,
            _dt(c.answered_at),
            _dt(c.closed_at),
            ", ".join(f"n°{a.pk}" for a in c.actions.all()),
        ]
        for c in complaints.iterator(chunk_size=500)
    )
    return csv_bytes(header, rows)


def actions_csv() -> bytes:
    header = [
        _("N°"),
        _("Action"),
        _("Cause"),
        _("Réclamation"),
        _("Précisions sur la cause"),
        _("Description"),
        _("Responsable"),
        _("Échéance"),
        _("État"),
        _("En retard"),
        _("Effet constaté"),
        _("Résultat mesuré"),
        _("Créée le"),
        _("Faite le"),
    ]
    today = timezone.localdate()
    actions = ImprovementAction.objects.select_related("owner", "complaint").order_by("created_at", "pk")
    rows = (
        [
            a.pk,
            a.title,
            a.get_cause_display(),
            a.complaint.number if a.complaint_id else "",
            a.cause_detail,
            a.description,
            a.owner.display_name,
            _d(a.due_on),
            a.get_status_display(),
            _("oui") if a.is_open and a.due_on < today else _("non"),
            a.effect,
            a.measured_result,
            _dt(a.created_at),
            _dt(a.done_at),
        ]
        for a in actions.iterator(chunk_size=500)
    )
    return csv_bytes(header, rows)


def satisfaction_summary_csv() -> bytes:
    """Per cohort, questionnaire and respondent: the base, respondents, satisfied, mean score; then the clients."""
    header = [
        _("Promotion"),
        _("Questionnaire"),
        _("Répondant"),
        _("Questionnaires envoyés"),
        _("Répondants"),
        _("Satisfaits (3 ou 4 sur 4)"),
        _("Part de satisfaits (%)"),
        _("Note moyenne (sur 4)"),
    ]
    names = dict(Cohort.objects.values_list("pk", "name"))
    rows = []
    for row in figures.satisfaction_rows(list(names)):
        rows.append(
            [
                names[row["cohort_id"]],
                row["kind_label"],
                row["audience_label"],
                row["surveyed"],
                row["respondents"],
                row["satisfied"],
                row["share"],
                round(row["mean"], 2) if row["mean"] is not None else None,
            ]
        )
    missions = figures.mission_satisfaction()
    rows.append(
        [
            _("Toutes missions"),
            Survey.Kind.MISSION.label,
            Survey.Audience.CLIENT.label,
            missions["surveyed"],
            missions["respondents"],
            missions["satisfied"],
            missions["share"],
            round(missions["mean"], 2) if missions["mean"] is not None else None,
        ]
    )
    return csv_bytes(header, rows)


def hours_csv() -> bytes:
    header = [_("Promotion"), _("Début"), _("Fin"), _("Inscrits"), _("Séances confirmées"), _("Heures de formation")]
    cohorts = list(Cohort.objects.order_by("starts_on", "name"))
    hours = figures.cohort_hours([c.pk for c in cohorts])
    rows = [
        [
            c.name,
            _d(c.starts_on),
            _d(c.ends_on),
            hours[c.pk]["members"],
            hours[c.pk]["sessions"],
            str(hours[c.pk]["hours"]).replace(".", ","),
        ]
        for c in cohorts
    ]
    return csv_bytes(header, rows)


README_ASSOCIATION = """Dossier d'audit (Qualiopi) — l'association
Fabriqué le {at}.

indicateurs/              indicateurs de résultats (indicateurs 1 à 3) : taux d'insertion, de certification, d'abandon
satisfaction.csv          satisfaction par promotion, questionnaire et répondant (indicateur 30), avec les bases
reclamations.csv          registre des réclamations (indicateur 31)
amelioration.csv          actions d'amélioration : cause, action, responsable, échéance, effet (indicateur 32)
heures-par-promotion.csv  heures de formation : séances confirmées des inscrits de chaque promotion

Fichiers CSV : séparateur « ; », encodage UTF-8.
"""


def association_files(progress: Callable[[int], None] = _noop) -> list[tuple[str, bytes]]:
    files = reports.dossier_files()  # the outcome indicators, registered by outcomes
    progress(40)
    files.append(("satisfaction.csv", satisfaction_summary_csv()))
    files.append(("reclamations.csv", complaints_csv()))
    progress(60)
    files.append(("amelioration.csv", actions_csv()))
    files.append(("heures-par-promotion.csv", hours_csv()))
    progress(80)
    readme = README_ASSOCIATION.format(at=_dt(timezone.now()))
    return [("LISEZ-MOI.txt", readme.encode("utf-8")), *files]
