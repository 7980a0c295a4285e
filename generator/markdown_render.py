"""Story and criterion bodies (Markdown) to HTML, under a content-safety policy.

Bodies arrive by pull request from many contributors, so the policy is:

- Raw HTML is shown as text. The html_block preprocessor and the html inline
  pattern are removed, so `<script>`, `<img onerror=...>`, comments and
  anything else written as a tag reach the page escaped (`&lt;script&gt;`).
  Entities such as `&lt;` stay entities (they show as the character), code
  spans and blocks are escaped, and `<javascript:...>` is not an autolink.
- Every URL a body can put in an href or src (links, images, reference-style
  links, autolinks) must be http, https, mailto or relative, judged after
  decoding HTML entities and removing whitespace and control characters, the
  way a browser reads it. Any other link becomes plain text, an image its alt
  text, and validation reports `markdown.unsafe-url` at the body line.
- No extension that adds attributes (attr_list) is loaded, and only a short
  list of attributes survives rendering.
- Python-Markdown recurses per nesting level and rescans text quadratically
  on some inputs (runs of `[`, many heading or rule lines in one block). A
  linear pre-scan bounds size, nesting depth and that rescanning before any
  rendering, so such a body fails validation with a located error instead of
  crashing or stalling the build; RecursionError is caught as a last resort.
"""

from __future__ import annotations

import functools
import html
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass

import markdown
from markdown import util
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup, escape

from .problems import Code, Problem
from .source import SourceFile

# The findings this check reports (listed by `playbook codes`).
CODES = (
    Code("markdown.unsafe-url", "error",
         "a link or image URL other than http, https, mailto or relative"),
    Code("markdown.too-deep", "error", "a body nested more than 20 levels deep"),
    Code("markdown.too-large", "error", "a body over 100,000 characters"),
    Code("markdown.too-complex", "error", "a body shaped so that rendering would stall"),
    Code("markdown.render-failed", "error", "a body the Markdown renderer could not render"),
)

SAFE_SCHEMES = ("http", "https", "mailto")
# Bounds of the pre-scan. Real narratives are a few KB, nest lists three or
# four deep and hold a handful of links per paragraph; each bound is far above
# that and far below what makes Python-Markdown slow (see tests).
MAX_BODY_CHARS = 100_000
MAX_DEPTH = 20
# Sum over paragraphs of ('[' count x paragraph length): the inline link
# patterns rescan to the paragraph's end from each bracket.
MAX_BRACKET_WORK = 1_000_000
# Sum over blank-line-free blocks of (lines x length): heading, rule and
# setext lines split a block and rescan the rest of it.
MAX_BLOCK_WORK = 20_000_000
# Attributes the narrative renderer itself produces; anything else is dropped.
ALLOWED_ATTRIBUTES = frozenset({"href", "src", "alt", "title", "class", "style"})

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
# Whitespace and control characters, which browsers drop from or around a URL.
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f-\x9f\s]+")
_PLACEHOLDER = re.compile(f"{util.STX}(\\d+){util.ETX}")


@dataclass(frozen=True)
class BodyFinding:
    line: int  # 1-based line within the body
    code: str
    message: str
    hint: str


@dataclass(frozen=True)
class RenderedBody:
    html: Markup  # safe to insert into a page as it is
    findings: tuple[BodyFinding, ...]


# -- URL policy ---------------------------------------------------------------------

def url_as_browser_reads(url: str) -> str:
    """The URL with Markdown's placeholders restored, entities decoded (repeatedly,
    so double encoding cannot hide a scheme) and whitespace/control characters gone."""
    url = _PLACEHOLDER.sub(lambda m: chr(int(m.group(1))), url.replace(util.AMP_SUBSTITUTE, "&"))
    for _ in range(5):
        decoded = html.unescape(url)
        if decoded == url:
            break
        url = decoded
    return _IGNORED_IN_URL.sub("", url)


def unsafe_scheme(url: str) -> str | None:
    """The scheme of a URL that the policy refuses, or None for a safe URL."""
    match = _SCHEME.match(url_as_browser_reads(url))
    if match is None:
        return None  # relative: a path, ?query, #fragment or //host (http/https)
    scheme = match.group(1).lower()
    return None if scheme in SAFE_SCHEMES else scheme


class _SafeUrls(Treeprocessor):
    """Turns links and images with an unsafe URL into text; records each one."""

    def __init__(self, md: markdown.Markdown):
        super().__init__(md)
        self.unsafe: list[tuple[str, str]] = []  # (raw URL, scheme), in document order

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            for name in [n for n in element.attrib if n not in ALLOWED_ATTRIBUTES]:
                del element.attrib[name]
            attribute = {"a": "href", "img": "src"}.get(element.tag)
            if attribute is None or attribute not in element.attrib:
                continue
            raw = element.attrib[attribute]
            scheme = unsafe_scheme(raw)
            if scheme is None:
                continue
            self.unsafe.append((raw, scheme))
            if element.tag == "img":
                element.text = element.attrib.get("alt", "")
            element.tag = "span"
            element.attrib.clear()


