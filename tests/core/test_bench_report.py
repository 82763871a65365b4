"""The report of `make bench` (bench/report.py, bench/run.py's pure parts): the bar of issue 21 per page, the saved
runs and the comparison with the previous one, the search pages' varying terms, the staff's authenticator code."""

import math
import signal
import sys

from bench import report, run
from bench.report import Row


def _row(name="page", path="/p/", *, public=True, ratio=0.5, p99=20.0, queries=5, errors=0, rps=100.0) -> Row:
    return Row(
        name=name,
        path=path,
        public=public,
        rps=rps,
        p50_ms=p99 / 2,
        p99_ms=p99,
        queries_min=queries,
        queries_max=queries,
        ratio=ratio,
        errors=errors,
    )


def test_a_public_page_needs_a_quarter_of_the_bare_view_and_a_signed_in_page_a_tenth():
    assert report.bar_verdict(_row(public=True, ratio=0.25)) == "ok"
    assert report.bar_verdict(_row(public=True, ratio=0.24)) == "short (ratio<0.25)"
    assert report.bar_verdict(_row(public=False, ratio=0.10)) == "ok"
    assert report.bar_verdict(_row(public=False, ratio=0.09)) == "short (ratio<0.1)"


def test_the_p99_the_queries_and_the_errors_have_their_own_limits():
    assert report.bar_problems(_row(p99=50.0, queries=15)) == []
    assert report.bar_problems(_row(p99=50.1)) == ["p99>50"]
    assert report.bar_problems(_row(queries=16)) == ["queries>15"]
    assert report.bar_problems(_row(errors=1)) == ["errors"]
    unmeasured = Row("p", "/p/", True, 0.0, math.nan, math.nan, None, None, None, 1)
    assert report.bar_problems(unmeasured) == ["ratio<0.25", "p99>50", "queries>15", "errors"]
    assert report.bar_verdict(_row(public=False, ratio=0.05, p99=80)) == "short (ratio<0.1, p99>50)"


def test_a_ratio_just_short_of_its_floor_is_never_shown_as_the_floor():
    assert report.ratio_label(_row(ratio=0.2487)) == "0.249"
    assert report.ratio_label(_row(ratio=0.2512)) == "0.25"
    assert report.ratio_label(_row(ratio=0.3149)) == "0.31"
    assert report.ratio_label(_row(public=False, ratio=0.0996)) == "0.100"
    assert report.ratio_label(_row(ratio=None)) == "?"


def test_the_bare_view_has_no_bar():
    assert report.bar_verdict(_row("bare view", "/ok", ratio=None, p99=500)) == "-"


def test_the_bare_view_around_a_page_is_the_mean_of_the_measures_just_before_and_just_after_it():
    samples = [1000.0, 2000.0, 1600.0]  # before page 0, before page 1 (after page 0), after page 1
    assert report.around(samples, 0) == 1500.0
    assert report.around(samples, 1) == 1800.0
    assert report.around(samples, 2) == 1600.0  # nothing measured after it: the one before
    assert report.around([0.0, 1200.0], 0) == 1200.0  # a measure with no response is left out
    assert report.around([], 0) is None


def _result(page, rps):
    return run.Result(page, seconds=1.0, latencies=[0.01] * rps, queries=[2] * rps)


def test_each_page_is_compared_with_the_bare_view_measured_around_it_else_with_its_first_measure():
    bare, first, second = run.BASELINE, run.Page("a", "/a/"), run.Page("b", "/b/")
    results = [_result(bare, 2000), _result(first, 500), _result(second, 450)]

    base_row, a, b = run.to_rows(results, [1000.0, 1500.0, 1500.0])
    assert (base_row.ratio, base_row.bare_rps) == (None, None)
    assert (a.ratio, a.bare_rps) == (500 / 1250, 1250.0)
    assert (b.ratio, b.bare_rps) == (0.3, 1500.0)
    assert report.bar_verdict(a) == "ok" and report.bar_verdict(b) == "ok"

    _base, a, b = run.to_rows(results)  # --bare-check 0: the bare view's first measure, 2,000 req/s
    assert (a.ratio, b.ratio) == (0.25, 0.225)
    assert report.bar_verdict(b) == "short (ratio<0.25)"


def test_a_run_is_saved_and_read_back_and_the_previous_one_is_found_on_the_same_engine(tmp_path):
    rows = [_row("bare view", "/ok", ratio=None), _row()]
    first = tmp_path / "bench-run-20260101T100000Z.json"
    second = tmp_path / "bench-run-20260101T110000Z.json"
    third = tmp_path / "bench-run-20260101T120000Z.json"
    report.save_run(first, {"engine": "sqlite"}, rows)
    report.save_run(second, {"engine": "postgresql"}, rows)
    report.save_run(third, {"engine": "sqlite"}, rows)
    (tmp_path / "bench-run-20260101T090000Z.json").write_text("not json")

    assert report.load_run(first) == ({"engine": "sqlite"}, rows)
    assert report.previous_run(tmp_path, before=third) == second
    assert report.previous_run(tmp_path, before=third, engine="sqlite") == first
    assert report.previous_run(tmp_path, before=first, engine="sqlite") is None
    assert report.run_path(tmp_path).name.startswith("bench-run-")


def test_the_comparison_shows_each_page_before_and_after_and_the_new_ones():
    before = [
        _row("bare view", "/ok", ratio=None, rps=1000),
        _row("dash", public=False, ratio=0.05, p99=200, queries=36),
    ]
    after = [
        _row("bare view", "/ok", ratio=None, rps=1100),
        _row("dash", public=False, ratio=0.15, p99=30, queries=9),
        _row("new page", ratio=0.3),
    ]
    header, bare, dash, new = report.compare(before, after)
    assert header[0] == "page"
    assert bare == ("bare view", "1000 → 1100", "-", "20.0 → 20.0", "5 → 5", "-")
    assert dash == ("dash", "0.05 → 0.15", "+200 %", "200.0 → 30.0", "36 → 9", "short → ok")
    assert new == ("new page", "0.30", "new", "20.0", "5", "ok")
    assert "short → ok" in report.format_table([header, bare, dash, new], left={0})


def test_every_search_page_of_the_bench_varies_its_terms():
    searches = [p for p in run.PAGES if "q=" in p.path or "trade=" in p.path or "{term}" in p.path]
    assert {p.name for p in searches} >= {
        "mission search (visitor)",
        "directory search (visitor)",
        "community search (visitor)",
    }
    for page in searches:
        paths = page.paths()
        assert len(set(paths)) >= 10, page.name
        assert all("{term}" not in path for path in paths)


def test_public_pages_are_the_anonymous_ones():
    assert run.Page("x", "/").public
    assert not run.Page("x", "/espace/", "apprenti").public


def test_the_staff_code_is_the_authenticator_apps():
    # RFC 6238's SHA-1 test vector (secret "12345678901234567890", 59 s, 8 digits)
    assert run.totp_code("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", at=59, digits=8) == "94287082"


def test_a_client_process_ignores_ctrl_c_and_dies_on_sigterm_whatever_handler_the_bench_set():
    """What each client process runs first (the pool's initializer in bench/run.py's main()). Called here in the test
    process itself, its handlers restored after: forking a pool from pytest, which may hold threads, could hang."""
    former_term = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # as bench/run.py's main() sets it
    former_int = signal.getsignal(signal.SIGINT)
    try:
        run.client_process_setup()
        assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
        assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGTERM, former_term)
        signal.signal(signal.SIGINT, former_int)
