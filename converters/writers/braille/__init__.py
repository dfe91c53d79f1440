"""Braille output through liblouis: formatted BRF (40 x 25 by default), Unicode braille, PEF."""
