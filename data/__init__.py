"""Data files of the series, installed as ``lessonlib._data`` (see README.md here)."""
