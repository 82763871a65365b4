"""A node's optional image: sent with the file through the staff's form, or beside the shipped file; its description
required; kept by name through export and edit (a new version shares it); an image named but found nowhere is one
more French error, and nothing is imported."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from compagnons.learning import content_loader, scenario_files, services
from compagnons.learning.models import Node, Scenario
from tests.factories.learning import scenario_text

pytestmark = pytest.mark.django_db

WITH_IMAGE = scenario_text().replace(
    "  date:\n    speaker: client\n",
    "  date:\n    speaker: client\n    image: agenda.png\n    image_alt: Un agenda ouvert à jeudi.\n",
    1,
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def png(name: str = "agenda.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_staff_send_the_image_with_the_file_and_the_member_sees_it_described(client, formateur, apprenti):
    assert "image: agenda.png" in WITH_IMAGE
    client.force_login(formateur)
    response = client.post(reverse("learning:scenario_import"), {"text": WITH_IMAGE, "images": [png()]})
    assert response.status_code == 302
    node = Node.objects.get(key="date")
    assert node.image and node.image_alt == "Un agenda ouvert à jeudi."
    run = services.start_run(Scenario.objects.get(), by=apprenti)
    services.choose(run, by=apprenti, step=1, node_key="appel", choice_id=run.current.choices.get(position=1).pk)
    client.force_login(apprenti)
    page = client.get(reverse("learning:run", args=[run.pk])).content.decode()
    assert node.image.url in page and 'alt="Un agenda ouvert à jeudi."' in page


def test_an_image_named_but_not_sent_is_an_error_and_nothing_is_imported(client, formateur):
    client.force_login(formateur)
    response = client.post(reverse("learning:scenario_import"), {"text": WITH_IMAGE})
    assert response.status_code == 200
    assert "l&#x27;image « agenda.png » est introuvable" in response.text and "« date »" in response.text
    assert not Scenario.objects.exists()
    with pytest.raises(scenario_files.InvalidScenarioFile, match="introuvable"):
        services.import_scenario(WITH_IMAGE, by=formateur)
    assert not Scenario.objects.exists()


def test_a_file_that_is_not_an_image_is_refused(client, formateur):
    client.force_login(formateur)
    fake = SimpleUploadedFile("agenda.png", b"<script>alert(1)</script>", content_type="image/png")
    response = client.post(reverse("learning:scenario_import"), {"text": WITH_IMAGE, "images": [fake]})
    assert response.status_code == 200 and not Scenario.objects.exists()


def test_an_image_needs_its_description_and_a_plain_file_name():
    data = scenario_files.parse(WITH_IMAGE.replace("    image_alt: Un agenda ouvert à jeudi.\n", ""))
    assert any("description" in error for error in scenario_files.validate(data))
    data = scenario_files.parse(WITH_IMAGE.replace("image: agenda.png", "image: ../../etc/passwd"))
    assert any("sans dossier" in error for error in scenario_files.validate(data))


def test_export_names_the_image_and_an_edit_keeps_it_without_sending_it_again(client, formateur):
    scenario, _changed = services.import_scenario(WITH_IMAGE, by=formateur, images={"agenda.png": png()})
    stored = Node.objects.get(key="date").image.name
    exported = scenario_files.export_yaml(scenario.current)
    assert f"image: {stored.rsplit('/', 1)[-1]}" in exported
    client.force_login(formateur)
    edited = exported.replace("Jeudi matin", "Vendredi matin")
    response = client.post(reverse("learning:scenario_edit", args=[scenario.slug]), {"text": edited})
    assert response.status_code == 302
    scenario.refresh_from_db()
    assert scenario.current.number == 2
    assert Node.objects.get(version=scenario.current, key="date").image.name == stored  # shared, not copied


def test_the_shipped_content_takes_the_image_beside_its_file(tmp_path):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "relance.yaml").write_text(WITH_IMAGE, encoding="utf-8")
    Image.new("RGB", (4, 4)).save(folder / "agenda.png")
    report = content_loader.load_scenarios(folder=folder)
    assert report.created == ["relancer-un-devis"] and not report.errors
    assert Node.objects.get(key="date").image
    assert content_loader.load_scenarios(folder=folder).unchanged == ["relancer-un-devis"]
