"""Training agreements: a convention (employer or funder) or a contrat (the person pays themself) as a real PDF with
the legal mentions; signed by both parties on the platform (audited, timestamped) and kept as signed; a change makes
an avenant; a party without an account signs outside and staff upload the copy; members see only their own."""

import hashlib
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.core.models import AuditLog
from compagnons.funding import agreements
from compagnons.funding.models import AgreementKind, AgreementStatus, PartyKind, TrainingAgreement
from tests.factories import UserFactory
from tests.factories.funding_plans import agreement_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _pdf_upload(name="copie.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", content_type="application/pdf")


def test_a_contract_carries_the_withdrawal_and_the_cap(enrolled, formateur):
    contract = agreement_for(enrolled, by=formateur, kind=AgreementKind.CONTRACT)
    assert contract.party_user == enrolled.member and contract.withdrawal_days == 10
    assert contract.number.startswith("CT-")
    text = _text(agreements.agreement_pdf(contract))
    for mention in ("L6353-5", "10 jours", "30 %", "1800", "Projet"):
        assert mention in text
    assert "rétracter" in text and "400 heures" in text


def test_a_convention_names_the_programme_from_the_referentiel(enrolled, formateur):
    convention = agreement_for(enrolled, by=formateur)
    blocks = list(enrolled.cohort.certification.blocks.order_by("position"))
    text = _text(agreements.agreement_pdf(convention))
    assert convention.number.startswith("CF-") and "Atelier Durand SARL" in text and "L6353-1" in text
    assert blocks and blocks[0].code in convention.programme and blocks[0].code in text
    assert "rétracter" not in text


def test_the_first_payment_of_a_contract_is_capped_at_30_percent(enrolled, formateur):
    with pytest.raises(InvalidTransition, match="30 %"):
        agreement_for(enrolled, by=formateur, kind=AgreementKind.CONTRACT, first_payment=Decimal("1800.01"))
    assert not TrainingAgreement.objects.exists()


def test_a_contract_is_with_the_person_and_a_convention_is_not(enrolled, formateur):
    with pytest.raises(InvalidTransition, match="contrat de formation se conclut"):
        agreement_for(enrolled, by=formateur, kind=AgreementKind.CONTRACT, party_kind=PartyKind.EMPLOYER)
    with pytest.raises(InvalidTransition, match="signe un contrat"):
        agreement_for(enrolled, by=formateur, party_kind=PartyKind.PERSON)


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"price": Decimal("0")}, "supérieur à zéro"),
        ({"price": Decimal("-5")}, "supérieur à zéro"),
        ({"hours": 0}, "durée"),
        ({"objective": ""}, "mentions obligatoires"),
    ],
)
def test_bad_input_is_refused_in_french(enrolled, formateur, overrides, message):
    with pytest.raises(InvalidTransition, match=message):
        agreement_for(enrolled, by=formateur, **overrides)
    assert not TrainingAgreement.objects.exists()


def test_a_date_outside_the_enrollment_is_refused(enrolled, formateur, cohort):
    with pytest.raises(InvalidTransition, match="dans celles de la promotion"):
        agreement_for(enrolled, by=formateur, starts_on=cohort.starts_on - timedelta(days=1))
    with pytest.raises(InvalidTransition, match="dans celles de la promotion"):
        agreement_for(enrolled, by=formateur, ends_on=cohort.ends_on + timedelta(days=1))


