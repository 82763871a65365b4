"""Security events that happen inside django-allauth, recorded in the audit log.

Signals are used here only because the events originate in a library; business rules never use them.
"""

import time

from allauth.account.signals import email_confirmed, password_changed, password_reset, user_logged_in
from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from django.contrib.auth.signals import user_logged_in as django_logged_in
from django.dispatch import receiver

from compagnons.core import audit


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    audit.log(user, "account.logged_in", user)


@receiver(django_logged_in)
def start_idle_clock(sender, request, user, **kwargs):
    """Every login (allauth's or not) starts the inactivity clock of middleware.IdleSessionMiddleware."""
    if request is not None and hasattr(request, "session"):
        request.session["seen_at"] = int(time.time())


@receiver(django_logged_in)
def remember_charter_acceptance(sender, request, user, **kwargs):
    """The login writes the session anyway: the charter version accepted goes with it, so that the charter
    middleware asks the database nothing on the pages that follow (middleware.CharterMiddleware)."""
    from compagnons.accounts import services
    from compagnons.accounts.middleware import CHARTER_KEY

    if request is not None and hasattr(request, "session") and services.has_accepted_current_charter(user):
        charter_id = services.current_charter_id()
        if charter_id:
            request.session[CHARTER_KEY] = charter_id


@receiver(email_confirmed)
def on_email_confirmed(sender, request, email_address, **kwargs):
    audit.log(email_address.user, "account.email_confirmed", email_address.user)


@receiver(password_changed)
def on_password_changed(sender, request, user, **kwargs):
    audit.log(user, "account.password_changed", user)


@receiver(password_reset)
def on_password_reset(sender, request, user, **kwargs):
    audit.log(user, "account.password_reset", user)


@receiver(authenticator_added)
def on_mfa_added(sender, request, user, authenticator, **kwargs):
    audit.log(user, "account.mfa_added", user, type=authenticator.type)


@receiver(authenticator_removed)
def on_mfa_removed(sender, request, user, authenticator, **kwargs):
    audit.log(user, "account.mfa_removed", user, type=authenticator.type)


@receiver(authenticator_reset)
def on_mfa_reset(sender, request, user, authenticator, **kwargs):
    audit.log(user, "account.mfa_recovery_codes_reset", user, type=authenticator.type)
