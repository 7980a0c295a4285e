"""Calibration: /calibration/ lists the sessions; a page per session shows the
score matrices, the agreement figures and the moments where scores split."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ..analysis.calibration import session_agreement
from ..urls import calibration_url
from .files import GeneratedFile
from .render import Renderer


def generate(renderer: Renderer, today: date) -> Iterator[GeneratedFile]:
    library = renderer.library
    threshold = renderer.options.calibration_threshold
    newest_first = [(s, session_agreement(library, s, threshold))
                    for s in reversed(library.calibrations)]
    yield renderer.page("calibration.md.j2", f"{calibration_url()}index.md",
                        sessions=newest_first, threshold=threshold)
    for session, results in newest_first:
        yield renderer.page("calibration-session.md.j2", f"{calibration_url(session.id)[:-1]}.md",
                            source=session.path, session=session, results=results,
                            calls={call.id: call for call in session.calls})