_RENDERER: list[tuple[markdown.Markdown, _SafeUrls]] = []  # one, made on first use


def _renderer() -> tuple[markdown.Markdown, _SafeUrls]:
    if _RENDERER:
        md, safe_urls = _RENDERER[0]
        md.reset()
        safe_urls.unsafe = []
        return md, safe_urls
    # No "toc" extension: headings without ids keep a story one search document.
    md = markdown.Markdown(extensions=["tables", "sane_lists", "fenced_code"])
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    safe_urls = _SafeUrls(md)
    md.treeprocessors.register(safe_urls, "playbook_safe_urls", -10)  # after unescape (0)
    _RENDERER.append((md, safe_urls))
    return md, safe_urls


# -- pre-scan -------------------------------------------------------------------------

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CONTAINER = re.compile(r"(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$))[ \t]?")
_BLOCK_SPLITTER = re.compile(r"^ {0,3}(?:#|(?:[-*_=] *){3,}$)")
_ANY_BLOCK_SPLITTER = re.compile(_BLOCK_SPLITTER.pattern, re.MULTILINE)
_ITEM_START = re.compile(r"^[ \t>]*(?:[-*+]|\d{1,9}[.)]|#|\|)")


def _depth(line: str) -> int:
    """Block nesting a line opens: indentation steps, quote markers, list markers."""
    expanded = line.expandtabs(4)
    stripped = expanded.lstrip(" ")
    depth = (len(expanded) - len(stripped)) // 4
    position = 0
    while True:
        match = _CONTAINER.match(stripped, position)
        if match is None:
            return depth
        depth += 1
        position = match.end()
        while position < len(stripped) and stripped[position] == " ":
            position += 1


# A line opens nesting only if it starts with one of these (prose lines do not).
_NESTING_START = frozenset(" \t>-*+0123456789")
# Each level of nesting takes at least one of these characters at the start of
# the line (a tab or space of indentation, a quote or list marker and the space
# after it), so a line too deep starts with more than MAX_DEPTH of them.
_NESTING_RUN = f"[ \\t>*+\\-.)\\d]{{{MAX_DEPTH + 1}}}"
_MAY_NEST_FIRST = re.compile(_NESTING_RUN)
_MAY_NEST = re.compile("\n" + _NESTING_RUN)  # a literal start: fast to search for


def prescan(text: str, *, exhaustive: bool = False) -> BodyFinding | None:
    """The first bound a body breaks, or None. Linear in the body's length.

    Parts that cannot apply to a body are skipped; `exhaustive` runs them all
    (the tests check the two agree).
    """
    line_count = text.count("\n") + 1
    brackets = text.count("[")
    # Upper bounds of the two kinds of work (each block or unit is at most the
    # whole body long): below both limits, only nesting needs a look per line.
    count_work = (exhaustive or brackets * (len(text) + 1) > MAX_BRACKET_WORK
                  or line_count * (len(text) + 1) > MAX_BLOCK_WORK)
    # Nor that, when no line starts with enough characters to nest too deep.
    may_nest = count_work or _MAY_NEST_FIRST.match(text) or _MAY_NEST.search(text)
    lines = text.split("\n") if may_nest else []
    has_brackets = exhaustive or brackets > 0
    has_splitters = exhaustive or (count_work and _ANY_BLOCK_SPLITTER.search(text) is not None)
    may_fence = exhaustive or bool(lines) and ("```" in text or "~~~" in text)
    fence = ""
    block: list[tuple[int, str]] = []  # (line number, text) since the last blank line
    bracket_work = block_work = 0
    worst_bracket_line = worst_block_line = 1
    worst_bracket = worst_block = 0

    def close_block() -> None:
        nonlocal bracket_work, block_work, worst_block, worst_block_line
        nonlocal worst_bracket, worst_bracket_line
        if not block:
            return
        if not (has_brackets or has_splitters):  # no work of either kind to count
            block.clear()
            return
        length = sum(len(t) + 1 for _, t in block)
        work = len(block) * length if has_splitters and any(
            _BLOCK_SPLITTER.match(t) for _, t in block) else 0
        block_work += work
        if work > worst_block:
            worst_block, worst_block_line = work, block[0][0]
        if not has_brackets:  # no bracket work to count
            block.clear()
            return
        # Paragraph-like units: a list item, heading or table row starts a new one.
        units: list[list[tuple[int, str]]] = []
        for number, line_text in block:
            if not units or _ITEM_START.match(line_text):
                units.append([])
            units[-1].append((number, line_text))
        for unit in units:
            brackets = sum(t.count("[") for _, t in unit)
            work = brackets * sum(len(t) + 1 for _, t in unit)
            bracket_work += work
            if work > worst_bracket:
                worst_bracket, worst_bracket_line = work, unit[0][0]
        block.clear()

    for number, line in enumerate(lines, start=1):
        match = _FENCE.match(line) if may_fence else None
        if fence:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = ""
            continue
        if match:
            close_block()
            fence = match.group(1)
            continue
        if (exhaustive or line[:1] in _NESTING_START) and _depth(line) > MAX_DEPTH:
            return BodyFinding(number, "markdown.too-deep",
                               f"this line nests lists, quotes or indentation more than "
                               f"{MAX_DEPTH} levels deep", "flatten the list or quote; "
                               "a narrative rarely needs more than three levels")
        if not count_work:
            continue
        if line.strip():
            block.append((number, line))
        else:
            close_block()
    close_block()
    if len(text) > MAX_BODY_CHARS:
        return BodyFinding(1, "markdown.too-large",
                           f"the body is {len(text):,} characters; the limit is "
                           f"{MAX_BODY_CHARS:,}", "split the narrative or shorten it")
    if bracket_work > MAX_BRACKET_WORK:
        return BodyFinding(worst_bracket_line, "markdown.too-complex",
                           "the body has so many square brackets '[' in long paragraphs that "
                           "rendering it would take minutes",
                           "close each '[' with ']', break long paragraphs with blank lines, "
                           "or remove the stray brackets")
    if block_work > MAX_BLOCK_WORK:
        return BodyFinding(worst_block_line, "markdown.too-complex",
                           "the body has long runs of heading or rule lines with no blank "
                           "line between them; rendering it would take minutes",
                           "put a blank line after each heading and around each '---' rule")
    return None