def test_both_parties_sign_then_the_signed_pdf_is_kept(enrolled, formateur, apprenti):
    contract = agreement_for(enrolled, by=formateur, kind=AgreementKind.CONTRACT)
    contract = agreements.sign_for_organisation(contract, by=formateur, ip="192.0.2.1")
    assert contract.status == AgreementStatus.AWAITING
    with pytest.raises(PermissionRefused):
        agreements.sign_as_party(contract, by=UserFactory())
    contract = agreements.sign_as_party(contract, by=apprenti, ip="192.0.2.2")
    assert contract.status == AgreementStatus.SIGNED and contract.signed_pdf
    content = contract.signed_pdf.open("rb").read()
    assert hashlib.sha256(content).hexdigest() == contract.signed_sha256
    text = _text(content)
    assert "Projet" not in text and "horodatée" in text and contract.withdrawal_ends_on.strftime("%d/%m/%Y") in text
    signatures = AuditLog.objects.filter(action="funding.agreement_signed").order_by("pk")
    assert [(e.actor, e.data["side"]) for e in signatures] == [(formateur, "organisation"), (apprenti, "party")]
    assert all(e.data["at"] for e in signatures)


def test_a_signed_agreement_is_never_edited_a_change_makes_an_avenant(enrolled, formateur, apprenti):
    contract = agreement_for(enrolled, by=formateur, kind=AgreementKind.CONTRACT)
    agreements.sign_for_organisation(contract, by=formateur)
    contract = agreements.sign_as_party(contract, by=apprenti)
    digest = contract.signed_sha256
    contract.hours = 500
    with pytest.raises(InvalidTransition, match="avenant"):
        contract.save()
    amendment = agreements.amend_agreement(contract, by=formateur, hours=500)
    contract.refresh_from_db()
    assert contract.hours == 400 and contract.signed_sha256 == digest and contract.status == AgreementStatus.SIGNED
    assert amendment.amends == contract and amendment.number == f"{contract.number}-A1" and amendment.hours == 500
    assert amendment.status == AgreementStatus.AWAITING
    assert "Avenant" in _text(agreements.agreement_pdf(amendment))
    with pytest.raises(InvalidTransition, match="déjà un avenant"):
        agreements.amend_agreement(contract, by=formateur, hours=600)


def test_an_unsigned_agreement_has_no_avenant(enrolled, formateur):
    with pytest.raises(InvalidTransition, match="Seul un document signé"):
        agreements.amend_agreement(agreement_for(enrolled, by=formateur), by=formateur, hours=10)


def test_staff_upload_the_copy_signed_by_a_party_without_an_account(enrolled, formateur):
    convention = agreement_for(enrolled, by=formateur)
    agreements.sign_for_organisation(convention, by=formateur)
    convention = agreements.upload_signed_copy(convention, _pdf_upload(), by=formateur)
    assert convention.status == AgreementStatus.SIGNED and convention.signed_copy
    assert convention.signed_copy_type == "application/pdf"
    assert AuditLog.objects.filter(action="funding.agreement_signed_copy", actor=formateur).exists()


def test_a_signed_copy_of_the_wrong_type_or_too_large_is_refused(enrolled, formateur, settings):
    convention = agreement_for(enrolled, by=formateur)
    with pytest.raises(InvalidTransition, match="type de fichier"):
        agreements.upload_signed_copy(convention, SimpleUploadedFile("x.pdf", b"<html>"), by=formateur)
    settings.EVIDENCE_MAX_BYTES = 10
    with pytest.raises(InvalidTransition, match="dépasse"):
        agreements.upload_signed_copy(convention, _pdf_upload(), by=formateur)
    convention.refresh_from_db()
    assert not convention.signed_copy and convention.party_signed_at is None


def test_a_party_with_an_account_signs_on_the_platform(enrolled, formateur, client_user):
    convention = agreement_for(enrolled, by=formateur, party_user=client_user)
    with pytest.raises(InvalidTransition, match="signe sur la plateforme"):
        agreements.upload_signed_copy(convention, _pdf_upload(), by=formateur)
    agreements.sign_for_organisation(convention, by=formateur)
    assert agreements.sign_as_party(convention, by=client_user).is_signed


