"""Relative links: the site must work from any folder, such as a Pages project path."""

import pytest

from generator.urls import finder_url, page_url, relative


@pytest.mark.parametrize("target, page, expected", [
    ("stories/b/", "stories/a/", "../b/"),
    ("criteria/x/", "stories/a/", "../../criteria/x/"),
    ("", "stories/a/", "../../"),
    ("stories/", "", "stories/"),
    ("stories/?skill=discovery", "skills/discovery/", "../../stories/?skill=discovery"),
    ("stories/a/clip-1.mp3", "stories/a/", "clip-1.mp3"),
    ("stories/a/#clip-1", "competitors/globex/", "../../stories/a/#clip-1"),
    ("", "", "./"),
    ("stories/a/", "stories/", "a/"),
    ("stories/?outcome=loss", "stories/", "./?outcome=loss"),
])
def test_links_are_relative_to_the_page(target, page, expected):
    assert relative(target, page) == expected


def test_page_urls_and_finder_links():
    assert page_url("index.md") == ""
    assert page_url("stories/index.md") == "stories/"
    assert page_url("stories/acme.md") == "stories/acme/"
    assert finder_url(outcome="loss", competitor="northwind") == \
        "stories/?competitor=northwind&outcome=loss"
