"""Settings of the package auditors (EPUB, Common Cartridge, SCORM, Moodle backups): ``ACCESS_*``
variables, registered in the ``access.settings`` entry-point group as ``packages``."""

from __future__ import annotations

from pydantic import Field

from access.config import PluginSettings


class PackageSettings(PluginSettings):
    package_max_items: int = Field(2000, ge=1, description="Most outline items (or EPUB content documents) a "
                                                          "package may have; more is refused.")
    package_max_pages: int = Field(500, ge=1, description="Most pages and documents one package audit opens; the "
                                                         "rest are listed as skipped.")
    package_batch_items: int = Field(5, ge=1, description="Pages or documents per fanned-out task (distributed mode).")
    package_fanout: bool = Field(True, description="Distributed mode: a package's pages fan out as tasks across "
                                                   "workers, as a site's pages do.")
