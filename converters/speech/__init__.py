"""Offline speech: engines (espeak-ng built in, Piper optional), voices per language, the spoken script
of a Document, and the rendering of a script to chaptered MP3 audio with utterance timings."""
