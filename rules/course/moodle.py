"""A Moodle course backup (``.mbz``) → :class:`~rules.course.model.CoursePackage`.

``moodle_backup.xml`` lists the sections and activities; each section's ``section.xml`` gives its
name, summary and the order of its activities (``sequence``); each activity has its own folder.
What a learner reads becomes a page the auditor renders as Moodle shows it: a page's content, a
label, each chapter of a book, a section summary and the description (intro) of other activities;
a file resource (PDF, Word ...) is audited as a document; a URL activity is listed as a link.
Files the text embeds (``@@PLUGINFILE@@/leaf.png``) are served beside the rendered page, from the
backup's content store (``files/ab/abcdef…``, named in ``files.xml``).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from html import escape

from lxml import etree

from access.errors import InvalidDocument
from rules.course.manifest import child, children, local, parse_xml, text
from rules.course.model import CoursePackage, Item, kind_of_file
from rules.paths import Files

BACKUP = "moodle_backup.xml"
NULL = "$@NULL@$"
PLUGINFILE = "@@PLUGINFILE@@/"
FILES_FOLDER = ".access-files"
INTRO_ACTIVITIES = ("quiz", "forum", "assign", "lesson", "glossary", "choice", "feedback", "wiki", "workshop",
                    "h5pactivity", "scorm", "lti", "data", "chat", "survey")


@dataclass(frozen=True)
class StoredFile:
    contenthash: str
    contextid: str
    component: str
    filearea: str
    itemid: str
    filepath: str
    filename: str

    @property
    def member(self) -> str:
        return f"files/{self.contenthash[:2]}/{self.contenthash}"


def _value(el: etree._Element | None, name: str) -> str:
    value = text(child(el, name))
    return "" if value == NULL else value


def _html(el: etree._Element | None, name: str) -> str:
    node = child(el, name)
    value = "".join(node.itertext()) if node is not None else ""
    return "" if value.strip() == NULL else value


class _Backup:
    def __init__(self, files: Files) -> None:
        self.files = files
        self.names = set(files.names())
        self.stored: list[StoredFile] = []
        if "files.xml" in self.names:
            for f in children(parse_xml(files.read("files.xml"), "files.xml"), "file"):
                name = _value(f, "filename")
                if name and name != ".":
                    self.stored.append(StoredFile(_value(f, "contenthash"), _value(f, "contextid"),
                                                  _value(f, "component"), _value(f, "filearea"), _value(f, "itemid"),
                                                  _value(f, "filepath") or "/", name))
        self.aliases: dict[str, str] = {}
        self.references: list[str] = []

    def xml(self, path: str) -> etree._Element | None:
        return parse_xml(self.files.read(path), path) if path in self.names else None

    def render(self, html: str, folder: str, contextid: str, component: str, filearea: str, itemid: str = "0") -> str:
        """The text with its embedded files served beside the rendered page."""
        if PLUGINFILE not in html:
            return html
        base = f"{FILES_FOLDER}/{filearea}/{itemid}"
        for f in self.stored:
            if (f.contextid, f.component, f.filearea) == (contextid, component, filearea) and f.itemid in (itemid, "0"):
                virtual = posixpath.join(folder, base + f.filepath + f.filename)
                self.aliases[virtual] = f.member
        return html.replace(PLUGINFILE, base + "/")

    def files_of(self, contextid: str, component: str, filearea: str) -> list[StoredFile]:
        return [f for f in self.stored if (f.contextid, f.component, f.filearea) == (contextid, component, filearea)]


def read_moodle(files: Files) -> CoursePackage:
    backup = _Backup(files)
    root = backup.xml(BACKUP)
    if root is None:
        raise InvalidDocument("The backup has no moodle_backup.xml: it is not a Moodle course backup.")
    info = child(root, "information")
    contents = child(info, "contents")
    course_dir = _value(child(contents, "course"), "directory") or "course"
    course = backup.xml(f"{course_dir}/course.xml")
    title = _value(course, "fullname") or _value(info, "original_course_fullname")
    language = _value(course, "lang") or None
    course_context = course.get("contextid", "") if course is not None else ""
    activities = {_value(a, "moduleid"): a for a in children(child(contents, "activities"), "activity")}
    used: set[str] = set()
    items: list[Item] = []
    for section in children(child(contents, "sections"), "section"):
        folder = _value(section, "directory")
        sxml = backup.xml(f"{folder}/section.xml")
        number = _value(sxml, "number") or _value(section, "title")
        name = _value(sxml, "name") or ("General" if number == "0" else f"Topic {number}")
        node = Item(id=f"section-{_value(section, 'sectionid')}", title=name, kind="section",
                    visible=_value(sxml, "visible") != "0")
        summary = _html(sxml, "summary")
        if summary.strip():
            page = backup.render(summary, folder, course_context, "course", "section", sxml.get("id", "0")
                                 if sxml is not None else "0")
            node.children.append(Item(id=f"{node.id}-summary", title=f"{name} (summary)", kind="page",
                                      source=f"{folder}/section.xml", page=f"<h1>{escape(name)}</h1>\n{page}"))
        sequence = [m for m in _value(sxml, "sequence").split(",") if m]
        order = sequence + [m for m, a in activities.items() if _value(a, "sectionid") == _value(section, "sectionid")
                            and m not in sequence]
        for moduleid in order:
            activity = activities.get(moduleid)
            if activity is None or moduleid in used:
                continue
            used.add(moduleid)
            node.children.append(_activity(backup, activity))
        items.append(node)
    return CoursePackage(kind="moodle", version=_value(info, "moodle_release") or _value(info, "moodle_version"),
                         title=title, language=language, manifest=BACKUP, items=items,
                         references=list(dict.fromkeys(backup.references)), aliases=backup.aliases)


def _activity(backup: _Backup, activity: etree._Element) -> Item:
    module = _value(activity, "modulename")
    folder = _value(activity, "directory")
    path = f"{folder}/{module}.xml"
    root = backup.xml(path)
    body = next((c for c in root if isinstance(c.tag, str) and local(c) == module), None) if root is not None \
        else None
    context = root.get("contextid", "") if root is not None else ""
    name = _value(body, "name") or _value(activity, "title")
    item = Item(id=f"{module}-{_value(activity, 'moduleid')}", title=name, kind="other", source=path,
                resource=module)
    if root is None:
        return item
    component = f"mod_{module}"
    intro = backup.render(_html(body, "intro"), folder, context, component, "intro")
    heading = f"<h1>{escape(name)}</h1>\n"
    if module == "page":
        content = backup.render(_html(body, "content"), folder, context, component, "content")
        item.kind, item.page = "page", heading + content
    elif module == "label":
        item.kind, item.page = "page", intro
    elif module == "book":
        item.kind = "section"
        if intro.strip():
            item.children.append(Item(id=f"{item.id}-intro", title=f"{name} (introduction)", kind="page",
                                      source=path, page=heading + intro))
        for chapter in children(child(body, "chapters"), "chapter"):
            if _value(chapter, "hidden") == "1":
                continue
            chapter_title = _value(chapter, "title")
            content = backup.render(_html(chapter, "content"), folder, context, component, "chapter",
                                    chapter.get("id", "0"))
            item.children.append(Item(id=f"{item.id}-chapter-{chapter.get('id', '')}", title=chapter_title,
                                      kind="page", source=path, page=f"<h1>{escape(chapter_title)}</h1>\n{content}"))
    elif module in ("resource", "folder"):
        stored = backup.files_of(context, component, "content")
        item.kind = "section" if module == "folder" or len(stored) != 1 else kind_of_file(stored[0].filename)
        for f in stored:
            virtual = posixpath.join(folder, FILES_FOLDER, "content", f.filename)
            backup.aliases[virtual] = f.member
            backup.references.append(f.member)
            if module == "resource" and len(stored) == 1:
                item.href = virtual
            else:
                item.children.append(Item(id=f"{item.id}-{f.filename}", title=f.filename, href=virtual,
                                          kind=kind_of_file(f.filename)))
    elif module == "url":
        item.kind, item.url = "link", _value(body, "externalurl")
    elif intro.strip():
        item.kind, item.page = "page", heading + intro
    return item