# -- rendering -----------------------------------------------------------------------

def _locate(text: str, raw: str, taken: set[int]) -> int:
    """The body line where the URL `raw` is written (tabs, newlines, escapes allowed)."""
    chars = [c for c in raw.replace(util.AMP_SUBSTITUTE, "&") if not c.isspace()][:60]
    if chars:
        pattern = re.compile(r"\s*".join(r"\\?" + re.escape(c) for c in chars))
        for match in pattern.finditer(text):
            if match.start() not in taken:
                taken.add(match.start())
                return text.count("\n", 0, match.start()) + 1
    return 1


def _fallback(text: str) -> Markup:
    # Never used for content that passed validation: the build refuses it first.
    return Markup(f'<pre class="pb-unrendered">{escape(text)}</pre>')


# Validation renders every body, and the page stage renders them again in
# about the same order; a cache smaller than the library would have dropped
# each body just before the pages ask for it. This holds 10,000 stories with
# room to spare (the HTML of a body is a few KB).
RENDER_CACHE_SIZE = 16384


@functools.lru_cache(maxsize=RENDER_CACHE_SIZE)
def render_body(text: str) -> RenderedBody:
    """A body as safe HTML with what validation reports about it. Never raises.

    Cached, so the build reuses what validation rendered.
    """
    finding = prescan(text)
    if finding is not None:
        return RenderedBody(_fallback(text), (finding,))
    md, safe_urls = _renderer()
    try:
        output = md.convert(text)
    except RecursionError:
        _RENDERER.clear()  # a failed conversion may leave the renderer half reset
        return RenderedBody(_fallback(text), (BodyFinding(
            1, "markdown.too-deep", "the body nests too deeply to render",
            "flatten nested lists and quotes"),))
    except Exception as error:
        _RENDERER.clear()
        return RenderedBody(_fallback(text), (BodyFinding(
            1, "markdown.render-failed", f"the body could not be rendered as Markdown "
            f"({type(error).__name__}: {error})", "simplify the Markdown around the odd part"),))
    taken: set[int] = set()
    findings = tuple(
        BodyFinding(_locate(text, raw, taken), "markdown.unsafe-url",
                    f"a link or image points to a '{scheme}:' URL; only http, https, mailto "
                    "and relative links are allowed", "link to a web page (https://...) or a "
                    "page of this site; until then the link is shown as plain text")
        for raw, scheme in safe_urls.unsafe)
    return RenderedBody(Markup(output), findings)


def render_markdown(text: str) -> Markup:
    """A body as safe HTML, for the page templates."""
    return render_body(text).html


def body_findings(text: str, render: bool = True) -> tuple[BodyFinding, ...]:
    """What validation reports about a body.

    Without `render`, a body with no '[' and no '<' is only measured
    (`prescan`), not rendered: it holds no link, image, autolink or HTML, so
    no URL can come out of it, and its shape is what bounds Markdown's work.
    `playbook validate` checks so; a build renders every body for its page
    anyway, so it renders them here, once, and reports any failure.
    """
    if not render and "[" not in text and "<" not in text:
        finding = prescan(text)
        return (finding,) if finding is not None else ()
    return render_body(text).findings


def body_problems(source: SourceFile, render: bool = True) -> list[Problem]:
    """Validation findings of a story's or criterion's body, located at file lines."""
    return [Problem(source.path, source.body_line + finding.line - 1, "body", finding.message,
                    finding.hint, "error", finding.code)
            for finding in body_findings(source.body, render)]


def add_body_problems(problems: list[Problem], source: SourceFile, render: bool = True) -> bool:
    """Check the body as the build will render it and add its findings; True when one
    is an error (see `body_findings` for `render`)."""
    found = body_problems(source, render)
    problems += found
    return any(problem.is_error for problem in found)
