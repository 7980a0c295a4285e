"""Calibration sessions: agreement maths, validation, `playbook calibrate` and the pages."""

from __future__ import annotations

import math
import random

import krippendorff as reference  # test-only: the independent implementation
import numpy as np
import pytest

from generator.analysis.agreement import krippendorff_alpha, pairwise_agreement
from helpers import SESSION

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C:
# four observers, twelve units, missing values (None). R's irr::kripp.alpha
# documents the same data and values.
_ = None
PUBLISHED = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
    "C": [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
}
PUBLISHED_UNITS = list(zip(*PUBLISHED.values(), strict=True))


@pytest.mark.parametrize("metric, published", [
    ("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849)])
def test_alpha_matches_the_published_worked_example(metric, published):
    assert round(krippendorff_alpha(PUBLISHED_UNITS, metric), 3) == published


def _random_matrix(rng: random.Random) -> list[list[int | None]]:
    raters, units, levels = rng.randint(2, 6), rng.randint(2, 15), rng.choice((2, 3, 5))
    missing = rng.choice((0.0, 0.2, 0.5))
    return [[None if rng.random() < missing else rng.randrange(levels)
             for _ in range(raters)] for _ in range(units)]


@pytest.mark.parametrize("metric", ["nominal", "ordinal", "interval"])
def test_alpha_agrees_with_the_krippendorff_package_on_random_matrices(metric):
    rng = random.Random(f"alpha-{metric}")
    compared = 0
    for _ in range(300):
        units = _random_matrix(rng)
        ours = krippendorff_alpha(units, metric)
        data = np.array([[np.nan if v is None else v for v in unit] for unit in units],
                        dtype=float).T  # the package takes raters x units
        try:
            with np.errstate(invalid="ignore", divide="ignore"):
                theirs = reference.alpha(reliability_data=data, level_of_measurement=metric)
        except ValueError:  # the package refuses data with a single value
            assert ours is None
            continue
        if ours is None:  # undefined: no pairable unit, or no variation to disagree on
            assert math.isnan(theirs)
            continue
        assert ours == pytest.approx(theirs, abs=1e-9)
        compared += 1
    assert compared > 200  # most random matrices are comparable


def test_pairwise_agreement_counts_pairs_of_raters_per_call():
    # three raters on one call: 3 pairs, one agrees; two raters on another: 1 pair, agrees
    units = [[1, 1, 3], [2, 2, None], [4, None, None]]
    assert pairwise_agreement(units) == pytest.approx(2 / 4)
    assert pairwise_agreement(units, within=1) == pytest.approx(2 / 4)
    assert pairwise_agreement(units, within=2) == pytest.approx(4 / 4)
    assert pairwise_agreement([[1, None], [None, 2]]) is None




def _codes(result):
    return [(p.path, p.line, p.field, p.code) for p in result.problems]


def test_a_valid_session_is_loaded_with_its_scores(library):
    library.write("calibration/round-one.yml", SESSION)
    result = library.load()
    assert result.problems == []
    (session,) = result.library.calibrations
    assert session.calls[0].scores == {"dana": {"security-early": "3"},
                                       "marco": {"security-early": "2"}}


def test_unknown_raters_criteria_and_levels_are_located(library):
    library.write("calibration/round-one.yml", SESSION
                  .replace("      marco: {security-early: 2}", "      marko: {security-early: 2}")
                  .replace("      dana: {security-early: 1}", "      dana: {security-early: 4}")
                  .replace("criteria: [security-early]", "criteria: [security-early, secrity]"))
    path = "content/calibration/round-one.yml"
    assert _codes(library.load()) == [
        (path, 5, "criteria", "calibration.unscored"),  # no call has two valid ratings left
        (path, 5, "criteria[1]", "calibration.unknown-criterion"),
        (path, 11, "calls[0].scores.marko", "calibration.unknown-rater"),
        (path, 15, "calls[1].scores.dana.security-early", "calibration.level"),
    ]


def test_a_session_needs_two_raters(library):
    library.write("calibration/solo.yml", SESSION.replace("  marco: Marco Ruiz\n", "")
                  .replace("      marco: {security-early: 2}\n", "")
                  .replace("      marco: {security-early: 1}\n", ""))
    assert ("content/calibration/solo.yml", 2, "raters", "calibration.too-few-raters") in \
        _codes(library.load())


def test_calibrate_on_the_sample_flags_exactly_the_criterion_below_threshold():
    import json
    import os
    import subprocess
    import sys

    from helpers import EPOCH, REPO

    def calibrate(*args):
        return subprocess.run([sys.executable, "-m", "generator.cli", "calibrate", *args],
                              cwd=REPO, env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
                              capture_output=True, text=True)

    report = json.loads(calibrate("--format", "json").stdout)
    assert report["needs_calibration"] == ["multi-threaded"]
    statuses = {c["id"]: c["status"] for c in report["criteria"]}
    assert len(statuses) == 4 and list(statuses.values()).count("calibrated") == 3
    assert calibrate().returncode == 0
    strict = calibrate("--strict")
    assert strict.returncode == 1 and "multi-threaded needs calibration" in strict.stdout


def test_session_and_criterion_pages_show_the_figures(sample_site):
    session = (sample_site / "calibration" / "2026-q3-discovery-round-one" / "index.html"
               ).read_text(encoding="utf-8")
    assert session.count('class="pb-matrix__split"') == 6  # 3 + 3 split rows
    assert "Needs calibration" in session and "0.589" in session
    criterion = (sample_site / "criteria" / "multi-threaded" / "index.html").read_text(
        encoding="utf-8")
    assert "Needs calibration" in criterion
    other = (sample_site / "criteria" / "value-before-price" / "index.html").read_text(
        encoding="utf-8")
    assert "Not yet calibrated" in other


def _matrix_row(html: str, criterion: str, call_title: str) -> list[str]:
    """The cells of one call's row in a criterion's score matrix, as text."""
    import re

    section = html.split(f'<h2 id="{criterion}">')[1].split("<h2")[0]
    row = next(r for r in re.findall(r"<tr[^>]*>(.*?)</tr>", section, re.S) if call_title in r)
    return [re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]


def test_a_score_a_rater_did_not_give_is_not_shown_as_agreement(sample_site):
    # The sample: Marco joined the Lakeside Foods call late and gave no quantified-pain score.
    html = (sample_site / "calibration" / "2026-q3-discovery-round-one" / "index.html"
            ).read_text(encoding="utf-8")
    assert _matrix_row(html, "quantified-pain", "Lakeside Foods") == [
        "Lakeside Foods, discovery with the VP Finance", "3", "–", "not scored by all"]
    # Where both scored, the verdict is unchanged.
    assert _matrix_row(html, "multi-threaded", "Lakeside Foods")[1:] == ["1", "1", "agree"]
    assert _matrix_row(html, "quantified-pain", "Orbit Logistics")[1:] == ["3", "3", "agree"]


def test_missing_scores_stay_out_of_the_agreement_figures():
    import json
    import os
    import subprocess
    import sys

    from helpers import EPOCH, REPO

    run = subprocess.run([sys.executable, "-m", "generator.cli", "calibrate", "--format", "json"],
                         cwd=REPO, env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
                         capture_output=True, text=True)
    figures = {c["id"]: c for c in json.loads(run.stdout)["criteria"]}["quantified-pain"]
    # Dana and Marco both scored five calls: 4/4, 2/3, 3/3, 5/4, 1/2. Lakeside (3/-) is no pair.
    assert (figures["calls"], figures["pairs"], figures["exact"], figures["within_one"]) == (
        6, 5, 0.4, 1.0)
    complete = np.array([[3, 1, 2, 4, 0], [3, 2, 2, 3, 1]], dtype=float)  # levels 1-5 as 0-4
    assert figures["alpha"] == pytest.approx(
        reference.alpha(reliability_data=complete, level_of_measurement="ordinal"), abs=1e-4)


def test_a_split_with_a_missing_score_says_so():
    from generator.analysis.calibration import Split
    from generator.model import CalibrationCall

    call = CalibrationCall("c", "A call", {})  # the verdict reads only the scores
    assert Split(call, (("a", "2"), ("b", "2"), ("c", None)), 0, 0).verdict == \
        "agree, not scored by all"
    assert Split(call, (("a", "1"), ("b", "3"), ("c", None)), 2, 1).verdict == \
        "split by 2, not scored by all"
    assert Split(call, (("a", None), ("b", None)), 0, 0).verdict == "not scored"
    assert Split(call, (("a", "yes"), ("b", "yes")), 0, 0).verdict == "agree"