def test_signing_twice_is_refused(enrolled, formateur, apprenti):
    contract = agreement_for(enrolled, by=formateur, kind=AgreementKind.CONTRACT)
    agreements.sign_for_organisation(contract, by=formateur)
    with pytest.raises(InvalidTransition, match="déjà signé"):
        agreements.sign_for_organisation(contract, by=formateur)
    agreements.sign_as_party(contract, by=apprenti)
    with pytest.raises(InvalidTransition, match="n'attend plus"):
        agreements.sign_as_party(contract, by=apprenti)


# --- Pages --------------------------------------------------------------------------------------


def test_staff_establish_an_agreement_from_the_page(client, enrolled, formateur, cohort):
    client.force_login(formateur)
    assert client.get(reverse("funding:agreement_new", args=[enrolled.pk])).status_code == 200
    data = {
        "kind": "contract",
        "party_kind": "person",
        "starts_on": cohort.starts_on.isoformat(),
        "ends_on": cohort.ends_on.isoformat(),
        "hours": "300",
        "objective": "Le titre",
        "means": "Compagnon",
        "price": "5000",
        "payment_terms": "Virement",
        "first_payment": "2000",
    }
    response = client.post(reverse("funding:agreement_new", args=[enrolled.pk]), data)
    html = response.content.decode()
    assert response.status_code == 200 and "30 %" in html and 'value="2000"' in html
    response = client.post(reverse("funding:agreement_new", args=[enrolled.pk]), {**data, "first_payment": "1500"})
    assert response.status_code == 302
    assert TrainingAgreement.objects.get().first_payment == Decimal("1500")


