"""A criterion's example dialogue keeps one line per speaker's turn, escaped as text."""

from __future__ import annotations

import re

from generator.model import Criterion


def _example(html: str, side: str) -> list[str]:
    """The lines of the page's present or absent example, as HTML."""
    figure = html.split(f'class="pb-example pb-example--{side}"')[1].split("</figure>")[0]
    quote = re.search(r"<blockquote><p>(.*?)</p></blockquote>", figure, re.S)
    assert quote
    return quote.group(1).split("<br>")


QUANTIFIED_PAIN_PRESENT = [
    "Rep: &#34;You said approvals drag. Last month, roughly how many invoices were still "
    "waiting for an approver on close day?&#34;",
    "Buyer: &#34;Probably three hundred.&#34;",
    "Rep: &#34;And what did that do to the close?&#34;",
    "Buyer: &#34;Two extra days, and we paid about six grand in late fees.&#34;",
    "Rep: &#34;So three hundred stuck invoices, two close days and six thousand a month in "
    "fees. Did I get that right?&#34;",
]


def test_the_criterion_page_shows_each_turn_on_its_own_line(sample_site):
    html = (sample_site / "criteria" / "quantified-pain" / "index.html").read_text("utf-8")
    assert _example(html, "present") == QUANTIFIED_PAIN_PRESENT
    assert _example(html, "absent") == [
        "Buyer: &#34;Approvals are a real headache for us.&#34;",
        "Rep: &#34;That&#39;s exactly what we hear from everyone. Let me show you how our "
        "approval workflow fixes that.&#34;"]
    one_turn = (sample_site / "criteria" / "multi-threaded" / "index.html").read_text("utf-8")
    assert len(_example(one_turn, "present")) == 1


def test_the_skill_page_shows_the_same_lines(sample_site):
    html = (sample_site / "skills" / "discovery" / "index.html").read_text("utf-8")
    guide = html.split('id="criterion-quantified-pain"')[1]
    assert _example(guide, "present") == QUANTIFIED_PAIN_PRESENT


def test_an_authors_line_breaks_are_kept_and_markup_stays_text():
    from generator.pages.render import _environment, dialogue_lines

    text = 'Buyer: "<b>Too dear</b>"\nRep: "<script>alert(1)</script>" Buyer: "Fine."'
    assert dialogue_lines(text) == ['Buyer: "<b>Too dear</b>"',
                                    'Rep: "<script>alert(1)</script>"', 'Buyer: "Fine."']
    criterion = Criterion("c", "criteria/c.md", "C", "discovery", "binary", 1.0, "d",
                          text, "Rep: a colon: not a turn.\n\nSecond line", ())
    examples = _environment().get_template("fragments/macros.html.j2").module.examples
    html = str(examples(criterion))
    assert _example(html, "present") == [
        "Buyer: &#34;&lt;b&gt;Too dear&lt;/b&gt;&#34;",
        "Rep: &#34;&lt;script&gt;alert(1)&lt;/script&gt;&#34;",
        "Buyer: &#34;Fine.&#34;"]
    assert _example(html, "absent") == ["Rep: a colon: not a turn.", "Second line"]
    assert "<b>" not in html and "<script" not in html
