"""How much one input may hold: the limits ``kb check`` enforces, defined once.

Notes and BibTeX entries arrive by pull request from strangers, so every limit here bounds the
work one file, entry or field can cause later (loading, the site build, search, exports). Each is
generous next to the real knowledge base (the largest values seen are in the comments) but finite;
going over one is a located problem, never a crash. Lengths count characters (code points),
file sizes bytes.
"""

from __future__ import annotations

# -- files -------------------------------------------------------------------------------------
# Largest real note: 113 KB (205 claims). A file is read up to the limit plus one byte, so a huge
# file (or a device such as /dev/zero, were it not refused first) never fills the memory.
MAX_YAML_BYTES = 1024 * 1024
# The 10,000-source benchmark library is 2.7 MB, the real one 50 KB for 69 entries.
MAX_BIB_BYTES = 32 * 1024 * 1024

# -- YAML ----------------------------------------------------------------------------------------
# A note nests six levels deep; libyaml's composer recurses once per level and crashes (no Python
# error, a segmentation fault) somewhere past 20,000.
MAX_YAML_DEPTH = 64

# -- keys and ids -------------------------------------------------------------------------------
# Keys and ids become file names and URL parts ("sources/<key>/index.html"), which file systems
# limit to 255 bytes. Longest real key: 23 characters.
MAX_KEY_LENGTH = 100
MAX_ID_LENGTH = 100

# -- text fields of notes and concepts (characters) -----------------------------------------------
# Python-Markdown's inline pass costs O(length x escapes) per paragraph or table cell, so text
# made of Markdown-special characters renders in time quadratic in its length: a finite limit per
# field keeps the worst case small (about 0.1 s for 4,000 characters). Largest real values in ().
MAX_SUMMARY = 10_000  # (1,431)
MAX_CLAIM_TEXT = 4_000  # (533)
MAX_QUOTE = 4_000  # (520)
MAX_LOCATOR = 300  # (64)
MAX_SAMPLE = 2_000  # (592)
MAX_RESPONSE_RATE = 1_000  # (65)
MAX_COUNTRY = 100
MAX_LABEL = 200  # concept labels and aliases (30)
MAX_DEFINITION = 4_000  # (757)
MAX_CITED_AS = 300  # how a reporting text prints one citation, "Gronn, 2009b: 18" (44)
MAX_APPRAISAL_TEXT = 4_000  # sampling, a data source, a limitation (628)

# -- list lengths ----------------------------------------------------------------------------
MAX_CLAIMS = 1_000  # claims, and reported claims, per note (156)
MAX_CONCEPTS_PER_CLAIM = 20  # (12: one sentence naming the six ways of distribution and more): each link shows the claim once more, on that concept's page
MAX_CITES = 2_000  # (50)
MAX_COUNTRIES = 50  # (1): countries become columns of the evidence map
MAX_CHOICES = 20  # design and sector lists (controlled values, 18 and 8 of them)
MAX_ALIASES = 50  # (6)
MAX_RELATIONS = 50  # broader, related and alternative_to per concept (10)
# Works one reported claim names (``about``; ``cited_as`` has as many), and works a definition
# credits (``source``): each is a link on every page showing the claim. (6; a definition: 4)
MAX_WORKS_PER_CLAIM = 50
MAX_SAME_STUDY = 50  # works reporting the same study as a note's source (2)
MAX_APPRAISAL_ITEMS = 100  # data sources, limitations, things not measured, per list (9)

# -- question pages (kb/questions/<id>.md) ---------------------------------------------------------
# A question file is read up to MAX_YAML_BYTES like a note (the six real pages: 6-8 KB each).
MAX_QUESTION = 300  # the question, shown as the page title (64)
MAX_CONTRIBUTORS = 50  # (1)
MAX_QUESTION_CONCEPTS = 50  # (15)
# A block (paragraph, heading, list item) is rendered by Python-Markdown's inline pass, whose cost
# grows with the square of the text's length for pathological text, as a note's summary (2,046).
MAX_BLOCK = 10_000
MAX_BLOCKS = 1_000  # paragraphs, headings and list items per page (12)
MAX_CITATIONS = 2_000  # citation items per page (55)
MAX_CITATION_ITEMS = 50  # works or claims in one bracketed citation (6)

# -- BibTeX ------------------------------------------------------------------------------------
# Values count after @string expansion. Printed fields are shown in every reference, free text
# (an abstract, a note, how the entry was verified) once on the work's page.
MAX_TITLE = 500  # (128); a title is shown wherever the work is listed
MAX_FIELD = 1_000  # publisher, journal, volume ... (192)
MAX_TEXT_FIELD = 5_000  # abstract, annotation, note, keywords, verification_note, doubt ... (434)
MAX_FIELDS = 100  # fields per entry (15)
MAX_ENTRY = 20_000  # all fields of an entry together, crossref inheritance included
MAX_INHERITED = 2_000  # characters a crossref child takes from its parent (about 300)
MAX_NAMES = 100  # persons per author or editor field (9)
MAX_NAME = 200  # characters per person (39)

# -- check -----------------------------------------------------------------------------------
# "Did you mean ...?" hints per file: each compares an unknown key with every key of the library.
MAX_HINTS_PER_FILE = 20

# -- site -------------------------------------------------------------------------------------
# An author page lists at most this many co-authors (the most frequent first), so author pages
# grow with the number of authors, not with its square.
MAX_COAUTHORS_SHOWN = 50
# The concepts index nests the broader hierarchy as lists; Markdown nests one level per step.
MAX_CONCEPT_DEPTH = 32
