"""Writers: a Document (or what a transform made of it) into the files of one target. One module
per target (``html``, ``epub``, ``mp3``, ``daisy``, ``brf``, ``easy_read``), each module's ``WRITER``
registered in the ``access.writers`` entry-point group; each target's gate is in
``converters/gates/``. Writers name their files only through ``OutputFolder.file(suffix)``."""
