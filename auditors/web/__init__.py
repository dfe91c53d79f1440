"""The web auditor: crawl a learning site in headless Chromium and audit each page with
axe-core and our own browser rules (``rules/web``); every axe rule has a catalogue entry
(``rules/axe``). The plan (discover → pages → assemble) is :mod:`auditors.web.site`, registered
in the ``access.auditors`` group as ``web``; its settings are :class:`auditors.web.settings.WebSettings`
(group ``access.settings``). Nothing is imported here, so reading the settings starts no browser code.
"""
