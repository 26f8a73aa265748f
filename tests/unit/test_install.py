"""`make test` and `make run` install what the project's own files pin: the install is redone when one of them
changes, the installer's pin included, and not otherwise."""
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def planned(*overrides: str) -> str:
    """What `make install` would run (a dry run: nothing is installed)."""
    return subprocess.run(["make", "-n", "install", *overrides], cwd=ROOT, capture_output=True, text=True,
                          check=True, timeout=60).stdout


def test_the_install_is_redone_when_the_installer_pin_changes():
    assert "pip install" not in planned(), "the venv is not installed for the current pins (make test installs it)"
    assert "pip install -q --disable-pip-version-check uv==0.0.1" in planned("UV=uv==0.0.1")
