"""litkb: load, validate, link and publish the distributed-leadership evidence base.

The pipeline is ``load -> validate -> link -> emit``; :func:`litkb.rules.link.build_kb` runs the first
three and returns a :class:`litkb.core.model.KnowledgeBase` carrying every problem found.
"""

__version__ = "0.1.0"
