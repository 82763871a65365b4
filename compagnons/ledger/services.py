"""Every write of the contributions ledger. The invariants (DOMAIN.md) are checked here, held by constraints where
the database can, and verified over the whole ledger by `manage.py ledger_audit`.

Help flows from who gives to who receives: a mentoring session moves minutes from the apprentice's account to the
mentor's; a lead or a welcome comes from the commons; a mission won moves the promised hour to the commons.
"""

import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import F, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from compagnons.accounts.models import User
from compagnons.core import audit
from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.core.permissions import is_team
from compagnons.ledger.balances import is_exempt
from compagnons.ledger.models import Account, Movement, Transaction

Kind = Transaction.Kind
State = Transaction.State


def commons() -> Account:
    account, _created = Account.objects.get_or_create(kind=Account.Kind.COMMONS)
    return account


def account_of(member: User) -> Account:
    """The member's account, opened (with the welcome grant, if the policy gives one) on first use."""
    account = Account.objects.filter(owner=member).first()
    if account is not None:
        return account
    with transaction.atomic():
        account, created = Account.objects.get_or_create(owner=member, defaults={"kind": Account.Kind.MEMBER})
    if created and settings.LEDGER_WELCOME_MINUTES > 0:
        post(
            Kind.WELCOME,
            from_account=commons(),
            to_account=account,
            minutes=settings.LEDGER_WELCOME_MINUTES,
            beneficiary=member,
            idempotency_key=f"welcome:{member.pk}",
            confirmed=True,
        )
        account.refresh_from_db()
    return account


def open_account(member: User) -> None:
    """Sign-up step (registered with accounts): open the new member's account and post the welcome grant."""
    account_of(member)


def post(
    kind: str,
    *,
    from_account: Account,
    to_account: Account,
    minutes: int,
    idempotency_key: str,
    beneficiary=None,
    confirmer=None,
    evidence: Model | None = None,
    confirmed: bool = False,
    note: str = "",
    operator=None,
    reverses: Transaction | None = None,
) -> Transaction:
    """Write one transaction of two movements summing to zero. Posting again with the same idempotency key,
    or for an evidence already backing this kind and beneficiary, returns the existing transaction."""
    if not isinstance(minutes, int) or minutes <= 0:
        raise InvalidTransition(_("Une contrepartie se compte en minutes, et jamais zéro."))
    if from_account.pk == to_account.pk:
        raise InvalidTransition(_("Un compte ne se verse rien à lui-même."))
    existing = Transaction.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            tx = Transaction(
                kind=kind,
                state=State.CONFIRMED if confirmed else State.PENDING,
                beneficiary=beneficiary,
                confirmer=confirmer,
                idempotency_key=idempotency_key,
                note=note,
                operator=operator,
                reverses=reverses,
                confirmed_at=timezone.now() if confirmed else None,
            )
            if evidence is not None:
                tx.evidence_type = ContentType.objects.get_for_model(evidence)
                tx.evidence_id = evidence.pk
            tx.save()
            Movement.objects.bulk_create(
                [
                    Movement(transaction=tx, account=from_account, minutes=-minutes),
                    Movement(transaction=tx, account=to_account, minutes=minutes),
                ]
            )
            if confirmed:
                _apply_to_cache(tx)
    except IntegrityError:
        # A concurrent or repeated posting for the same key or evidence: harmless, return what is there.
        tx = Transaction.objects.filter(idempotency_key=idempotency_key).first() or _same_evidence(
            kind, evidence, beneficiary
        )
        if tx is None:
            raise
        return tx
    audit.log(operator, f"ledger.{kind}", tx, minutes=minutes, state=tx.state)
    return tx


def _same_evidence(kind, evidence, beneficiary) -> Transaction | None:
    if evidence is None:
        return None
    return Transaction.objects.filter(
        kind=kind,
        evidence_type=ContentType.objects.get_for_model(evidence),
        evidence_id=evidence.pk,
        beneficiary=beneficiary,
    ).first()


def _apply_to_cache(tx: Transaction, sign: int = 1) -> None:
    for movement in tx.movements.all():
        Account.objects.filter(pk=movement.account_id).update(
            cached_balance=F("cached_balance") + sign * movement.minutes
        )


@transaction.atomic
def confirm(tx: Transaction, *, by: User) -> Transaction:
    """The person who received the help confirms a pending entry; only then does it count."""
    tx = Transaction.objects.select_for_update(of=("self",)).get(pk=tx.pk)
    if by.pk != tx.confirmer_id:
        raise PermissionRefused(_("Seule la personne aidée confirme cette contrepartie."))
    if tx.state == State.CONFIRMED:
        return tx
    if tx.state != State.PENDING:
        raise InvalidTransition(_("Cette contrepartie n'est plus en attente."))
    tx.state = State.CONFIRMED
    tx.confirmed_at = timezone.now()
    tx.save(update_fields=["state", "confirmed_at"])
    _apply_to_cache(tx)
    audit.log(by, "ledger.confirmed", tx)
    return tx


