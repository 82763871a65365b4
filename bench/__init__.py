"""Scale data set and load test of the key pages (`make bench`). Not part of `make test`.

The constants below are shared by the seeder (bench/scale/, Django) and the load generator (bench/run.py,
which does not import Django).
"""

BENCH_PASSWORD = "compagnons-bench"
BENCH_APPRENTICE = "bench-apprenti@bench.test"
BENCH_FORMATEUR = "bench-formateur@bench.test"
BENCH_COMPAGNON = "bench-compagnon@bench.test"
BENCH_CLIENT = "bench-client@bench.test"
# bench-formateur's authenticator app (staff must use double authentication, STAFF_MFA_REQUIRED): the seeder gives
# them a TOTP authenticator with this secret, and bench/run.py computes the codes to log them in. Bench only.
BENCH_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
BENCH_PROFILE_SLUG = "bench-compagnon"  # bench-compagnon's published mini-site, /c/bench-compagnon/
DEFAULT_USERS = 100_000
DEFAULT_AUDIT_PER_USER = 3
