"""Debian's Chromium (installed by .ci/run) for the tests that open pages in it.

A module of such tests calls ``skip_without_chromium()`` before importing Playwright:
without Chromium it is skipped, except where CTLIB_REQUIRE_BROWSER is set (CI), where
it fails. conftest's ``browser`` fixture starts one headless Chromium for a module.
"""

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


MISSING = not CHROMIUM and not os.environ.get("CTLIB_REQUIRE_BROWSER")

needs_chromium = pytest.mark.skipif(MISSING, reason="no chromium on this machine")
"""For one test in a module of others that need no browser."""


def skip_without_chromium() -> None:
    if MISSING:
        pytest.skip("no chromium on this machine", allow_module_level=True)



def set_query(page, text: str) -> None:
    """The query page's editor (CodeMirror, under Yasqe) holds ``text``."""
    page.locator(".CodeMirror").evaluate("(element, text) => element.CodeMirror.setValue(text)",
                                         text)


def editor_text(page) -> str:
    return page.locator(".CodeMirror").evaluate("element => element.CodeMirror.getValue()")