def test_the_member_signs_and_downloads_their_contract(client, enrolled, formateur, apprenti):
    contract = agreement_for(enrolled, by=formateur, kind=AgreementKind.CONTRACT)
    agreements.sign_for_organisation(contract, by=formateur)
    client.force_login(apprenti)
    response = client.get(reverse("funding:mine"))
    assert response.status_code == 200 and contract.number in response.content.decode()
    assert "Je signe" in client.get(reverse("funding:agreement", args=[contract.pk])).content.decode()
    assert client.post(reverse("funding:agreement_sign", args=[contract.pk])).status_code == 302
    contract.refresh_from_db()
    assert contract.is_signed
    response = client.get(reverse("funding:agreement_pdf", args=[contract.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")


def test_staff_sign_and_upload_from_the_page(client, enrolled, formateur):
    """…and the signed copy is refused to anyone else."""
    convention = agreement_for(enrolled, by=formateur)
    client.force_login(formateur)
    client.post(reverse("funding:agreement_sign", args=[convention.pk]), {"side": "organisation"})
    response = client.post(
        reverse("funding:agreement_upload", args=[convention.pk]), {"file": SimpleUploadedFile("x.txt", b"hello")}
    )
    assert response.status_code == 302
    convention.refresh_from_db()
    assert convention.status == AgreementStatus.AWAITING and convention.org_signed_at
    client.post(reverse("funding:agreement_upload", args=[convention.pk]), {"file": _pdf_upload()})
    convention.refresh_from_db()
    assert convention.is_signed
    response = client.get(reverse("funding:agreement_copy", args=[convention.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    response = client.get(reverse("funding:agreement_amend", args=[convention.pk]))
    assert response.status_code == 200
    client.force_login(UserFactory())
    assert client.get(reverse("funding:agreement_copy", args=[convention.pk])).status_code == 404


def test_pages_are_bounded(client, enrolled, formateur, apprenti, django_assert_max_num_queries):
    for _i in range(3):
        agreement_for(enrolled, by=formateur)
    client.force_login(apprenti)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("funding:mine")).status_code == 200
    client.force_login(formateur)
    agreement = TrainingAgreement.objects.first()
    with django_assert_max_num_queries(10):
        assert client.get(reverse("funding:agreement", args=[agreement.pk])).status_code == 200


def test_others_may_not_see_or_sign_an_agreement(client, enrolled, formateur, compagnon, outsider, apprenti):
    contract = agreement_for(enrolled, by=formateur, kind=AgreementKind.CONTRACT)
    agreements.sign_for_organisation(contract, by=formateur)
    for person in (compagnon, outsider):
        client.force_login(person)
        for name in ("agreement", "agreement_pdf"):
            assert client.get(reverse(f"funding:{name}", args=[contract.pk])).status_code == 404
        assert client.post(reverse("funding:agreement_sign", args=[contract.pk])).status_code == 404
        assert contract.number not in client.get(reverse("funding:mine")).content.decode()
    client.force_login(apprenti)
    assert client.get(reverse("funding:agreement_new", args=[enrolled.pk])).status_code == 403
    assert client.get(reverse("funding:agreement_amend", args=[contract.pk])).status_code == 403
    assert client.post(reverse("funding:agreement_upload", args=[contract.pk])).status_code == 403
    assert client.post(reverse("funding:agreement_cancel", args=[contract.pk])).status_code == 403
    contract.refresh_from_db()
    assert contract.status == AgreementStatus.AWAITING and contract.party_signed_at is None


def test_the_dashboard_says_a_document_waits_for_the_signature(client, enrolled, formateur, apprenti):
    client.force_login(apprenti)
    assert "attend votre signature" not in client.get(reverse("accounts:dashboard")).content.decode()
    agreement_for(enrolled, by=formateur, kind=AgreementKind.CONTRACT)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert "attend votre signature" in html and reverse("funding:mine") in html


def test_personal_data_export_and_erasure(enrolled, formateur, apprenti):
    from compagnons.funding import plans_personal_data

    signed = agreement_for(enrolled, by=formateur, kind=AgreementKind.CONTRACT)
    agreements.sign_for_organisation(signed, by=formateur)
    signed = agreements.sign_as_party(signed, by=apprenti)
    waiting = agreement_for(enrolled, by=formateur)
    data = plans_personal_data.export(apprenti)
    assert {a["number"] for a in data["agreements"]} == {signed.number, waiting.number}
    plans_personal_data.erase(apprenti, [])
    waiting.refresh_from_db()
    signed.refresh_from_db()
    assert waiting.status == AgreementStatus.CANCELLED and signed.status == AgreementStatus.SIGNED  # legal proof kept


def test_staff_amend_a_signed_agreement_from_the_page(client, enrolled, formateur, apprenti, cohort):
    contract = agreement_for(enrolled, by=formateur, kind=AgreementKind.CONTRACT)
    agreements.sign_for_organisation(contract, by=formateur)
    contract = agreements.sign_as_party(contract, by=apprenti)
    client.force_login(formateur)
    data = {
        "starts_on": cohort.starts_on.isoformat(),
        "ends_on": cohort.ends_on.isoformat(),
        "hours": "450",
        "objective": contract.objective,
        "means": contract.means,
        "price": "6000",
        "payment_terms": contract.payment_terms,
        "first_payment": "1800",
    }
    response = client.post(reverse("funding:agreement_amend", args=[contract.pk]), data)
    amendment = TrainingAgreement.objects.get(amends=contract)
    assert response.status_code == 302 and response.url == reverse("funding:agreement", args=[amendment.pk])
    assert amendment.hours == 450 and amendment.kind == AgreementKind.CONTRACT
    contract.refresh_from_db()
    assert contract.hours == 400


def test_the_dashboard_leads_a_buyer_to_their_invoices_and_the_team_to_every_funding_page(
    client, apprenti, formateur, outsider
):
    from tests.factories.funding_invoices import issued, person_buyer

    client.force_login(outsider)
    assert reverse("funding:mine") not in client.get(reverse("accounts:dashboard")).content.decode()
    issued(formateur, buyer=person_buyer(apprenti))
    client.force_login(apprenti)
    assert reverse("funding:my_invoices") in client.get(reverse("accounts:dashboard")).content.decode()
    client.force_login(formateur)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    for name in ("plans", "invoices", "receivables", "memberships", "bpf"):
        assert reverse(f"funding:{name}") in html
