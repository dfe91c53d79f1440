"""Quality gates: every output is checked before it is handed over. One module per target, each
module's ``GATE`` registered in the ``access.gates`` entry-point group; every gate returns a
:class:`access.conversion.GateResult` (checks with name, passed, problems and facts). ``audit`` and
``epubcheck`` are the checks several gates share. A check that could not run (the auditor or
epubcheck missing) fails its gate, visibly."""
