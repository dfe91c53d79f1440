"""The course package auditors: IMS Common Cartridge (``imscc``), SCORM 1.2 / 2004 and plain IMS
content packages (``scorm``), and Moodle course backups (``mbz``).

The course is read as its package describes it (``imsmanifest.xml``, or ``moodle_backup.xml``),
and every item of the outline is audited in course order: a web page in the browser as the LMS
would show it (served from 127.0.0.1, scripts allowed, the SCORM runtime provided, nothing
reachable outside the package), a document (PDF, Word, PowerPoint, EPUB) by its own auditor, and
what the package holds only as data (a discussion topic, a QTI quiz, a Moodle page, label, book
chapter or activity description) rendered as the LMS renders it, then audited as a page. The
package rules (``rules/course``) check the outline itself: titles, language, missing files.

The report has one part per item, named by its place in the outline ("Week 1 › Reading: Light"),
in course order; each finding carries its outline path (``location.path``) and its section, and
the report's metadata holds the outline with the findings counted per item and per section.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from access.auditing import Discovery, UnitResult
from access.context import Context
from access.models import AuditedPart, AuditOptions, Outcome, Report, SourceFile
from access.rulerun import RuleRun, run_rules
from auditors.packages.archive import PackageFiles
from auditors.packages.plan import PACKAGE_UNIT, PackageAuditor, Plan, Target, rendered_page_path
from rules.course import RULES, CourseFacts
from rules.course.manifest import MANIFEST, read_manifest
from rules.course.model import CoursePackage, outline_path
from rules.course.moodle import BACKUP, read_moodle

LMS_API = Path(__file__).with_name("packages") / "lms_api.js"
SHELL = ('<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
         '<meta name="viewport" content="width=device-width, initial-scale=1">'
         "<title>{title}</title></head>\n<body><main>\n{body}\n</main></body></html>\n")


def read_course(files: PackageFiles) -> CoursePackage:
    names = set(files.names())
    if BACKUP in names:
        return read_moodle(files)
    return read_manifest(files)


def page_shell(title: str, course: str, body: str, lang: str | None) -> str:
    """A page the package holds only as data, in the page an LMS puts around it (a language, a
    title, a main region; an LMS in the course's language, English when the course states none)."""
    full = f"{title} | {course}" if course and title else title or course or "Course page"
    return SHELL.format(lang=escape((lang or "en").replace("_", "-")), title=escape(full), body=body)


def plan_course(package: CoursePackage) -> Plan:
    targets: list[Target] = []
    listed: list[AuditedPart] = []
    pages: dict[str, str] = {}
    order: list[str] = []
    for path, item in package.walk():
        part = outline_path(path)
        section = path[0] if len(path) > 1 else None
        order.append(part)
        if item.kind == "page" and item.page is not None:
            member = rendered_page_path(item.source or f"{item.id}.xml", item.id)
            pages[member] = page_shell(item.title, package.title, item.page, package.language)
            targets.append(Target(role="page", member=member, part=part, title=item.title, source=item.source,
                                  outline=path, section=section))
        elif item.kind in ("page", "document") and item.href:
            targets.append(Target(role=item.kind, member=item.href, part=part, title=item.title, outline=path,
                                  section=section))
        elif item.kind == "link":
            listed.append(AuditedPart(id=part, title=item.title, status="skipped", error={
                "code": "not_audited", "message": f"A link to {item.url or 'a web address'} outside the package; "
                                                  "audit that site with a URL audit."}))
        elif item.kind == "other":
            listed.append(AuditedPart(id=part, title=item.title, status="skipped", error={
                "code": "not_audited", "message": f"The package holds this item ({item.resource or 'no resource'}) "
                                                  "as neither a page nor a document."}))
    snippet = f"<script>{LMS_API.read_text(encoding='utf-8')}</script>" if package.kind == "scorm" else ""
    return Plan(title=package.title, targets=targets, listed=listed, pages=pages, aliases=package.aliases,
                head_snippet=snippet, data={"course": package.model_dump(mode="json", exclude={"resources"}),
                                            "outline_order": order})


@dataclass(frozen=True)
class CourseAuditor(PackageAuditor):
    def read(self, files: PackageFiles, source: SourceFile, ctx: Context) -> Plan:
        return plan_course(read_course(files))

    def package_rules(self, files: PackageFiles, discovery: Discovery,
                      options: AuditOptions) -> tuple[RuleRun, AuditedPart, dict[str, Any]]:
        package = read_course(files)
        names = set(files.names())
        present = names | {alias for alias, stored in package.aliases.items() if stored in names}
        facts = CourseFacts(package=package, files=frozenset(present))
        run = run_rules(RULES.rules(), facts, standard=options.standard)
        manifest = MANIFEST if package.kind != "moodle" else BACKUP
        return run, AuditedPart(id=manifest, title=f"{package.label} {package.version}".strip()), {
            "kind": package.kind, "version": package.version, "language": package.language}

    def finish(self, report: Report, discovery: Discovery, results: list[UnitResult], options: AuditOptions) -> None:
        order = {part: i for i, part in enumerate(discovery.data.get("outline_order", []))}

        def place(p: AuditedPart) -> tuple[int, int]:
            if p.id in order:
                return order[p.id], 0
            parent = max((k for k in order if p.id.startswith(k + " › ")), key=len, default=None)
            return (order[parent], 1) if parent is not None else (-1, 0)

        report.parts.sort(key=place)              # the outline's order (sort is stable: the package part first)
        package = next((r for r in results if r.key == PACKAGE_UNIT), None)
        info = dict(package.data) if package is not None else {}
        counts: dict[str, Counter[str]] = {}
        for f in report.findings:
            outline = f.data.get("outline") or (f.location.path if f.rule.startswith("course-") else None)
            if f.outcome in (Outcome.VIOLATION, Outcome.NEEDS_REVIEW) and outline:
                counts.setdefault(str(outline), Counter())[f.outcome.value] += 1
        course = CoursePackage.model_validate(discovery.data["course"])
        sections: dict[str, Counter[str]] = {}
        for path, c in counts.items():
            top = path.split(" › ")[0]
            sections.setdefault(top, Counter()).update(c)
        report.metadata["course"] = {
            "kind": info.get("kind", course.kind), "format": course.label, "version": info.get("version"),
            "title": course.title, "language": course.language,
            "outline": [{"part": outline_path(path), "title": item.title, "kind": item.kind, "depth": len(path) - 1,
                         "violations": counts.get(outline_path(path), Counter())["violation"],
                         "needs_review": counts.get(outline_path(path), Counter())["needs-review"]}
                        for path, item in course.walk()],
            "sections": [{"section": name, "violations": c["violation"], "needs_review": c["needs-review"]}
                         for name, c in sections.items()],
        }


IMSCC = CourseAuditor(format="imscc", kind="imscc",
                      description="IMS Common Cartridge 1.1–1.3: every page in Chromium, every document with its "
                                  "auditor, discussions and quizzes as the LMS shows them, in course order")
SCORM = CourseAuditor(format="scorm", kind="scorm",
                      description="SCORM 1.2/2004 (and IMS content packages): every SCO and asset in Chromium with the "
                                  "SCORM runtime, every document with its auditor, in course order")
MBZ = CourseAuditor(format="mbz", kind="mbz",
                    description="Moodle course backup: sections, pages, labels, books and files as Moodle shows them")
