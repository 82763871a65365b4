import pytest
from django.db import IntegrityError

from compagnons.accounts.models import Role
from compagnons.apprenticeship import services
from compagnons.apprenticeship.models import Enrollment, Stage, StageTransition
from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.core.models import AuditLog
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class TestEnrollment:
    def test_a_member_asks_and_staff_accept(self, cohort, outsider, formateur):
        enrollment = services.request_enrollment(cohort, outsider)
        assert enrollment.status == Enrollment.Status.REQUESTED

        services.accept_enrollment(enrollment, by=formateur)

        enrollment.refresh_from_db()
        assert enrollment.status == Enrollment.Status.ACTIVE
        assert enrollment.stage == Stage.APPRENTICE
        assert outsider.role_grants.filter(role=Role.APPRENTICE).exists()

    def test_asking_twice_or_a_closed_cohort_is_refused(self, cohort, outsider):
        services.request_enrollment(cohort, outsider)
        with pytest.raises(InvalidTransition):
            services.request_enrollment(cohort, outsider)
        cohort.open_for_requests = False
        cohort.save()
        with pytest.raises(InvalidTransition):
            services.request_enrollment(cohort, UserFactory())

    def test_capacity_is_held(self, cohort, formateur):
        for _ in range(cohort.capacity):
            services.enroll(cohort, UserFactory(), by=formateur)
        with pytest.raises(InvalidTransition):
            services.enroll(cohort, UserFactory(), by=formateur)
        assert cohort.enrollments.active().count() == cohort.capacity

    def test_one_active_enrollment_per_member_is_a_database_rule(self, enrolled, cohort, apprenti):
        other = cohort.__class__.objects.create(
            name="Autre",
            certification=cohort.certification,
            starts_on=cohort.starts_on,
            ends_on=cohort.ends_on,
            formateur=cohort.formateur,
            funding="cpf",
            capacity=5,
        )
        with pytest.raises(IntegrityError):
            Enrollment.objects.create(cohort=other, member=apprenti, status=Enrollment.Status.ACTIVE)

    def test_only_staff_enroll(self, cohort, apprenti, outsider):
        with pytest.raises(PermissionRefused):
            services.enroll(cohort, outsider, by=apprenti)

    def test_drop_out_needs_a_reason(self, enrolled, formateur):
        with pytest.raises(InvalidTransition):
            services.drop_out(enrolled, by=formateur, reason=" ")
        services.drop_out(enrolled, by=formateur, reason="A retrouvé un emploi salarié")
        enrolled.refresh_from_db()
        assert enrolled.status == Enrollment.Status.DROPPED_OUT
        assert AuditLog.objects.filter(action="enrollment.dropped_out").exists()

    def test_a_dropout_without_reason_is_refused_by_the_database(self, enrolled):
        with pytest.raises(IntegrityError):
            Enrollment.objects.filter(pk=enrolled.pk).update(status="dropped_out", drop_reason="")


class TestStages:
    def test_staff_record_the_adoption_piece_and_the_apprentice_becomes_aspirant(self, enrolled, apprenti, formateur):
        piece = services.record_adoption_piece(apprenti, by=formateur, description="Une vraie mission, bien faite.")

        enrolled.refresh_from_db()
        assert piece.confirmed_by == formateur
        assert enrolled.stage == Stage.ASPIRANT
        transition = StageTransition.objects.get()
        assert (transition.from_stage, transition.to_stage, transition.by) == ("apprentice", "aspirant", formateur)
        assert AuditLog.objects.filter(action="enrollment.stage_changed").exists()

    def test_the_mentor_records_and_staff_confirm(self, mentorship, enrolled, apprenti, compagnon, formateur):
        piece = services.record_adoption_piece(apprenti, by=compagnon, description="Premier devis accepté.")
        enrolled.refresh_from_db()
        assert enrolled.stage == Stage.APPRENTICE
        assert piece.confirmed_at is None

        with pytest.raises(PermissionRefused):
            services.confirm_adoption_piece(piece, by=compagnon)
        services.confirm_adoption_piece(piece, by=formateur)
        enrolled.refresh_from_db()
        assert enrolled.stage == Stage.ASPIRANT
        with pytest.raises(InvalidTransition):
            services.confirm_adoption_piece(piece, by=formateur)

    def test_others_cannot_record_it(self, enrolled, apprenti, outsider):
        other_mentor = UserFactory(compagnon=True)
        for who in (apprenti, outsider, other_mentor):
            with pytest.raises(PermissionRefused):
                services.record_adoption_piece(apprenti, by=who, description="Moi-même")
        enrolled.refresh_from_db()
        assert enrolled.stage == Stage.APPRENTICE

    def test_no_skipping_stages(self, enrolled, apprenti, formateur):
        with pytest.raises(InvalidTransition):
            services.receive_as_compagnon(apprenti, by=formateur, grounds="Jury")
        enrolled.refresh_from_db()
        assert enrolled.stage == Stage.APPRENTICE
        assert not apprenti.role_grants.filter(role=Role.COMPAGNON).exists()

    def test_the_jury_receives_an_aspirant_as_compagnon(self, enrolled, apprenti, formateur):
        services.record_adoption_piece(apprenti, by=formateur, description="Adoption")

        services.receive_as_compagnon(apprenti, by=formateur, grounds="Chef-d'œuvre reçu")

        enrolled.refresh_from_db()
        assert (enrolled.stage, enrolled.status) == (Stage.COMPAGNON, Enrollment.Status.CERTIFIED)
        assert apprenti.role_grants.filter(role=Role.COMPAGNON).exists()
        assert not apprenti.role_grants.filter(role=Role.APPRENTICE).exists()

    def test_only_staff_carry_the_jury_decision(self, enrolled, apprenti, compagnon, formateur):
        services.record_adoption_piece(apprenti, by=formateur, description="Adoption")
        with pytest.raises(PermissionRefused):
            services.receive_as_compagnon(apprenti, by=compagnon, grounds="Je le trouve prêt")

    def test_a_dropped_out_path_does_not_move(self, enrolled, apprenti, formateur):
        services.drop_out(enrolled, by=formateur, reason="Santé")
        with pytest.raises(InvalidTransition):
            services.record_adoption_piece(apprenti, by=formateur, description="Adoption")
