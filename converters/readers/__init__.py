"""Readers: every input format into one Document (see access/document.py), one module per format,
each module's ``READER`` registered in the ``access.readers`` entry-point group."""
