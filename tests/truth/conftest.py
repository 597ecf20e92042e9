"""Fixtures for the truth tests: the integration tests' tshark runner, reused.

tests/integration/conftest.py holds the Tshark class (tshark as user nobody with the
built plugin, a throwaway HOME, TZ=UTC) and its fixtures; it is loaded here under a
name of its own, since both files are called conftest.py.
"""
import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
INTEGRATION = HERE.parent / 'integration'
sys.path.insert(0, str(INTEGRATION))

_spec = importlib.util.spec_from_file_location('qvpn_integration_conftest', INTEGRATION / 'conftest.py')
_it = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_it)

Tshark = _it.Tshark
REPO = _it.REPO
repo_path = _it.repo_path
stderr_problems = _it.stderr_problems

# the fixtures, under the same names as in the integration tests
repo = _it.repo
build_dir = _it.build_dir
tshark = _it.tshark
