"""The pure parts of `make bench`'s report: the bar a page must meet, the saved runs and their comparison.

No Django and no I/O beyond reading and writing the run files, so that tests/core/test_bench_report.py checks them
without a server (bench/run.py does the measuring).
"""

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

# The bar of issue 21, as ratios to the bare view measured in the same run.
PUBLIC_MIN_RATIO = 0.25
SIGNED_IN_MIN_RATIO = 0.10
MAX_P99_MS = 50.0
MAX_QUERIES = 15
RUN_PREFIX = "bench-run-"


@dataclass(frozen=True)
class Row:
    """One measured page, as the table prints it and the run file keeps it."""

    name: str
    path: str
    public: bool
    rps: float
    p50_ms: float
    p99_ms: float
    queries_min: int | None
    queries_max: int | None
    ratio: float | None  # req/s over the bare view's; None for the bare view itself or without a bare view
    errors: int = 0
    # the bare view's req/s the ratio is taken against: measured just before and just after the page (`around`)
    bare_rps: float | None = None

    @property
    def is_baseline(self) -> bool:
        return self.path == "/ok"


def around(samples: list[float], index: int) -> float | None:
    """The bare view's req/s around page `index` of a run: the mean of the bare view measured just before it
    (`samples[index]`) and just after it (`samples[index + 1]`), or the one that exists; None without either.

    The machine's speed drifts during a run of ten minutes (other machines on the same host), and the bare view,
    at 1,500 to 2,000 requests a second, moves the most: measured once at the start, it swung the ratios of pages
    no change touched by a third between two runs. Measured on either side of each page, it moves with them."""
    near = [samples[i] for i in (index, index + 1) if 0 <= i < len(samples) and samples[i]]
    return sum(near) / len(near) if near else None


def bar_problems(row: Row) -> list[str]:
    """Why a page falls short of the bar ([] when it meets it). The bare view has no bar."""
    if row.is_baseline:
        return []
    problems = []
    floor = PUBLIC_MIN_RATIO if row.public else SIGNED_IN_MIN_RATIO
    if row.ratio is None or row.ratio < floor:
        problems.append(f"ratio<{floor:g}")
    if math.isnan(row.p99_ms) or row.p99_ms > MAX_P99_MS:
        problems.append(f"p99>{MAX_P99_MS:g}")
    if row.queries_max is None or row.queries_max > MAX_QUERIES:
        problems.append(f"queries>{MAX_QUERIES}")
    if row.errors:
        problems.append("errors")
    return problems


def ratio_label(row: Row) -> str:
    """The ratio with two decimals, or three when two would round a ratio short of its floor up to it (0.2487 is
    not « 0.25 »)."""
    if row.ratio is None:
        return "?"
    floor = PUBLIC_MIN_RATIO if row.public else SIGNED_IN_MIN_RATIO
    shown = f"{row.ratio:.2f}"
    return f"{row.ratio:.3f}" if row.ratio < floor <= float(shown) else shown


def bar_verdict(row: Row) -> str:
    """« ok », « short (why) », or « - » for the bare view."""
    if row.is_baseline:
        return "-"
    problems = bar_problems(row)
    return "ok" if not problems else "short (" + ", ".join(problems) + ")"


def run_path(var: Path, when: datetime | None = None) -> Path:
    when = when or datetime.now(UTC)
    return var / f"{RUN_PREFIX}{when:%Y%m%dT%H%M%SZ}.json"


def save_run(path: Path, meta: dict, rows: list[Row]) -> None:
    data = {"meta": meta, "pages": [row.__dict__ for row in rows]}
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False, allow_nan=True) + "\n", encoding="utf-8")


def load_run(path: Path) -> tuple[dict, list[Row]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return data["meta"], [Row(**page) for page in data["pages"]]


def previous_run(var: Path, before: Path | None = None, engine: str | None = None) -> Path | None:
    """The latest saved run older than `before` (the names sort by time), on the same database engine if given."""
    runs = sorted(p for p in var.glob(f"{RUN_PREFIX}*.json") if before is None or p.name < before.name)
    for path in reversed(runs):
        if engine is None:
            return path
        try:
            meta, _rows = load_run(path)
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if meta.get("engine") == engine:
            return path
    return None


def _change(before: float | None, after: float | None, fmt: str) -> str:
    if before is None or after is None or math.isnan(before) or math.isnan(after):
        return "?"
    return f"{before:{fmt}} → {after:{fmt}}"


def _queries(row: Row) -> str:
    if row.queries_max is None:
        return "?"
    return str(row.queries_max) if row.queries_min == row.queries_max else f"{row.queries_min}-{row.queries_max}"


def compare(before: list[Row], after: list[Row]) -> list[tuple[str, ...]]:
    """One line per page of `after` (matched by name and path): ratio, p99 and queries before → after, the ratio's
    change in per cent and the bar's verdict before → after. A page new in `after` says « new »."""
    old = {(r.name, r.path): r for r in before}
    lines = [("page", "vs bare", "change", "p99 ms", "queries", "bar")]
    for row in after:
        prev = old.get((row.name, row.path))
        verdict = "ok" if not bar_problems(row) else "short"
        if prev is None:
            ratio = f"{row.ratio:.2f}" if row.ratio is not None else "-"
            lines.append((row.name, ratio, "new", f"{row.p99_ms:.1f}", _queries(row), verdict))
            continue
        change = f"{(row.ratio / prev.ratio - 1) * 100:+.0f} %" if prev.ratio and row.ratio is not None else "-"
        before_verdict = "ok" if not bar_problems(prev) else "short"
        lines.append(
            (
                row.name,
                _change(prev.ratio, row.ratio, ".2f") if not row.is_baseline else _change(prev.rps, row.rps, ".0f"),
                change if not row.is_baseline else "-",
                _change(prev.p99_ms, row.p99_ms, ".1f"),
                f"{_queries(prev)} → {_queries(row)}",
                "-" if row.is_baseline else f"{before_verdict} → {verdict}",
            )
        )
    return lines


def format_table(rows: list[tuple[str, ...]], left: set[int]) -> str:
    """Columns padded to their widest cell, the ones in `left` aligned left, a rule under the header."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    out = []
    for n, row in enumerate(rows):
        cells = [c.ljust(w) if i in left else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)