@transaction.atomic
def decline(tx: Transaction, *, by: User) -> Transaction:
    tx = Transaction.objects.select_for_update(of=("self",)).get(pk=tx.pk)
    if by.pk != tx.confirmer_id:
        raise PermissionRefused(_("Seule la personne aidée peut refuser cette contrepartie."))
    if tx.state != State.PENDING:
        raise InvalidTransition(_("Cette contrepartie n'est plus en attente."))
    tx.state = State.DECLINED
    tx.save(update_fields=["state"])
    audit.log(by, "ledger.declined", tx)
    return tx


@transaction.atomic
def reverse(tx: Transaction, *, by: User, reason: str) -> Transaction:
    """Staff correct a confirmed entry with a reversal pointing to it; an entry is reversed at most once."""
    if not is_team(by):
        raise PermissionRefused(_("Seule l'équipe corrige le registre."))
    if not reason.strip():
        raise InvalidTransition(_("Indiquez le motif de la correction."))
    tx = Transaction.objects.select_for_update(of=("self",)).get(pk=tx.pk)
    if tx.state != State.CONFIRMED or tx.kind == Kind.REVERSAL:
        raise InvalidTransition(_("Seule une contrepartie confirmée, et pas encore corrigée, se contre-passe."))
    return _reverse(tx, note=reason.strip(), operator=by)


def _reverse(tx: Transaction, *, note: str, operator: User | None = None) -> Transaction:
    """Post the reversal of a confirmed entry the caller has locked (credit back to debit, same minutes, keyed by the
    entry so that it happens once) and mark the entry reversed: never an edit of its movements."""
    movements = list(tx.movements.order_by("minutes"))
    debit, credit = movements[0], movements[-1]
    reversal = post(
        Kind.REVERSAL,
        from_account=credit.account,
        to_account=debit.account,
        minutes=credit.minutes,
        idempotency_key=f"reversal:{tx.pk}",
        beneficiary=tx.beneficiary,
        confirmed=True,
        note=note,
        operator=operator,
        reverses=tx,
    )
    tx.state = State.REVERSED
    tx.save(update_fields=["state"])
    return reversal


def _locked_confirmed(key: str) -> Transaction | None:
    """The confirmed entry under this idempotency key, locked; None when there is none or it is no longer confirmed."""
    tx = Transaction.objects.select_for_update(of=("self",)).filter(idempotency_key=key).first()
    return tx if tx is not None and tx.state == State.CONFIRMED else None


def _once(key: str, message) -> str:
    """An idempotency key carried by the form (its `request_id`, drawn when the form is shown): a double submit
    finds the first posting and is told so, and nothing is written twice."""
    if Transaction.objects.filter(idempotency_key=key).exists():
        raise InvalidTransition(message)
    return key


@transaction.atomic
def adjust(member: User, minutes: int, *, by: User, reason: str, request_id: str | None = None) -> Transaction:
    """A staff adjustment: positive credits the member from the commons, negative the reverse. `request_id`
    (the form's) makes a double submit post once."""
    if not is_team(by):
        raise PermissionRefused(_("Seule l'équipe ajuste un compte."))
    if not reason.strip():
        raise InvalidTransition(_("Un ajustement a toujours un motif."))
    if minutes == 0:
        raise InvalidTransition(_("Une contrepartie se compte en minutes, et jamais zéro."))
    account = account_of(member)
    source, target = (commons(), account) if minutes > 0 else (account, commons())
    return post(
        Kind.ADJUSTMENT,
        from_account=source,
        to_account=target,
        minutes=abs(minutes),
        idempotency_key=_once(
            f"adjustment:{member.pk}:{by.pk}:{request_id or uuid.uuid4().hex}",
            _("Cet ajustement est déjà enregistré : un double envoi ne compte qu'une fois."),
        ),
        beneficiary=member,
        confirmed=True,
        note=reason.strip(),
        operator=by,
    )


# --- The kinds of contribution, each with its evidence -----------------------------------------


def _help_given(kind: str, evidence: Model, key: str, *, helper: User, helped: User, minutes: int) -> Transaction:
    """Help given, confirmed by the person helped: the minutes flow from them to the helper."""
    return post(
        kind,
        from_account=account_of(helped),
        to_account=account_of(helper),
        minutes=minutes,
        idempotency_key=key,
        beneficiary=helper,
        confirmer=helped,
        evidence=evidence,
        confirmed=True,
    )


def credit_mentoring_session(session: Model, *, mentor: User, apprentice: User, minutes: int) -> Transaction:
    """Called once the apprentice confirms the session."""
    return _help_given(
        Kind.MENTORING, session, f"mentoring:{session.pk}", helper=mentor, helped=apprentice, minutes=minutes
    )


def credit_coaching(booking: Model, *, coach: User, member: User, minutes: int) -> Transaction:
    """Called once both sides confirmed a coaching session took place."""
    return _help_given(Kind.COACHING, booking, f"coaching:{booking.pk}", helper=coach, helped=member, minutes=minutes)


def credit_debrief(run: Model, *, mentor: User, member: User, minutes: int) -> Transaction:
    """A mentor's debrief of a member's scenario run, once per run."""
    return _help_given(Kind.MENTORING, run, f"debrief:{run.pk}", helper=mentor, helped=member, minutes=minutes)


