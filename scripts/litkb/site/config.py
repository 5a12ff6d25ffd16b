"""What the site adapter reads from the configuration: which mkdocs.yml builds a knowledge base,
and the knowledge base's citation style (``extra.kb.citation_style`` of its mkdocs.yml).

Input: a knowledge-base root. Output: a path and a style name. The emitters read no configuration:
the style is passed to them (``render_pages(kb, style=...)``, ``update_index(..., style=...)``).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from ..emit.cite.styles import DEFAULT_STYLE

# The project's mkdocs.yml (scripts/litkb/site/config.py -> repository root), used for a
# knowledge base that has none of its own (fixtures, benchmarks).
PROJECT_CONFIG = Path(__file__).resolve().parents[3] / "mkdocs.yml"


class SiteError(Exception):
    """A build that cannot start or did not finish; the message is one line for the user."""


def find_config(root: Path) -> Path:
    """``<root>/mkdocs.yml``, else the project's own."""
    for candidate in (root / "mkdocs.yml", PROJECT_CONFIG):
        if candidate.is_file():
            return candidate.resolve()
    raise SiteError(f"no mkdocs.yml in {root} (nor {PROJECT_CONFIG})")


class _TolerantLoader(yaml.SafeLoader):
    """Safe loader that reads unknown tags (mkdocs.yml's ``!!python/name:...``) as None."""


_TolerantLoader.add_multi_constructor("", lambda _loader, _suffix, _node: None)


def citation_style(root: Path) -> str:
    """The site's citation style: ``extra.kb.citation_style`` of ``root/mkdocs.yml``, else "apa"."""
    path = root / "mkdocs.yml"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return DEFAULT_STYLE
    try:
        config = yaml.load(text, Loader=_TolerantLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError:
        return DEFAULT_STYLE
    extra = config.get("extra") if isinstance(config, dict) else None
    kb = extra.get("kb") if isinstance(extra, dict) else None
    style = kb.get("citation_style") if isinstance(kb, dict) else None
    return style if isinstance(style, str) and style.strip() else DEFAULT_STYLE
