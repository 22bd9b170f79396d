"""The install is part of the product: every module imports, and what is installed is the lock.

A dependency that a fresh resolve drops or changes (lxml 6.2 moving `lxml.html.clean` out, under
jusText) must fail here, in CI, and never first for a user at start-up.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, distribution, version
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
LOCKS = {"run": ROOT / "requirements.lock", "test": ROOT / "requirements-test.lock",
         "bench": ROOT / "requirements-bench.lock"}
PINNED = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)", re.MULTILINE)


def all_modules() -> list[str]:
    names = []
    for package in ("bot", "handlers", "storage"):
        names.append(package)
        module = importlib.import_module(package)
        names += [m.name for m in pkgutil.walk_packages(module.__path__, prefix=f"{package}.")
                  if not m.name.endswith(".__main__")]  # `python -m bot` runs the CLI (bot.app.cli is imported)
    return sorted(names)


def locked(name: str) -> dict[str, str]:
    return {canonicalize_name(n): v for n, v in PINNED.findall(LOCKS[name].read_text())}


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


@pytest.mark.parametrize("name", all_modules())
def test_every_module_imports(name: str) -> None:
    importlib.import_module(name)


def test_module_list_is_complete() -> None:
    """The walk above really reaches the leaves (a broken walk would make the import test vacuous)."""
    names = all_modules()
    for expected in ("bot.sources.dzen.article", "bot.sandbox.server", "handlers.admin_post", "storage.outbox",
                     "bot.text.summarize", "bot.net.http"):
        assert expected in names
    assert len(names) > 100


def test_each_lock_pins_every_declared_dependency_within_its_range() -> None:
    """A refresh is checked before it is committed: the locks cover pyproject's ranges exactly."""
    declared = project()
    sets = {"run": declared["dependencies"],
            "test": declared["dependencies"] + declared["optional-dependencies"]["test"],
            "bench": declared["dependencies"] + declared["optional-dependencies"]["test"]
            + declared["optional-dependencies"]["bench"]}
    for lock, requirements in sets.items():
        pins = locked(lock)
        for line in requirements:
            req = Requirement(line)
            name = canonicalize_name(req.name)
            assert name in pins, f"{lock} does not pin {req.name}"
            assert req.specifier.contains(pins[name], prereleases=True), f"{lock}: {name}=={pins[name]} not in {req}"


def test_locks_agree_with_each_other() -> None:
    """test and bench add packages on top of the run set; they never move one of its versions."""
    run, test, bench = locked("run"), locked("test"), locked("bench")
    assert {n: test[n] for n in run} == run
    assert {n: bench[n] for n in test} == test


def test_locks_carry_hashes_and_no_local_paths() -> None:
    for lock, path in LOCKS.items():
        text = path.read_text()
        pins = PINNED.findall(text)
        hashed = re.findall(r"^[A-Za-z0-9][A-Za-z0-9._-]*==\S+ \\\n\s+--hash=sha256:", text, re.MULTILINE)
        assert len(hashed) == len(pins), f"{lock}: every pin has its hashes"
        for forbidden in ("file://", "--find-links", "--extra-index-url", "/opt/", "/root/", "-c /"):
            assert forbidden not in text, f"{lock} names {forbidden}"


def test_this_environment_is_the_lock() -> None:
    """The suite runs on exactly what the lock says (the README's test command installs test.lock)."""
    pins = locked("test")
    wrong = {}
    for name, pinned in pins.items():
        try:
            installed = version(name)
        except PackageNotFoundError:
            installed = None
        if installed != pinned and name not in ("pip", "setuptools"):
            wrong[name] = (pinned, installed)
    assert not wrong, f"installed differs from requirements-test.lock: {wrong}"


def test_jústext_cleaner_is_importable() -> None:
    """The exact failure of a fresh install in December 2026."""
    from lxml.html.clean import Cleaner  # noqa: F401

    assert distribution("lxml-html-clean")
    assert sys.version_info >= tuple(int(x) for x in project()["requires-python"].lstrip(">=").split("."))
