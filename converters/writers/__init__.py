"""Writers: a Document (or what a transform made of it) into the files of one target. One module
per target, each module's ``WRITER`` registered in the ``access.writers`` entry-point group and its
gate's ``GATE`` in ``access.gates``."""
