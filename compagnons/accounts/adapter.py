"""allauth's e-mails (address confirmation, password reset…) come from the site the request is for: its links are
built on the request's host by allauth itself, and the sender is that site's (docs/sites.md)."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context

from compagnons.core.sites import site_sender


class AccountAdapter(DefaultAccountAdapter):
    def get_from_email(self) -> str:
        return site_sender(getattr(context.request, "site", None)) or super().get_from_email()
