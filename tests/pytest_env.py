"""Loaded with `-p tests.pytest_env` before Django: marks the run as a test run for config/settings.py."""

import os

os.environ["COMPAGNONS_TESTING"] = "1"
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
