"""Transforms: one kind of value into another on the way from the Document to a writer. One module
per step, each module's ``TRANSFORM`` registered in the ``access.transforms`` entry-point group:
``easy_read`` (document → easy-read document) and ``speech`` (document → spoken book)."""
