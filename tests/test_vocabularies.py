"""The vocabulary registry: one record per vocabulary drives every stage."""

from __future__ import annotations

from generator import vocabularies
from generator.cli import main
from generator.links import RelatedIndex
from generator.vocabularies import Vocabulary
from helpers import EPOCH, STORY, TAXONOMY, make_repo

INDUSTRIES = Vocabulary("industries", "industry", "industry", "Industries", "Industry",
                        "industries", "industry", related_weight=3.0)


def test_a_new_vocabulary_needs_only_its_registry_record(library, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(vocabularies, "REGISTRY", (*vocabularies.REGISTRY, INDUSTRIES))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    library.write("taxonomy.yml", TAXONOMY + "industries:\n"
                                             "  fintech: {title: Fintech, aliases: [finance]}\n"
                                             "  retail: {title: Retail}\n")
    library.write("stories/globex-soc2.md", STORY.replace("deal_size:", "industry: finance\n"
                                                                        "deal_size:"))
    library.write("stories/retail-twin.md", STORY.replace("deal_size:", "industry: retail\n"
                                                                        "deal_size:"))
    library.write("stories/fintech-twin.md", STORY.replace("deal_size:", "industry: fintech\n"
                                                                         "deal_size:"))
    library.write("stories/typo.md", STORY.replace("deal_size:", "industry: fintek\ndeal_size:"))

    # Validation: an unknown value is located, with a suggestion; an alias resolves.
    result = library.load()
    [problem] = [p for p in result.errors if p.path.endswith("typo.md")]
    assert (problem.field, problem.line) == ("industry", 10)
    assert "'fintech'" in problem.message
    library_ = result.library
    assert [s.id for s in library_.stories_by("industry", "fintech")] == [
        "fintech-twin", "globex-soc2"]

    # Related stories weigh the shared industry: the fintech twin outranks the retail one.
    story = library_.story("globex-soc2")
    assert [s.id for s in RelatedIndex(library_.stories).related(story)][:2] == [
        "fintech-twin", "retail-twin"]

    # The site: an overview, a page per term, and a finder filter.
    (library.content / "stories" / "typo.md").unlink()
    root = make_repo(library)
    site = tmp_path / "site"
    monkeypatch.chdir(root)
    assert main(["build", "--site-dir", str(site)]) == 0, capsys.readouterr()
    term_page = (site / "industries" / "fintech" / "index.html").read_text(encoding="utf-8")
    assert "../../stories/globex-soc2/" in term_page
    assert "../../stories/retail-twin/" not in term_page
    assert (site / "industries" / "index.html").is_file()
    finder = (site / "stories" / "index.html").read_text(encoding="utf-8")
    assert '<select name="industry" data-singular="industry">' in finder
    assert '<option value="fintech"' in finder
    story_page = (site / "stories" / "globex-soc2" / "index.html").read_text(encoding="utf-8")
    assert '<span data-pagefind-filter="industry">fintech</span>' in story_page
    story_page = (site / "stories" / "globex-soc2" / "index.html").read_text(encoding="utf-8")
    assert "<dt>Industry</dt>" in story_page
