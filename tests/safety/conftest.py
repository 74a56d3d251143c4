"""Shared set-up of the safety proofs (issue 5): reuses the API suite's helpers and fixtures.

tests/api/conftest.py is loaded under another module name (`api_helpers`) so its Client, Server
and helpers can be imported here and in the test modules without clashing with this conftest.
"""

import importlib.util
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
_API_CONFTEST = os.path.join(_HERE, "..", "api", "conftest.py")

if "api_helpers" not in sys.modules:
    _spec = importlib.util.spec_from_file_location("api_helpers", _API_CONFTEST)
    _mod = importlib.util.module_from_spec(_spec)
    sys.modules["api_helpers"] = _mod
    _spec.loader.exec_module(_mod)

from api_helpers import server_factory  # noqa: E402,F401 - re-exported fixture

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
