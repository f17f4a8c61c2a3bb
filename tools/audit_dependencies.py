"""Audit the installed requirements for known vulnerabilities with pip-audit.

pip-audit asks PyPI's JSON API (``/pypi/<name>/<version>/json``, which carries each
release's advisories) about every installed package. Where that service cannot be
reached, pip-audit would report every package as "not found" and pass: that must not
look like a clean audit. So this script first checks that the service answers and:

- when it answers, runs ``pip-audit --strict`` (a package it cannot audit is a failure)
  with the ignores listed in ``tools/audit-ignores.txt`` (one advisory id a line, each
  with its reason);
- when it does not, says so loudly and exits 0, unless ``PORTAL_REQUIRE_AUDIT=1``, where
  it fails. Offline, the audit is not run rather than pretended.
"""

import os
import subprocess  # nosec B404
import sys
import urllib.request
from importlib.metadata import version
from pathlib import Path

SERVICE = "https://pypi.org/pypi/pip/{version}/json"
IGNORES = Path(__file__).with_name("audit-ignores.txt")


def service_answers() -> str | None:
    """None when the vulnerability service answers, else why not."""
    url = SERVICE.format(version=version("pip"))
    try:
        # Note: a fixed https URL (bandit B310).
        with urllib.request.urlopen(url, timeout=15) as response:  # noqa: S310  # nosec B310
            if response.status == 200 and b'"vulnerabilities"' in response.read():
                return None
            return f"{url} answered {response.status} without advisories"
    except OSError as exc:
        return f"{url}: {exc}"


def ignored() -> list[str]:
    ids = []
    for line in IGNORES.read_text().splitlines():
        advisory = line.split("#", 1)[0].strip()
        if advisory:
            ids.append(advisory)
    return ids


def main() -> int:
    problem = service_answers()
    if problem:
        print("=" * 78)
        print("DEPENDENCY AUDIT NOT RUN: the vulnerability service is unreachable")
        print(f"  ({problem})")
        print("  Run `make audit` where PyPI's JSON API answers before a release.")
        print("=" * 78)
        return 1 if os.environ.get("PORTAL_REQUIRE_AUDIT") == "1" else 0
    command = [sys.executable, "-m", "pip_audit", "--strict", "--progress-spinner", "off"]
    for advisory in ignored():
        command += ["--ignore-vuln", advisory]
    # Note: subprocess runs pip-audit only, with fixed arguments (bandit B404, B603).
    return subprocess.call(command)  # noqa: S603  # nosec B603


if __name__ == "__main__":
    sys.exit(main())
