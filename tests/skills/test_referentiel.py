import copy
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from compagnons.core.exceptions import PermissionRefused
from compagnons.skills import referentiel, services
from compagnons.skills.models import Assessment, Block, Certification, Competence, Trade

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped():
    return Certification.objects.current()


def test_the_shipped_referentiel_loads_on_a_fresh_database(shipped):
    assert shipped.kind == Certification.Kind.RNCP
    assert shipped.status == Certification.Status.ACTIVE
    assert shipped.blocks.count() == 6
    assert 25 <= shipped.competences.count() <= 40
    assert all(c.criteria for c in shipped.competences.all())
    assert Trade.objects.count() >= 15
    assert referentiel.validate(referentiel.export_referentiel(shipped)) == []


def test_visitors_read_the_referentiel_with_bounded_queries(client, shipped, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get(reverse("skills:referentiel"))

    html = response.content.decode()
    assert response.status_code == 200
    block = shipped.blocks.first()
    competence = block.competences.first()
    assert block.label in html
    assert block.evaluation_methods[:40] in html
    assert competence.criteria[0][:40] in html.replace("&#x27;", "'")


def test_json_round_trip(shipped):
    exported = referentiel.export_referentiel(shipped)
    exported["certification"]["slug"] = "copie"

    imported = referentiel.import_referentiel(json.loads(json.dumps(exported)))

    again = referentiel.export_referentiel(imported)
    assert again["certification"] == exported["certification"]
    assert again["trades"] == exported["trades"]


def rs_file():
    return {
        "format": "compagnons-referentiel/1",
        "certification": {
            "slug": "accueil-a-distance",
            "name": "Accueil téléphonique à distance",
            "kind": "RS",
            "code": "RS1234",
            "level": None,
            "version": 1,
            "rome_codes": ["M1601"],
            "blocks": [],
            "competences": [
                {"code": "A1", "label": "Accueillir un appel", "kind": "savoir-faire", "criteria": ["Se présente"]},
                {"code": "A2", "label": "Prendre un message", "kind": "savoir-faire", "criteria": ["Note l'essentiel"]},
            ],
        },
        "trades": [{"rome_code": "M1601", "label": "Accueil", "competences": ["A1"]}],
    }


def test_an_rs_certification_has_its_competences_directly_under_it():
    cert = referentiel.import_referentiel(rs_file())

    assert cert.kind == Certification.Kind.RS
    assert not cert.blocks.exists()
    assert list(cert.competences.values_list("code", flat=True)) == ["A1", "A2"]
    assert services.steps(cert) == [None]


def test_a_bad_file_gets_every_fault_and_nothing_is_half_imported():
    bad = rs_file()
    bad["certification"]["kind"] = "RNCP"  # RNCP without blocs, with loose compétences
    bad["certification"]["competences"][1]["code"] = "A1"  # duplicate
    bad["certification"]["competences"][0]["criteria"] = []
    bad["certification"]["rome_codes"] = ["1601"]
    bad["trades"][0]["competences"] = ["Z9"]
    before = (Certification.objects.count(), Competence.objects.count(), Trade.objects.count())

    with pytest.raises(referentiel.ReferentielInvalid) as raised:
        referentiel.import_referentiel(bad)

    errors = "\n".join(raised.value.errors)
    assert "certification.blocks" in errors
    assert "certification.competences[1].code : le code A1 est en double" in errors
    assert "certification.competences[0].criteria" in errors
    assert "certification.rome_codes[0]" in errors
    assert "trades[0].competences[0] : la compétence Z9 n'existe pas" in errors
    assert (Certification.objects.count(), Competence.objects.count(), Trade.objects.count()) == before


@pytest.mark.parametrize("data", [None, [], "texte", {"format": "autre"}, {"format": "compagnons-referentiel/1"}])
def test_garbage_is_refused_with_a_message(data):
    assert referentiel.validate(data)


def test_an_existing_version_is_never_overwritten_by_an_import(shipped):
    data = referentiel.export_referentiel(shipped)
    data["certification"]["blocks"][0]["label"] = "Réécrit"

    with pytest.raises(referentiel.ReferentielInvalid):
        referentiel.import_referentiel(data)
    assert shipped.blocks.first().label != "Réécrit"


class TestVersions:
    def test_a_new_version_leaves_what_members_were_assessed_against_untouched(self, shipped, formateur, apprenti):
        competence = shipped.competences.first()
        services.record_assessment(apprenti, competence, 2, source="staff", by=formateur)
        assert referentiel.is_frozen(shipped)

        draft = referentiel.new_version(shipped, by=formateur)
        Competence.objects.filter(certification=draft, code=competence.code).update(label="Nouvel intitulé")
        referentiel.activate_version(draft, by=formateur)

        shipped.refresh_from_db()
        competence.refresh_from_db()
        assert shipped.status == Certification.Status.ARCHIVED
        assert competence.label != "Nouvel intitulé"
        assert Assessment.objects.get().competence == competence
        assert Certification.objects.current() == draft
        assert draft.version == shipped.version + 1
        assert draft.competences.count() == shipped.competences.count()

    def test_only_staff_make_versions(self, shipped, apprenti):
        with pytest.raises(PermissionRefused):
            referentiel.new_version(shipped, by=apprenti)
        with pytest.raises(PermissionRefused):
            referentiel.activate_version(shipped, by=apprenti)

    def test_one_active_version_per_certification_is_a_database_rule(self, shipped):
        from django.db import IntegrityError

        clone = Certification.objects.create(slug=shipped.slug, version=99, name="x", status="draft")
        with pytest.raises(IntegrityError):
            Certification.objects.filter(pk=clone.pk).update(status="active")

    def test_admin_refuses_to_edit_a_frozen_version(self, client, shipped, apprenti):
        from tests.factories import UserFactory

        superuser = UserFactory(is_superuser=True, formateur=True)
        services.record_assessment(apprenti, shipped.competences.first(), 1, source="staff", by=superuser)
        client.force_login(superuser)

        block = Block.objects.filter(certification=shipped).first()
        response = client.post(
            reverse("admin:skills_block_change", args=[block.pk]),
            {"code": block.code, "label": "Réécrit", "certification": shipped.pk, "position": 0},
        )
        assert response.status_code in (302, 403)
        block.refresh_from_db()
        assert block.label != "Réécrit"


class TestImportPage:
    def upload(self, client, payload: bytes, name="referentiel.json"):
        return client.post(
            reverse("skills:referentiel_import"),
            {"file": SimpleUploadedFile(name, payload, content_type="application/json")},
        )

    def test_staff_import_a_file(self, client, formateur):
        client.force_login(formateur)
        response = self.upload(client, json.dumps(rs_file()).encode())
        assert response.status_code == 302
        assert Certification.objects.filter(slug="accueil-a-distance").exists()

    def test_a_bad_file_shows_its_faults(self, client, formateur):
        client.force_login(formateur)
        bad = copy.deepcopy(rs_file())
        bad["certification"]["competences"][0]["kind"] = "talent"

        response = self.upload(client, json.dumps(bad).encode())

        assert response.status_code == 200
        assert "doit valoir savoir-faire, savoir-etre ou savoir" in response.content.decode()
        assert not Certification.objects.filter(slug="accueil-a-distance").exists()

    def test_unreadable_or_wrong_type_or_too_big(self, client, formateur):
        client.force_login(formateur)
        assert "pas un JSON lisible" in self.upload(client, b"{pas du json").content.decode()
        assert "Envoyez un fichier .json" in self.upload(client, b"{}", name="x.pdf").content.decode()
        big = b" " * (referentiel.MAX_IMPORT_BYTES + 1)
        assert "dépasse 2 Mo" in self.upload(client, big).content.decode()

    @pytest.mark.parametrize("who", ["apprenti", "compagnon", "client_user", "outsider"])
    def test_members_are_refused(self, client, request, who):
        client.force_login(request.getfixturevalue(who))
        assert client.get(reverse("skills:referentiel_import")).status_code == 403
        assert self.upload(client, json.dumps(rs_file()).encode()).status_code == 403
        assert not Certification.objects.filter(slug="accueil-a-distance").exists()
