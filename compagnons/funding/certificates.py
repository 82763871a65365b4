"""The certificat de réalisation (the document CPF and OPCO pay on), per enrollment and period, after the Ministry of
Labour's model (docs/funding.md): who delivers the action, who followed it, its title and nature, its dates and its
duration in hours.

The hours are those of `apprenticeship.attendance`, the one read module that quality's attendance sheets also call:
the lines confirmed by both sides over the period. The certificate keeps the figures it was issued with and its PDF
(private storage); a later confirmation over the same period needs a new certificate for a new period."""

from datetime import date

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from compagnons.apprenticeship import attendance
from compagnons.apprenticeship.models import Enrollment
from compagnons.core import audit
from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.core.pdf import render_pdf
from compagnons.core.permissions import is_team
from compagnons.funding.agreements import organisation
from compagnons.funding.models import AgreementStatus, CompletionCertificate, PartyKind, TrainingAgreement


def enrollment_bounds(enrollment: Enrollment) -> tuple[date, date]:
    """The days a certificate may cover: from the cohort's start to its end, or to the member's exit if earlier."""
    end = enrollment.cohort.ends_on
    if enrollment.ended_at:
        end = min(end, timezone.localdate(enrollment.ended_at))
    return enrollment.cohort.starts_on, end


def _check_period(enrollment: Enrollment, period_start, period_end) -> None:
    if not isinstance(period_start, date) or not isinstance(period_end, date):
        raise InvalidTransition(_("Indiquez le premier et le dernier jour de la période."))
    if period_end < period_start:
        raise InvalidTransition(_("La fin de la période ne peut pas précéder son début."))
    first, last = enrollment_bounds(enrollment)
    if period_start < first or period_end > last:
        raise InvalidTransition(
            _("La période doit rester dans celle de l'inscription, du %(start)s au %(end)s.")
            % {"start": first.strftime("%d/%m/%Y"), "end": last.strftime("%d/%m/%Y")}
        )
    if period_end > timezone.localdate():
        raise InvalidTransition(_("Un certificat de réalisation ne porte que sur des jours passés."))


@transaction.atomic
def issue_certificate(enrollment: Enrollment, *, period_start, period_end, by) -> CompletionCertificate:
    if not is_team(by):
        raise PermissionRefused(_("Seule l'équipe établit les certificats de réalisation."))
    if enrollment.status == Enrollment.Status.REQUESTED:
        raise InvalidTransition(_("Cette personne n'est pas inscrite."))
    _check_period(enrollment, period_start, period_end)
    if CompletionCertificate.objects.filter(
        enrollment=enrollment, period_start__lte=period_end, period_end__gte=period_start
    ).exists():
        raise InvalidTransition(_("Un certificat couvre déjà une partie de cette période."))
    lines = attendance.member_lines(enrollment.member, period_start, period_end)
    minutes = attendance.member_minutes(lines)
    if not minutes:
        raise InvalidTransition(_("Aucune séance confirmée par les deux côtés sur cette période : rien à certifier."))
    try:
        with transaction.atomic():
            certificate = CompletionCertificate.objects.create(
                enrollment=enrollment,
                period_start=period_start,
                period_end=period_end,
                minutes=minutes,
                sessions=len(lines),
                issued_by=by,
            )
    except IntegrityError:
        raise InvalidTransition(_("Un certificat couvre déjà cette période.")) from None
    content = render_pdf("funding/certificate_pdf.html", certificate_context(certificate, lines))
    certificate.pdf.save(f"certificat-realisation-{certificate.pk}.pdf", ContentFile(content), save=False)
    CompletionCertificate.objects.filter(pk=certificate.pk).update(pdf=certificate.pdf.name)
    audit.log(
        by,
        "funding.certificate_issued",
        certificate,
        enrollment=enrollment.pk,
        start=period_start.isoformat(),
        end=period_end.isoformat(),
        minutes=minutes,
    )
    return certificate


def certificate_context(certificate: CompletionCertificate, lines: list) -> dict:
    enrollment = certificate.enrollment
    employer = (
        TrainingAgreement.objects.filter(
            enrollment=enrollment, party_kind=PartyKind.EMPLOYER, status=AgreementStatus.SIGNED
        )
        .order_by("-signed_at")
        .values_list("party_name", flat=True)
        .first()
    )
    by_kind: dict[str, dict] = {}
    for line in lines:
        entry = by_kind.setdefault(line.kind, {"label": line.kind_label, "count": 0, "minutes": 0})
        entry["count"] += 1
        entry["minutes"] += line.minutes
    return {
        "c": certificate,
        "member": enrollment.member,
        "cohort": enrollment.cohort,
        "employer": employer,
        "lines": lines,
        "by_kind": list(by_kind.values()),
        "org": organisation(),
    }


def can_see_certificate(user, certificate: CompletionCertificate) -> bool:
    return is_team(user) or user.pk == certificate.enrollment.member_id


def get_certificate_for_viewer(user, pk: int) -> CompletionCertificate:
    certificate = get_object_or_404(CompletionCertificate.objects.select_related("enrollment"), pk=pk)
    if not can_see_certificate(user, certificate) or not certificate.pdf:
        raise Http404
    return certificate
