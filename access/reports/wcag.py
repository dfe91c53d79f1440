"""WCAG 2.2 success-criterion names and links to their Understanding documents."""

from __future__ import annotations

from access.requirements import CRITERIA, PRINCIPLES, UNDERSTANDING, Requirement


def sc_name(sc: str) -> str:
    return CRITERIA[sc].name if sc in CRITERIA else sc


def sc_url(sc: str) -> str:
    return CRITERIA[sc].url if sc in CRITERIA else UNDERSTANDING


def sc_label(sc: str) -> str:
    """``1.1.1 Non-text Content (A)``."""
    return CRITERIA[sc].label if sc in CRITERIA else f"{sc} {sc} (?)"


def principle_of(sc: str) -> str:
    return PRINCIPLES.get(sc.split(".")[0], "other")


def ref_url(ref: str) -> str | None:
    """A link for a standard reference such as ``act:23a2a8`` or ``axe:image-alt``."""
    try:
        return Requirement.parse(ref).url
    except ValueError:
        return None
