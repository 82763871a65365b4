"""scripts/system-packages: the Debian packages `make run`, `make test` and .ci/run need, checked in one place.

The script is run with stand-ins for dpkg-query, id and apt-get first on PATH, so the tests neither need nor change
the machine's packages.
"""

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "system-packages"


def stub(directory: Path, name: str, body: str) -> None:
    path = directory / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)


@pytest.fixture
def machine(tmp_path):
    """A fake machine: `installed` lists the packages dpkg-query reports, `uid` is what `id -u` says, apt-get only
    records its arguments in apt.log."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "apt.log"

    def run(purpose: str, *, installed: set[str], uid: int = 1000, extra_env: dict | None = None):
        cases = " ".join(f'"{p}") echo "install ok installed"; exit 0;;' for p in sorted(installed))
        stub(bin_dir, "dpkg-query", f'eval pkg=\\${{$#}}; case "$pkg" in {cases} esac; exit 1')
        stub(bin_dir, "id", f"echo {uid}")
        stub(bin_dir, "apt-get", f'echo "$@" >> "{log}"')
        env = {"PATH": f"{bin_dir}:/usr/bin:/bin", **(extra_env or {})}
        return subprocess.run(["bash", str(SCRIPT), purpose], capture_output=True, text=True, env=env, timeout=30)

    run.log = log
    return run


PDF = {"libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-dejavu-core"}


def test_everything_installed_is_a_silent_no_op(machine):
    result = machine("test", installed=PDF | {"chromium"})
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert not machine.log.exists()


def test_non_root_without_chromium_stops_with_the_exact_command(machine):
    result = machine("test", installed=PDF)
    assert result.returncode == 1
    assert "sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium" in result.stderr
    assert not machine.log.exists()


def test_non_root_without_the_pdf_libraries_stops_make_run(machine):
    result = machine("run", installed={"chromium"})
    assert result.returncode == 1
    assert "install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0" in result.stderr


def test_make_run_does_not_need_chromium(machine):
    assert machine("run", installed=PDF).returncode == 0


def test_e2e_optional_drops_chromium_from_the_test_packages(machine):
    assert machine("test", installed=PDF, extra_env={"E2E_OPTIONAL": "1"}).returncode == 0


def test_root_installs_only_what_is_missing(machine):
    result = machine("ci", installed=PDF, uid=0)
    assert result.returncode == 0, result.stderr
    calls = machine.log.read_text().splitlines()
    assert calls[0] == "update -qq"
    assert calls[1] == "install -y -qq --no-install-recommends make chromium"


def test_make_and_ci_call_the_same_script():
    makefile = (ROOT / "Makefile").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "run: system-packages-run" in makefile
    assert "test: system-packages-test" in makefile
    assert "scripts/system-packages $*" in makefile
    assert "scripts/system-packages ci" in ci
    assert "chromium" not in ci.split("install_system_packages() {")[1].split("}")[0]
    assert os.access(SCRIPT, os.X_OK)
