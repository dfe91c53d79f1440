"""The course package rules: what a course package must do beyond each page and document it holds
(which the course auditor audits one by one): a course title, item titles a learner can follow in
the LMS's course outline, a declared language, and no item pointing at a file that is not there.

The rules read :class:`CourseFacts`: the course as its package describes it
(:class:`~rules.course.model.CoursePackage`, read by :mod:`rules.course.manifest` or
:mod:`rules.course.moodle`) and the files the package holds. A fixture case gives an
``imsmanifest.xml`` (``manifest``), and the files it names are taken as present unless listed in
``absent``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from access.rulefixtures import FixtureCase
from access.ruleset import RuleSet
from rules.course.model import CoursePackage


@dataclass(frozen=True)
class CourseFacts:
    package: CoursePackage
    files: frozenset[str]
    engine_versions: tuple[tuple[str, str], ...] = ()


def case_facts(case: FixtureCase) -> Any:
    from rules.course.manifest import read_manifest
    from rules.epub.build import DictFiles

    manifest = case.inputs["manifest"].encode()
    files = {"imsmanifest.xml": manifest}
    package = read_manifest(DictFiles(files))
    absent = set(case.inputs.get("absent", []))
    present = {"imsmanifest.xml", *package.references, *case.inputs.get("files", [])} - absent
    return CourseFacts(package=package, files=frozenset(present))


RULES = RuleSet(target="course", package=__name__, description="Course packages (Common Cartridge, SCORM, Moodle)",
                case_facts=case_facts)
