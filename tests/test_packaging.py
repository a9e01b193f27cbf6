"""The installed distribution adds only its own names to an environment, and all of its code."""

import tomllib
from pathlib import Path

from setuptools import find_packages

ROOT = Path(__file__).resolve().parents[1]
TOP_LEVEL = {"grantmon", "data_model", "seed"}


def shipped_packages() -> set[str]:
    """The packages a build finds, as pyproject.toml tells setuptools to look for them."""
    found = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    include = found["tool"]["setuptools"]["packages"]["find"]["include"]
    return set(find_packages(where=str(ROOT), include=include))


def test_only_grantmon_data_model_and_seed_are_top_level_names():
    assert {package.split(".")[0] for package in shipped_packages()} == TOP_LEVEL


def test_every_folder_of_code_is_shipped():
    folders = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for top in TOP_LEVEL
        for path in (ROOT / top).rglob("*.py")
    }
    assert folders <= shipped_packages(), folders - shipped_packages()
