"""The 1:1 coaching pack per skill: its stories, printed by Chromium on two pages;
and the skill page it is linked from (readable transcripts, one clip at a time)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from generator.load import load_library
from generator.pages.coaching import pack_stories
from helpers import REPO, STORY


@pytest.fixture(scope="module")
def sample():
    return load_library(REPO / "content", today=date(2026, 11, 1)).library




def _words(text: str) -> str:
    """Text without whitespace or hyphens, to compare across PDF line breaks."""
    return re.sub(r"[\s\-\u00ad]+", "", text)


def test_featured_stories_choose_the_pack_else_the_newest_win_and_loss(sample):
    discovery = sample.taxonomy.term("skills", "discovery")
    win, loss = pack_stories(sample, discovery)
    assert (win.id, loss.id) == discovery.featured
    objection = sample.taxonomy.term("skills", "objection-handling")
    assert objection.featured == ()
    win, loss = pack_stories(sample, objection)
    stories = sample.stories_by("skills", "objection-handling")
    assert win == next(s for s in stories if s.outcome == "win")
    assert loss == next(s for s in stories if s.outcome == "loss")
    assert all(s.interviewed <= win.interviewed for s in stories if s.outcome == "win")


def test_featured_story_ids_are_validated_at_their_line(library):
    taxonomy = (library.content / "taxonomy.yml").read_text()
    library.write("taxonomy.yml", taxonomy.replace(
        "  discovery: {title: Discovery}",
        "  discovery: {title: Discovery, featured: [globex-soc3]}"))
    assert [(p.path, p.line, p.field, p.code) for p in library.load().problems] == [
        ("content/taxonomy.yml", 2, "skills.discovery.featured[0]", "taxonomy.featured-unknown")]
    library.story(STORY.replace("title: Globex", "title: Another"), "other-loss.md")
    library.write("taxonomy.yml", taxonomy.replace(
        "  discovery: {title: Discovery}",
        "  discovery:\n    title: Discovery\n    featured:\n      - globex-soc2\n"
        "      - other-loss\n"))
    assert [(p.line, p.code) for p in library.load().problems] == [
        (6, "taxonomy.featured-outcome")]  # two losses: the pack shows one win and one loss


def test_the_skill_page_links_its_coaching_pack(sample_site):
    page = (sample_site / "skills" / "discovery" / "index.html").read_text("utf-8")
    assert 'href="coach/"' in page
    assert (sample_site / "skills" / "discovery" / "coach" / "index.html").is_file()


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_a_printed_pack_fits_two_pages_with_both_quotes_and_a_box_per_level(
        served_sample, sample, tmp_path, paper):
    from pypdf import PdfReader

    browser, base = served_sample
    for skill in sample.taxonomy.terms["skills"]:
        page = browser.new_page()  # a fresh page: media emulation would carry into page.pdf
        page.goto(base + f"skills/{skill.id}/coach/")
        pdf = tmp_path / f"{skill.id}-{paper}.pdf"
        page.pdf(path=str(pdf), format=paper, print_background=True)
        reader = PdfReader(pdf)
        assert len(reader.pages) <= 2, (skill.id, paper, len(reader.pages))
        text = _words("".join(p.extract_text() for p in reader.pages))
        win, loss = pack_stories(sample, skill)
        assert _words(win.quote) in text and _words(loss.quote) in text, skill.id
        assert "Storyfinder" not in text and "Search" not in text  # no sidebar or header

        # A box to tick per level of every criterion, visible as printed.
        page.emulate_media(media="print")
        criteria = sample.criteria_for(skill.id)
        boxes = page.locator(".pb-scorebox")
        assert boxes.count() == sum(len(c.anchors) for c in criteria) > 0
        for index in range(boxes.count()):
            box = boxes.nth(index).bounding_box()
            assert box and box["width"] >= 8 and box["height"] >= 8
        assert boxes.first.evaluate("e => getComputedStyle(e).borderTopStyle") == "solid"
        for label in ("One behaviour I will practise", "On which deal", "By when",
                      "We review it on"):
            assert _words(label).upper() in text.upper()
        page.close()


def test_transcripts_on_the_skill_page_read_as_prose_at_1280_px(served_sample):
    browser, base = served_sample
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base + "skills/discovery/")
    measures = page.eval_on_selector_all(
        ".pb-sides .pb-transcript",
        "els => els.map(e => e.getBoundingClientRect().width"
        " / parseFloat(getComputedStyle(e).fontSize))")
    assert measures, "the sample's discovery page has clips in its wins and losses"
    # 15 em holds about 35 characters a line (it was 5 em: one or two words).
    assert min(measures) >= 15, measures
    page.close()


def test_starting_a_clip_pauses_the_one_playing(served_sample):
    browser, base = served_sample
    page = browser.new_page()
    page.goto(base + "skills/discovery/")
    audios = page.locator(".pb-sides audio")
    assert audios.count() >= 2
    play = "a => { a.muted = true; return a.play().then(() => !a.paused); }"
    assert audios.nth(0).evaluate(play)
    assert audios.nth(1).evaluate(play)
    assert audios.nth(0).evaluate("a => a.paused")
    assert not audios.nth(1).evaluate("a => a.paused")
    page.close()


# -- the pack on paper (issue 20): clip addresses, no repeated quote, room for notes --------

def _printed_discovery_pack(served_sample, tmp_path, paper: str = "A4") -> str:
    from pypdf import PdfReader

    browser, base = served_sample
    page = browser.new_page()
    page.goto(base + "skills/discovery/coach/")
    pdf = tmp_path / f"discovery-{paper}.pdf"
    page.pdf(path=str(pdf), format=paper)  # without background graphics, as printers default
    page.close()
    return "\n".join(p.extract_text() for p in PdfReader(pdf).pages)


def test_a_printed_clip_says_where_to_play_it(served_sample, tmp_path):
    # The sample builds without site_url, so the pack names each clip's path on the site.
    text = _words(_printed_discovery_pack(served_sample, tmp_path))
    assert _words("On the playbook's site, open stories/cfo-met-in-week-two/#clip-1") in text
    assert _words("open stories/globex-security-review-came-too-late/#clip-1") in text


def test_a_printed_pack_prints_the_loss_storys_quote_once(served_sample, tmp_path):
    text = _words(_printed_discovery_pack(served_sample, tmp_path, "Letter"))
    # The loss story's transcript is its quote word for word: printed once, not twice.
    quote = _words("Week nine. Finance had already picked a favourite and booked a kickoff "
                   "date. Then a ninety question questionnaire landed on my desk with a two "
                   "week deadline, and nobody from Ledgerline had spoken to my team once.")
    assert text.count(quote) == 1
    # The win story's transcript says more than its quote, so it stays.
    assert _words("The rep asked our controller for fifteen minutes with me in the second "
                  "week.") in text


def test_lined_notes_fill_the_rest_of_each_printed_page_and_stay_off_screen(served_sample):
    browser, base = served_sample
    # The print page area of A4 with the pack's 12 mm margins: 186 x 273 mm at 96 dpi.
    page = browser.new_page(viewport={"width": 703, "height": 1032})
    page.goto(base + "skills/discovery/coach/")
    assert page.locator(".pb-pack-notes").first.is_hidden()
    assert page.locator(".pb-pack-clipaddress").first.is_hidden()
    assert page.locator(".pb-pack-cliplink a").first.is_visible()
    page.emulate_media(media="print")
    assert page.locator(".pb-pack-clipaddress").first.is_visible()
    assert not page.locator(".pb-pack-cliplink a").first.is_visible()  # no dead link on paper
    pages = page.locator(".pb-pack-page")
    assert pages.count() == 2
    for index in range(2):
        sheet = pages.nth(index).bounding_box()
        notes = pages.nth(index).locator(".pb-pack-notes").bounding_box()
        lines = pages.nth(index).locator(".pb-pack-notes__lines span:visible")
        assert sheet and notes
        # The notes run from below the content to the foot of the page, ruled throughout.
        assert 1020 <= sheet["height"] <= 1032, sheet
        assert abs(notes["y"] + notes["height"] - (sheet["y"] + sheet["height"])) <= 2
        assert notes["height"] >= 150 and lines.count() >= 5
    page.close()


def test_with_site_url_each_clip_prints_its_url_and_a_qr_code_of_it(library):
    from generator.build import Settings, run
    from helpers import TODAY

    library.story(STORY.replace("outcome: loss\nloss_reason: execution\n", "outcome: win\n")
                  .replace("title: Globex", "title: A win"), "a-win.md")
    built = run(Settings.at(library.content, today=TODAY, check_audio=False,
                            site_url="https://org.github.io/playbook"))
    page = next(f.text for f in built.files if f.path == "skills/discovery/coach.md")
    for story_id in ("a-win", "globex-soc2"):
        url = f"https://org.github.io/playbook/stories/{story_id}/#clip-1"
        assert f'<span class="pb-qr" role="img" aria-label="QR code of {url}">' \
               f'<svg viewBox="0 0 ' in page
        assert f'open <span class="pb-pack-url">org.github.io/playbook/stories/{story_id}' \
               f'/#clip-1</span>' in page
    assert page.count('<svg viewBox="0 0 ') == 2 and page.count("<path ") == 2
    # No QR code can be decoded here: no decoder is installed offline, and comparing
    # segno's matrix with segno's would not be a check. The printed URL is the check.


def test_a_hostile_or_overlong_site_url_is_printed_as_text_without_breaking_the_build(library):
    from generator.build import Settings, run
    from helpers import TODAY

    def pack(site_url: str) -> str:
        built = run(Settings.at(library.content, today=TODAY, check_audio=False,
                                site_url=site_url))
        return next(f.text for f in built.files if f.path == "skills/discovery/coach.md")

    hostile = pack('https://example.com/"><script>alert(1)</script>')
    assert "<script>" not in hostile
    assert "example.com/&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;/stories/globex-soc2/" \
        in hostile
    # Too long for any QR code: the URL is still printed, without a code.
    long = pack("https://example.com/" + "a" * 3000)
    assert '<span class="pb-pack-url">example.com/' + "a" * 3000 in long
    assert "<svg" not in long.split('class="pb-pack-stories"')[1]
