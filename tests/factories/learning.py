"""Learning factories: capsules and scenarios through the learning services (import of content files)."""

# --- Capsules --------------------------------------------------------------------------------------------


# --- Scenarios -------------------------------------------------------------------------------------------
