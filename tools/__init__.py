"""Maintainer tools: making the stored notebook outputs (``execute_notebooks``), and the
notebook runner it shares with the benchmark (``notebook_runner``)."""
