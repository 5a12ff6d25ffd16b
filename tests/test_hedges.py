"""The hedge check (KB504): a paraphrase keeps its quote's hedges and whom it attributes the point to."""

from __future__ import annotations

from pathlib import Path

import pytest

from litkb.rules.hedges import dropped
from litkb.rules.link import build_kb

# (quote, paraphrase, the hedges reported, the attributions reported)
CASES = [
    # A hedged quote and an unhedged paraphrase: warned, naming the hedge as the quote writes it.
    ("Teachers' influence appeared to be largely operational.", "Teachers' influence was operational.", ("appeared", "largely"), ()),
    ("This may be seen as a developmental sequence.", "This is a developmental sequence.", ("may", "be seen as"), ()),
    ("The findings suggest that heads are caught in a catch 22.", "Heads are caught in a catch 22.", ("suggest",), ()),
    ("Distributed leadership was to large extent in the gift of the headteacher.", "Distributed leadership was in the gift of the headteacher.", ("to large extent",), ()),
    ("Perhaps distributed leadership is an oxymoron.", "Distributed leadership is an oxymoron.", ("Perhaps",), ()),
    ("Arguably, it was born out of the move away from the heroic leader.", "It was born out of the move away from the heroic leader.", ("Arguably",), ()),
    ("Staff tended to see leadership as the head's.", "Staff saw leadership as the head's.", ("tended to",), ()),
    ("Some teachers took on leadership roles.", "Teachers took on leadership roles.", (), ("Some teachers",)),  # said once, as whom
    ("Several heads described it as instinctive.", "Heads described it as instinctive.", (), ("Several heads",)),
    ("Most schools had a leadership team.", "Schools had a leadership team.", ("Most",), ()),
    # Who said it: two headteachers' recognition made into a general finding.
    ("Two of the heads recognised that support staff were underutilised.", "Support staff were underutilised.", (), ("Two of the heads",)),
    ("One headteacher spoke of measured risk.", "Headteachers spoke of measured risk.", (), ("One headteacher",)),
    ("'It's who I am' [HT1]", "Distributed leadership is part of who headteachers are.", (), ("HT1",)),
    # Kept hedges, in another form of the same family: no warning.
    ("Teachers' influence appeared to be operational.", "Teachers' influence appears operational.", (), ()),
    ("Teachers' influence appeared to be operational.", "Teachers' influence seemed operational.", (), ()),
    ("Distributed leadership was to large extent in the gift of the headteacher.", "To a large extent it was in the gift of the headteacher.", (), ()),
    ("Distributed leadership was to large extent in the gift of the headteacher.", "It was largely in the gift of the headteacher.", (), ()),
    ("This may be seen as a developmental sequence.", "This might be viewed as a developmental sequence.", (), ()),
    ("Staff tended to see leadership as the head's.", "Staff often saw leadership as the head's.", (), ()),
    ("It's not all just teacher-directed.", "Not everything is teacher-directed.", (), ()),
    ("Two of the heads recognised that support staff were underutilised.", "Two headteachers recognised that support staff were underutilised.", (), ()),
    ("'It's who I am' [HT1]", "One headteacher (HT1) said it is who she is.", (), ()),
    # False positives guarded: the month May, words that contain a hedge, "could not", a superlative.
    ("The report was published in May 2004.", "The report was published in 2004.", (), ()),
    ("The workshops ran from 12 May to June.", "The workshops ran until June.", (), ()),
    ("Heads were somewhat reluctant to let go.", "Heads were reluctant to let go.", (), ()),
    ("Someone always has to take the lead.", "A person always has to take the lead.", (), ()),
    ("Staff could not see the point.", "Staff did not see the point.", (), ()),
    ("The most important factor was trust.", "Trust was the key factor.", (), ()),
    ("It is an appeal to trust.", "It appeals to trust.", (), ()),
]


@pytest.mark.parametrize(("quote", "text", "hedges", "attributions"), CASES)
def test_hedges_and_attributions_dropped(quote: str, text: str, hedges: tuple[str, ...], attributions: tuple[str, ...]) -> None:
    found = dropped(quote, text)
    assert found.hedges == hedges
    assert found.attributions == attributions
    assert bool(found) == bool(hedges or attributions)


def test_the_warning_names_the_hedge_at_the_text_line(tmp_path: Path) -> None:
    from conftest import FIXTURES

    kb = build_kb(FIXTURES / "invalid" / "claim-types")
    (warning,) = [p for p in kb.problems if p.code == "KB504"]
    assert warning.severity == "warning"
    assert warning.message == "claim 'hedge-dropped': the paraphrase drops the hedge 'appeared' and the attribution to 'two of the heads' of its quote"
    lines = (FIXTURES / "invalid" / "claim-types" / "kb" / "sources" / "spillane2006.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[warning.line - 1].lstrip().startswith("text: Leadership in the schools was shared.")
