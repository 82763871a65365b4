"""Funding's models, in two modules: `plans` (funding plans and sources, agreements, certificates, the BPF) and
`invoices` (invoices, credit notes, payments, memberships)."""

from compagnons.funding.models.invoices import *  # noqa: F403
from compagnons.funding.models.plans import *  # noqa: F403