def credit_lead(lead: Model, *, author: User) -> Transaction:
    return post(
        Kind.LEAD,
        from_account=commons(),
        to_account=account_of(author),
        minutes=settings.LEDGER_LEAD_MINUTES,
        idempotency_key=f"lead:{lead.pk}",
        beneficiary=author,
        evidence=lead,
        confirmed=True,
    )


def credit_review(evidence_object: Model, *, reviewer: User, reviewed: User, once_per: str = "") -> Transaction:
    """A review of a page or a pitch, credited to the reviewer once per evidence object; with `once_per`, once per
    that scope instead (a pitch: once per member, reviewer and month, however many versions are written)."""
    return post(
        Kind.REVIEW,
        from_account=account_of(reviewed),
        to_account=account_of(reviewer),
        minutes=settings.LEDGER_REVIEW_MINUTES,
        idempotency_key=(
            f"review:{once_per}:{reviewer.pk}"
            if once_per
            else f"review:{ContentType.objects.get_for_model(evidence_object).pk}:{evidence_object.pk}:{reviewer.pk}"
        ),
        beneficiary=reviewer,
        confirmer=reviewed,
        evidence=evidence_object,
        confirmed=True,
    )


def credit_community_answer(answer: Model, *, author: User, asker: User, mark: Model) -> Transaction:
    """« Cette réponse m'a aidé »: the answer's author is credited from the commons (asking never costs). `mark`
    is that marking (the community's HelpfulMark, numbered per post): the evidence, and the key's counter, so that a
    double click credits once and marking again after an unmarking credits anew."""
    if author.pk == asker.pk:
        raise InvalidTransition(_("Votre propre réponse ne vous est pas créditée."))
    return post(
        Kind.COMMUNITY,
        from_account=commons(),
        to_account=account_of(author),
        minutes=settings.LEDGER_COMMUNITY_ANSWER_MINUTES,
        idempotency_key=f"community:{answer.pk}:{mark.number}",
        beneficiary=author,
        evidence=mark,
        confirmed=True,
    )


@transaction.atomic
def cancel_community_answer(answer: Model, *, mark: Model, by: User) -> Transaction | None:
    """The mark is taken back: reverse its credit (a reversing transaction, never an edit); again does nothing."""
    tx = _locked_confirmed(f"community:{answer.pk}:{mark.number}")
    if tx is None:
        return None
    return _reverse(tx, note="Réponse plus marquée comme utile", operator=by)


def debit_mission_won(mission: Model, *, member: User) -> Transaction | None:
    """What winning a mission asks in return: the promised minutes go to the commons (apprentices exempt)."""
    if settings.LEDGER_MISSION_COMMITMENT_MINUTES <= 0 or is_exempt(member):
        return None
    return post(
        Kind.MISSION,
        from_account=account_of(member),
        to_account=commons(),
        minutes=settings.LEDGER_MISSION_COMMITMENT_MINUTES,
        idempotency_key=f"mission:{mission.pk}:{member.pk}",
        beneficiary=member,
        evidence=mission,
        confirmed=True,
    )


@transaction.atomic
def cancel_mission_debit(mission: Model, *, member: User) -> Transaction | None:
    """A won mission cancelled before it started: reverse its commitment (a reversal, never an edit)."""
    tx = _locked_confirmed(f"mission:{mission.pk}:{member.pk}")
    if tx is None:
        return None
    return _reverse(tx, note="Mission annulée avant de commencer")


@transaction.atomic
def declare_help(
    giver: User, receiver: User, *, kind: str, minutes: int, note: str, request_id: str | None = None
) -> Transaction:
    """Coaching or community help declared by who gave it; pending until who received it confirms. `request_id`
    (the form's) makes a double submit post once."""
    if kind not in (Kind.COACHING, Kind.COMMUNITY):
        raise InvalidTransition(_("Cette nature de contrepartie ne se déclare pas."))
    if giver.pk == receiver.pk:
        raise InvalidTransition(_("Un compte ne se verse rien à lui-même."))
    if not note.strip():
        raise InvalidTransition(_("Dites en quelques mots l'aide apportée."))
    if not _worked_together(giver, receiver):
        raise InvalidTransition(_("Vous ne pouvez pas déclarer d'aide pour cette adresse."))
    return post(
        kind,
        from_account=account_of(receiver),
        to_account=account_of(giver),
        minutes=minutes,
        idempotency_key=_once(
            f"{kind}:{giver.pk}:{receiver.pk}:{request_id or uuid.uuid4().hex}",
            _("Cette aide est déjà déclarée : un double envoi ne compte qu'une fois."),
        ),
        beneficiary=giver,
        confirmer=receiver,
        note=note.strip(),
    )


_collaboration_checks: list = []


def register_collaboration_check(check) -> None:
    """Higher apps tell the ledger who has worked with whom (a mentorship, a mission, a cohort)."""
    if check not in _collaboration_checks:
        _collaboration_checks.append(check)


def _worked_together(a: User, b: User) -> bool:
    return any(check(a, b) for check in _collaboration_checks)
