"""System components some tests need (Chromium, gettext): in CI a missing one fails the run."""

import os
import shutil

import pytest


def require_system_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed; scripts/ensure-test-system.sh installs it"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path
