from compagnons.core import audit
from compagnons.core.models import AuditLog


def test_log_records_actor_action_target_and_data(formateur, apprenti):
    entry = audit.log(formateur, "account.role_granted", apprenti, role="client")

    entry.refresh_from_db()
    assert entry.actor == formateur
    assert entry.action == "account.role_granted"
    assert entry.target_id == str(apprenti.pk)
    assert entry.target_repr == f"Membre n°{apprenti.pk}"
    assert entry.data == {"role": "client"}
    assert list(AuditLog.objects.for_object(apprenti)) == [entry]


def test_target_repr_of_a_member_holds_no_personal_data(apprenti):
    entry = audit.log(None, "account.something", apprenti)

    assert apprenti.last_name not in entry.target_repr
    assert apprenti.email not in entry.target_repr
    assert entry.actor is None


def test_involving_user_finds_what_they_did_and_what_was_done_to_them(formateur, apprenti, outsider):
    done_by = audit.log(apprenti, "charter.accepted")
    done_to = audit.log(formateur, "account.role_granted", apprenti)
    audit.log(outsider, "charter.accepted", outsider)

    assert set(AuditLog.objects.involving_user(apprenti)) == {done_by, done_to}
