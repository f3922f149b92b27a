"""Audit the installed dependencies for known vulnerabilities with pip-audit.

Fails on any known vulnerability. When the vulnerability service cannot be reached
(every dependency comes back unaudited), says so on a visible line instead of passing
silently: "no known vulnerabilities" would then mean nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PIP_AUDIT = Path(sys.executable).with_name("pip-audit")


def main() -> int:
    run = subprocess.run(
        [str(PIP_AUDIT), "--progress-spinner", "off", "--skip-editable", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        print(f"pip-audit: SKIPPED — no report (exit {run.returncode}): {run.stderr[-300:]}")
        return 0
    packages = report.get("dependencies", [])
    audited = [package for package in packages if "skip_reason" not in package]
    vulnerable = [package for package in audited if package.get("vulns")]
    for package in vulnerable:
        ids = ", ".join(vuln["id"] for vuln in package["vulns"])
        print(f"pip-audit: {package['name']} {package['version']}: {ids}")
    if vulnerable:
        return 1
    if not audited:
        print(
            f"pip-audit: SKIPPED — the vulnerability service could not be reached "
            f"({len(packages)} of {len(packages)} packages unaudited)"
        )
        return 0
    print(f"pip-audit: {len(audited)} packages audited, no known vulnerability")
    return 0


if __name__ == "__main__":
    sys.exit(main())
