"""Report renderers, one module per format (html, csv, sarif, junit, earl); json is built into
access.services. Each module's ``FORMAT`` is registered in the ``access.reports`` entry-point group.

A renderer is ``render(report, rules) -> bytes``; ``rules`` is the registry's rule catalogue, so
reports carry each rule's title, help and documentation link.
"""
