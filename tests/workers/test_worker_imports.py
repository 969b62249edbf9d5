"""Starting a worker builds no web app: `workers` imports neither Starlette nor Strawberry."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = ("import json, sys; import workers; "
         "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & {'starlette', 'strawberry'})))")


def test_importing_the_workers_imports_no_web_framework() -> None:
    # A fresh interpreter: this test process has imported the app (and both frameworks) already.
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
