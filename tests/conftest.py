"""The bad-input suite's one ansible-playbook run (test_bad_inputs.SuiteRun) starts as soon as the
tests are collected and runs beside the others; the tests that read it go last."""

import sys

import pytest


@pytest.hookimpl(trylast=True)  # after -k and -m have deselected theirs
def pytest_collection_modifyitems(config, items):
    readers = [item for item in items if "suite" in getattr(item, "fixturenames", ())]
    if readers:
        import test_bad_inputs  # tests/ is on sys.path (no package): pytest's default import mode

        config.stash[test_bad_inputs.SUITE_RUN] = test_bad_inputs.SuiteRun()
        items[:] = [item for item in items if item not in readers] + readers


def pytest_unconfigure(config):
    module = sys.modules.get("test_bad_inputs")
    if module and module.SUITE_RUN in config.stash:
        config.stash[module.SUITE_RUN].stop()
