"""Funding the path (layer 6, beside certification): funding plans and their sources, training agreements and
certificates of completion, invoices (Factur-X) and credit notes, payments, memberships, the yearly BPF.

It reads apprenticeship (enrollments, hours through `apprenticeship.attendance`), coaching, learning and missions;
quality, outcomes and showcase sit above it and read it, never the reverse. See docs/funding.md."""
