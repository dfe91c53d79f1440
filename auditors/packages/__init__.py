"""What the package auditors share (EPUB in ``auditors.epub``; Common Cartridge, SCORM and Moodle
backups in ``auditors.courses``): safe access to a package's files (``archive``), serving them to
the web auditor's browser from 127.0.0.1 (``serve``, ``browser``), the plan of units (``plan``),
the formats (``formats``) and the settings (``settings``). Nothing is imported here."""
