"""Operations in the browser (issue 23): a member of the team finds, from « Mon espace », the background task that
failed for good, reads its error and relaunches it."""

import pytest
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import expect

from compagnons.core.tasks import purge_rate_limits
from tests.e2e.conftest import assert_accessible
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def failed(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    result = purge_rate_limits.enqueue()
    row = DBTaskResult.objects.get(pk=result.id)
    row.claim("travailleur-1")
    row.set_failed(ConnectionRefusedError("le serveur d'e-mail ne répond pas"))
    return row


def test_the_team_relaunches_a_failed_task_from_its_space(session, charter, failed):
    formateur = UserFactory(formateur=True, first_name="Claire", last_name="Moreau")
    session.log_in(formateur)
    page = session.new_page()
    page.goto(session.base_url + "/")
    page.get_by_role("link", name="Mon espace").first.click()
    page.get_by_role("link", name="Tâches en arrière-plan en échec").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tâches en arrière-plan en échec")
    expect(page.locator("summary")).to_contain_text("le serveur d'e-mail ne répond pas")
    assert_accessible(page)

    page.get_by_role("button", name="Relancer").click()
    expect(page.get_by_text("La tâche est relancée")).to_be_visible()
    expect(page.get_by_text("Aucune tâche en échec.")).to_be_visible()
    assert DBTaskResult.objects.get(pk=failed.pk).status == TaskResultStatus.READY
