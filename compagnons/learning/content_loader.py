"""The content shipped with the platform (`content/capsules/*.yaml`, `content/scenarios/*.yaml`), loaded through the
same importers as the staff's files. Idempotent: a file that did not change makes no new version; a changed one makes
the next. A bad file stops nothing else: its errors are reported with its name, the others load (each file is its own
transaction)."""

from dataclasses import dataclass, field
from pathlib import Path

CONTENT = Path(__file__).resolve().parent / "content"


@dataclass
class Report:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)


def _files(folder: Path) -> list[Path]:
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml"), *folder.glob("*.json")]) if folder.is_dir() else []


def load_capsules(*, by=None, folder: Path | None = None, report: Report | None = None) -> Report:
    from compagnons.core.exceptions import Refused
    from compagnons.learning import capsule_files, services
    from compagnons.learning.models import Capsule

    folder = folder or CONTENT / "capsules"
    report = report or Report()
    for path in _files(folder):
        text = path.read_text(encoding="utf-8")
        try:
            existed = Capsule.objects.filter(slug=capsule_files.parse(text, filename=path.name).get("slug")).exists()
            capsule, changed = services.import_capsule_file(
                text, by=by, filename=path.name, files_dir=folder, publish=True
            )
        except capsule_files.CapsuleFileError as error:
            report.errors[f"capsules/{path.name}"] = error.errors
            continue
        except Refused as error:
            report.errors[f"capsules/{path.name}"] = [str(error)]
            continue
        bucket = report.unchanged if not changed else (report.updated if existed else report.created)
        bucket.append(capsule.slug)
    return report


def load_scenarios(*, by=None, folder: Path | None = None, report: Report | None = None) -> Report:
    from compagnons.core.exceptions import Refused
    from compagnons.learning import scenario_files
    from compagnons.learning.models import Scenario

    report = report or Report()
    folder = folder or CONTENT / "scenarios"
    for path in _files(folder):
        text = path.read_text(encoding="utf-8")
        try:
            slug = scenario_files.parse(text).get("slug")
            before = Scenario.objects.filter(slug=slug).values_list("current_id", flat=True).first()
            scenario = scenario_files.import_file(text, by=by, folder=path.parent)
        except (scenario_files.InvalidScenarioFile, Refused) as error:
            report.errors[f"scenarios/{path.name}"] = list(getattr(error, "errors", None) or [str(error)])
            continue
        if before is None:
            report.created.append(scenario.slug)
        elif before != scenario.current_id:
            report.updated.append(scenario.slug)
        else:
            report.unchanged.append(scenario.slug)
    return report


def load_shipped(*, by=None) -> Report:
    """Every shipped capsule (published), then every shipped scenario."""
    report = load_capsules(by=by)
    return load_scenarios(by=by, report=report)
