"""One door for the language a person reads: every text lessonlib shows goes through ``_``.

The series has two editions, English (the source) and Korean. The set-up cell of each
notebook chooses the language once, ``lessonlib.set_language("ko")``; from then on every
figure title, axis label, legend, printed table, verdict, explorer control, status line
and exercise-check message that lessonlib produces is looked up in the catalog of that
language, ``lessonlib/locale/<language>.po`` (gettext's format, which translators' tools
read). English needs no catalog: the English text *is* the key.

Use:

- ``_("text")`` where the text is shown, at the moment it is shown (never at import time:
  the language may change after lessonlib was imported);
- ``_("text with {name}").format(name=value)``: placeholders are Python's ``{}`` fields,
  inside the translated string, so a translation may move them;
- ``_("text", context="where")`` when one English text needs two translations;
- ``tr("text with {name}", name=value)`` in a notebook's code cell: the same lookup and
  ``format`` in one call, so the code cells of both editions stay identical (``_`` itself is
  left to Python and IPython, which use it for "the last result" and "ignored");
- ``N_("text")`` marks a text kept in a constant (a dict of labels, a default) so that
  ``tools/i18n.py extract`` finds it; translate it with ``_(constant)`` where it is shown.

Error messages about bad input (``lessonlib._validate``) stay in English on purpose: they
name Python parameters and are what a search engine finds.
"""

from __future__ import annotations

from pathlib import Path

#: The editions of the series; the first is the source language.
LANGUAGES = ("en", "ko")

LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_state = {"language": "en"}
_catalogs: dict[str, dict[tuple[str | None, str], str]] = {}


def _catalog_path(language: str) -> Path:
    """The gettext catalog of ``language`` inside the package."""
    return LOCALE_DIR / f"{language}.po"


def _load(language: str) -> dict[tuple[str | None, str], str]:
    if language not in _catalogs:
        import polib

        table = {}
        path = _catalog_path(language)
        if path.exists():
            for entry in polib.pofile(str(path)):
                if entry.msgstr and not entry.obsolete and "fuzzy" not in entry.flags:
                    table[(entry.msgctxt, entry.msgid)] = entry.msgstr
        _catalogs[language] = table
    return _catalogs[language]


def set_language(language: str) -> None:
    """Show every later text of lessonlib in ``language`` ("en" or "ko")."""
    if not isinstance(language, str):
        from lessonlib._validate import InputTypeError

        raise InputTypeError(
            f"language must be one of {', '.join(map(repr, LANGUAGES))}, got {language!r}"
            f" of type {type(language).__name__}"
        )
    if language not in LANGUAGES:
        raise ValueError(
            f"language must be one of {', '.join(map(repr, LANGUAGES))}, got {language!r}"
        )
    if language != LANGUAGES[0]:
        _load(language)
    _state["language"] = language


def language() -> str:
    """The language texts are shown in now ("en" until ``set_language`` says otherwise)."""
    return _state["language"]


def _(message: str, context: str | None = None) -> str:
    """``message`` in the current language (the English text itself when it is English).

    A text missing from the catalog is shown in English; ``tests/test_i18n.py`` makes sure
    no text is missing.
    """
    lang = _state["language"]
    if lang == LANGUAGES[0]:
        return message
    return _load(lang).get((context, message), message)


def tr(message: str, **values) -> str:
    """``message`` in the current language, its ``{fields}`` filled from ``values``.

    >>> tr("{n} seeds", n=5)
    '5 seeds'
    """
    if not isinstance(message, str):
        from lessonlib._validate import InputTypeError

        raise InputTypeError(f"message must be a text (str), got {message!r} of type {type(message).__name__}")
    text = _(message)
    try:
        return text.format(**values)
    except (KeyError, IndexError) as missing:
        raise ValueError(f"message needs a value for the field {missing} of {message!r}") from None


def N_(message: str) -> str:
    """Mark ``message`` for the catalog without translating it (for constants)."""
    return message


def text_width(text: str) -> int:
    """Columns ``text`` takes in a fixed-width font: two for a wide character (Hangul,
    CJK), one for any other, so a Korean column lines up under an English one.

    >>> text_width("층"), text_width("layer")
    (2, 5)
    """
    import unicodedata

    if not isinstance(text, str):
        from lessonlib._validate import InputTypeError

        raise InputTypeError(f"text must be a text (str), got {text!r} of type {type(text).__name__}")
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def column_widths(shown, english, widths):
    """The widths of a fixed-width table's columns in the shown language: each column's
    English width (``widths``, one per column), widened only where a shown cell differs
    from its English source (a translation) and needs more room (``text_width``).

    ``shown`` and ``english`` are the table's rows (head included), cell for cell; a
    column past the end of ``widths`` is not sized (the last, free one).
    """
    from lessonlib import _validate

    widths = _validate.sequence(widths, "widths", lambda v, k: _validate.integer(v, k, low=0), min_length=0,
                                what="non-negative column widths")
    if len(shown) != len(english):
        raise ValueError(f"shown and english must have the same rows, got {len(shown)} and {len(english)}")
    for k, (row, source) in enumerate(zip(shown, english)):
        if len(row) != len(source) or len(row) < len(widths):
            raise ValueError(f"row {k}: shown and english need the same cells, at least {len(widths)} (one per "
                             f"width), got {len(row)} and {len(source)}")
    return [max([width, *(text_width(row[i]) for row, source in zip(shown, english) if row[i] != source[i])])
            for i, width in enumerate(widths)]


def pad(text: str, width: int, align: str = "<") -> str:
    """``text`` padded with spaces to ``width`` columns (``text_width``), on the right
    (``align="<"``) or on the left (``">"``): ``f"{text:<9}"`` for texts in any language.

    A text wider than ``width`` is returned as it is, as ``format`` does.
    """
    from lessonlib import _validate

    width = _validate.integer(width, "width", low=0)
    align = _validate.choice(align, "align", ("<", ">"))
    gap = " " * max(0, width - text_width(text))
    return text + gap if align == "<" else gap + text
