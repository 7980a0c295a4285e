"""The `playbook` command.

    playbook validate [--strict] [--public] [--format text|github|json]
    playbook build [--strict] [--public] [--builder mkdocs|zensical] [--config-file mkdocs.yml]
                   [--site-dir site]
    playbook pages --out DIR [--public]
    playbook codes [--format text|markdown]
    playbook calibrate [SESSION] [--strict] [--format text|json]
    playbook insights [--format text|json]
    playbook serve
    playbook new story|criterion [--title ...]
    playbook audio RECORDING [--at mm:ss --for SECONDS]
    playbook audio cut RECORDING --from mm:ss --to mm:ss --story ID [--clip N]
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

from .audio import AudioError
from .build import Build, Settings, measure_site, publish_hosted, run
from .numbers import Span
from .problems import format_github, format_json, format_text, summary, visible


def _report(result: Build, fmt: str, strict: bool, out=sys.stdout) -> int:
    problems = result.problems
    if fmt == "json":
        print(format_json(problems), file=out)
    elif fmt == "github":
        for problem in problems:
            print(format_github(problem), file=out)
    else:
        for problem in problems:
            print(format_text(problem), file=out)
        library = result.library
        stories, criteria = len(library.stories), len(library.criteria)
        print(f"{stories} {'story' if stories == 1 else 'stories'} and {criteria} "
              f"{'criterion' if criteria == 1 else 'criteria'} valid; "
              f"{summary(problems)}", file=out)
    failing = problems if strict else result.errors
    return 1 if failing else 0


def _settings(args: argparse.Namespace, **given) -> Settings:
    """The build's settings from mkdocs.yml's playbook options and the arguments:
    the same `Settings.from_options` the plugin uses, so every command judges
    the content alike."""
    from .options import read_config

    content = Path(os.path.abspath(args.content))  # a linked content/ is checked
    config_file = args.config_file or str(content.parent / "mkdocs.yml")
    try:
        config = read_config(config_file)
        return Settings.from_options(content, config.plugin,
                                     public=getattr(args, "public", False),
                                     site_url=config.site_url, site_name=config.site_name,
                                     **given)
    except ValueError as error:
        raise SystemExit(f"playbook: {config_file}: {error}") from None


def cmd_validate(args: argparse.Namespace) -> int:
    content = Path(os.path.abspath(args.content))  # a linked content/ is checked
    docs = Path(args.docs).resolve() if args.docs else content.parent / "docs"
    settings = _settings(args, docs_dir=docs, check_audio=not args.no_audio)
    return _report(run(settings, generate=False), args.format, args.strict)


def cmd_codes(args: argparse.Namespace) -> int:
    from .codes import all_codes, as_markdown

    if args.format == "markdown":
        print(as_markdown(), end="")
    else:
        for code in all_codes().values():
            print(f"{code.name:32} {code.severity:8} {code.summary}")
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    from .analysis.calibration import run_calibrate

    settings = _settings(args, check_audio=False)
    result = run(settings, generate=False)
    broken = [p for p in result.errors if p.path.startswith("content/calibration/")]
    for problem in broken:
        print(format_text(problem), file=sys.stderr)
    code = run_calibrate(result.library, args.session,
                         settings.insights.calibration_threshold,
                         args.format, args.strict, sys.stdout)
    return code or (1 if broken else 0)


def cmd_insights(args: argparse.Namespace) -> int:
    from .analysis.what_wins import report_json, report_text

    result = run(_settings(args, check_audio=False), generate=False)
    if result.errors:  # figures without the files that failed would mislead: none at all
        for problem in result.errors:
            print(format_text(problem), file=sys.stderr)
        print(f"playbook insights: {summary(result.errors)}; fix them first "
              "(`playbook validate` lists every problem)", file=sys.stderr)
        return 1
    print(report_json(result.library) if args.format == "json" else report_text(result.library))
    return 0


def _run_mkdocs(args: argparse.Namespace, serve: bool = False) -> int:
    # MkDocs is imported only here: the core never depends on it.
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s - %(message)s")
    # Our own plugin's figures (stories, clips, which ffmpeg) are worth seeing.
    logging.getLogger("mkdocs.plugins.playbook").setLevel(logging.INFO)
    overrides = {}
    if getattr(args, "site_dir", None):
        overrides["site_dir"] = args.site_dir
    if getattr(args, "strict", False):
        overrides["strict"] = True  # MkDocs' own strict mode: content warnings fail too
    try:
        config = load_config(args.config_file, **overrides)
        for name, plugin in config.plugins.items():
            if name.endswith("playbook") and hasattr(plugin, "config"):
                plugin.config.public = plugin.config.public or getattr(args, "public", False)
        if serve:
            from mkdocs.commands.serve import serve as mkdocs_serve

            mkdocs_serve(args.config_file, livereload=True, **overrides)
            return 0
        started = time.perf_counter()
        # As `mkdocs build` does: plugins learn the command (a plugin object
        # outlives one build in this process, as it does in `mkdocs serve`).
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
    except MkDocsException as error:
        print("\n".join(visible(line) for line in str(error).rstrip().split("\n")),
              file=sys.stderr)
        return 1
    except Exception as error:  # a message that says what to do, never a traceback
        return _failed(error)
    print(f"built {config.site_dir} in {time.perf_counter() - started:.1f}s")
    return 0


def _failed(error: Exception) -> int:
    """Print what failed and what to do (or, with PLAYBOOK_DEBUG=1, the traceback)."""
    if os.environ.get("PLAYBOOK_DEBUG"):
        raise error
    print(_build_failure(error), file=sys.stderr)
    return 1


def _build_failure(error: Exception) -> str:
    """One paragraph: what failed, and what to do about it (with content's file names
    and texts made visible, so they cannot drive the terminal or a CI log)."""
    return visible(_build_failure_text(error))


def _build_failure_text(error: Exception) -> str:
    unchanged = "The previous site was left as it was."
    if isinstance(error, AudioError):
        hint = f" To fix: {error.hint}." if error.hint else ""
        return (f"playbook: the build failed while publishing the audio clips: "
                f"{error.message}.{hint} {unchanged}")
    if isinstance(error, OSError):
        where = f" '{error.filename}'" if error.filename else ""
        return (f"playbook: the build failed reading or writing{where}: "
                f"{error.strerror or error}. Check that the folder exists and is writable "
                f"and that the disk has space, then build again. {unchanged}")
    return (f"playbook: the build failed unexpectedly ({type(error).__name__}: {error}). "
            f"{unchanged} Run it again with PLAYBOOK_DEBUG=1 to see the traceback, and "
            f"report it with that output.")


def cmd_build(args: argparse.Namespace) -> int:
    if args.builder == "zensical":
        return _build_with_zensical(args)
    # The plugin validates (once) and refuses to build on errors. Its options are
    # checked here first, so a bad one is one line, not MkDocs' abort.
    from .options import read_config

    try:
        config = read_config(args.config_file)
    except ValueError as error:
        raise SystemExit(f"playbook: {error}") from None
    project = Path(args.config_file).resolve().parent
    args.content = str(project / str(config.plugin.get("content_dir") or "content"))
    _settings(args)
    return _run_mkdocs(args)


class OverBudget(Exception):
    """The built site is over site_budget_mb; the message says what to do."""


def _build_with_zensical(args: argparse.Namespace) -> int:
    """The pipeline here, then Zensical over the pages (see zensical_edge)."""
    from . import zensical_edge
    from .options import read_config

    started = time.perf_counter()
    config_file = Path(args.config_file)
    try:
        config = read_config(config_file)
    except ValueError as error:
        raise SystemExit(f"playbook: {error}") from None
    project = config_file.resolve().parent
    args.content = str(project / str(config.plugin.get("content_dir") or "content"))
    docs = project / config.docs_dir
    site = Path(args.site_dir) if args.site_dir else project / config.site_dir
    pages_dir = project / zensical_edge.PAGES_DIR
    settings = _settings(args, docs_dir=docs)

    def check_size(built: Path) -> None:
        # As the plugin does: the size line, a warning near the budget, a failure above it.
        size = measure_site(built, settings, result)
        print(size.line())
        if size.error():
            raise OverBudget(size.error())
        if size.warning():
            print(size.warning(), file=sys.stderr)
        if settings.clips_base_url:
            publish_hosted(result, settings.hosted_clips_dir)

    try:
        result = run(settings, strict=args.strict, index=True)
        code = _report(result, "text", args.strict, out=sys.stderr)
        if code:
            return code
        failed = _write_docs_folder(result, pages_dir, docs)
        if failed:
            print(f"playbook build: {failed}", file=sys.stderr)
            return 1
        zensical_edge.build_site(config_file, config.nav, result.files, pages_dir, site,
                                 strict=args.strict, before_swap=check_size)
    except zensical_edge.ZensicalError as error:
        print(f"playbook build: {error}", file=sys.stderr)
        return 1
    except OverBudget as error:
        print(visible(str(error)), file=sys.stderr)
        return 1
    except Exception as error:  # a message that says what to do, never a traceback
        return _failed(error)
    print(f"built {site} with Zensical in {time.perf_counter() - started:.1f}s")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    args.strict = False
    return _run_mkdocs(args, serve=True)


def cmd_pages(args: argparse.Namespace) -> int:

    docs = Path(args.docs).resolve() if args.docs else None
    settings = _settings(args, docs_dir=docs)
    result = run(settings, strict=args.strict, index=True)
    code = _report(result, "text", args.strict, out=sys.stderr)
    if code:
        return code
    error = _write_docs_folder(result, Path(args.out), docs)
    if error:
        print(f"playbook pages: {error}", file=sys.stderr)
        return 1
    print(f"wrote {len(result.files)} files and the story finder's index to {args.out}")
    if settings.clips_base_url:  # the pages play them from there
        publish_hosted(result, settings.hosted_clips_dir)
        print(f"wrote {len(result.hosted_clips)} clips to {settings.hosted_clips_dir}, for "
              f"upload to {settings.clips_base_url}/")
    return 0


def _write_docs_folder(result: Build, out: Path, docs: Path | None) -> str:
    """The pages, the hand-written docs and the finder's index (a run made with
    index=True) in one folder, as any builder reading a docs folder takes them;
    an error message, or ''."""
    from . import search_index
    from .pages import write_pages

    assert result.finder_index is not None
    try:
        write_pages(result.files, out, docs)
    except BaseException:
        result.finder_index.discard()
        raise
    # The pages load pagefind/pagefind.js beside them.
    try:
        result.finder_index.publish(out)
    except search_index.SearchIndexError as error:
        return str(error)
    return ""


def _term_flags(extra: list[str]) -> dict[str, str]:
    """`--name value` and `--name=value` pairs beyond the fixed flags: the taxonomy's
    fields, which the scaffold checks once it has read the taxonomy."""
    found: dict[str, str] = {}
    items = iter(extra)
    for item in items:
        name, equals, value = item.partition("=")
        if not name.startswith("--") or len(name) < 3:
            raise ValueError(f"unexpected argument '{item}'; options are written --name value")
        if not equals:
            value = next(items, None)  # type: ignore[assignment]
            if value is None or value.startswith("--"):
                raise ValueError(f"{name} needs a value")
        found[name[2:].replace("-", "_")] = value
    return found


def cmd_new(args: argparse.Namespace) -> int:
    from .load import build_date
    from .scaffold import ScaffoldError, Stopped
    from .scaffold import run as scaffold

    given = {k: v for k, v in vars(args).items() if k not in ("kind", "content", "func",
                                                               "command", "extra")}
    try:
        given.update(_term_flags(args.extra))
    except ValueError as error:
        print(f"playbook new {args.kind}: {error}", file=sys.stderr)
        return 2
    try:
        path = scaffold(args.kind, Path(args.content), given, build_date())
    except Stopped as stopped:
        if sys.stdin.isatty():
            print()  # end the prompt line the author left
        print(f"playbook new {args.kind}: {stopped}", file=sys.stderr)
        return stopped.exit_code
    except ScaffoldError as error:
        print(f"playbook new {args.kind}: {error}", file=sys.stderr)
        return 2
    print(f"wrote {path}: fill in the empty fields it marks, then run `playbook validate`")
    return 0


# A preview is for finding a moment: an hour is more than any listener needs.
PREVIEW_SECONDS = Span("a number of seconds", 0, 3600, low_included=False)


def cmd_audio(args: argparse.Namespace) -> int:
    from .audio import find_ffmpeg
    from .audio.preview import recording_facts, write_preview
    from .numbers import NumberError
    from .timecode import format_time, read_time

    recording = Path(args.recording)
    start = seconds = 0.0
    try:  # the numbers first: a bad one is told before any decoding
        if args.at is not None:
            start = read_time(args.at)
    except NumberError as error:
        print(f"playbook audio: --at takes {error.expected}; found '{args.at}'",
              file=sys.stderr)
        return 2
    try:
        seconds = PREVIEW_SECONDS.read(args.seconds, text=True)
    except NumberError as error:
        print(f"playbook audio: --for takes {error.expected}; found '{args.seconds}'",
              file=sys.stderr)
        return 2
    try:
        ffmpeg = find_ffmpeg()
        if args.at is None:
            facts = recording_facts(ffmpeg, recording)
            print(facts.describe())
            print(f"preview a moment: playbook audio {recording} "
                  f"--at {format_time(facts.seconds / 3)} --for 75")
            return 0
        out = Path(args.out or f".cache/playbook/preview/{recording.stem}-"
                              f"{format_time(start).replace(':', 'm')}s.mp3")
        start, end = write_preview(ffmpeg, recording, start, seconds, out)
    except AudioError as error:
        hint = f"\n    hint: {error.hint}" if error.hint else ""
        print(f"playbook audio: {error.message}{hint}", file=sys.stderr)
        return 1
    print(f"wrote {out} ({format_time(start)}-{format_time(end)}); play it, then copy the "
          f'times into the story\'s clip: start: "{format_time(start)}" end: "{format_time(end)}"')
    return 0


def cmd_audio_cut(args: argparse.Namespace) -> int:
    """Cut the moment into content/audio/ and write the clip into the story."""
    from . import clip_cut
    from .audio import find_ffmpeg
    from .audio.cut import check_moment, cut, inspect
    from .numbers import NumberError
    from .problems import visible
    from .timecode import read_time

    def refuse(message: str) -> int:
        print(visible(f"playbook audio cut: {message}"), file=sys.stderr)
        return 2

    times = {}
    for name in ("from", "to"):
        raw = getattr(args, name)
        try:
            times[name] = read_time(raw)
        except NumberError as error:
            return refuse(f"--{name} takes {error.expected}; found '{raw}'")
    start, end = times["from"], times["to"]
    content = Path(os.path.abspath(args.content))
    recording = Path(args.recording)
    try:
        story = clip_cut.story_path(content, args.story)
        rel = story.relative_to(content.parent).as_posix()
        if end <= start:
            raise AudioError(f"--to {args.to} is not after --from {getattr(args, 'from')}")
        ffmpeg = find_ffmpeg()
        source = inspect(ffmpeg, recording)
        check_moment(source, start, end)
        text = story.read_bytes().decode("utf-8")
        count = clip_cut.clip_count(text)
        if args.clip is not None:
            if count is None or not 1 <= args.clip <= count:
                raise clip_cut.CutError(
                    f"--clip {args.clip}: {rel} has {count or 0} clip(s); leave --clip out "
                    "to add one")
            index = args.clip - 1
        else:
            matched = clip_cut.matching_clip(text, content, source, start, end)
            index = matched if matched is not None else (count or 0)
        before = clip_cut.story_problems(content, rel)
    except (clip_cut.CutError, AudioError) as error:
        return refuse(str(error.message if isinstance(error, AudioError) else error))
    except (OSError, UnicodeDecodeError) as error:
        return refuse(f"cannot read {getattr(error, 'filename', None) or args.story}: {error}")

    try:
        own = clip_cut.clip_src(text, index)
        stem = clip_cut.excerpt_stem(content, args.story, index + 1, own)
        excerpt = cut(ffmpeg, source, start, end, stem)
    except AudioError as error:
        return refuse(error.message)
    except OSError as error:
        return refuse(f"cannot write the excerpt into {args.content}/audio/: "
                      f"{error.strerror or error}")
    entry = clip_cut.ClipEntry(
        excerpt.path.relative_to(content / "audio").as_posix(), start - excerpt.offset,
        min(end - excerpt.offset, excerpt.seconds), recording.name, source.sha256, start, end,
        args.transcript)
    written = f"content/audio/{entry.src}"
    print(visible(f"wrote {written} ({clip_cut.describe_excerpt(excerpt, source)})"))
    edited = clip_cut.with_clip(text, index, entry)
    problems = []
    if edited is not None:
        try:
            clip_cut.write_text(story, edited)
        except OSError as error:
            print(visible(f"playbook audio cut: cannot write {rel}: {error.strerror or error}"),
                  file=sys.stderr)
            edited = None
    if edited is not None:
        problems = clip_cut.new_problems(content, rel, before, entry)
        if problems:
            clip_cut.write_text(story, text)  # put back as the author left it
    if edited is None or problems:
        why = ("its front matter is laid out in a way this command does not edit" if edited
               is None else "the edit made it fail validation: " + "; ".join(
                   f"{p.field}: {p.message}" for p in problems))
        print(visible(f"playbook audio cut: {rel} was left as it was ({why}); paste this "
                      f"as clip {index + 1} under 'clips:'"), file=sys.stderr)
        print("\n".join(clip_cut.entry_lines(entry)))
        return 1
    verb = "added" if count is None or index >= count else "updated"
    print(visible(f"{verb} clip {index + 1} in {rel}: {entry.src} from "
                  f"{clip_cut.time_text(entry.start)} to {clip_cut.time_text(entry.end)}, cut "
                  f"from {recording.name} {clip_cut.time_text(start)}-"
                  f"{clip_cut.time_text(end)}"))
    if own and own != entry.src:
        print(visible(f"content/audio/{own} is no longer used by this clip; delete it if no "
                      "other clip uses it"))
    if args.transcript is None and verb == "added":
        print("now write what the buyer says in the clip as its 'transcript' in the story, "
              "then run `playbook validate`")
    return 0


PUBLIC_HELP = ("a public build: leave out stories marked 'confidential: true', with their "
               "clips, and every list and count they were in (or set PLAYBOOK_PUBLIC=1)")


CONFIG_HELP = ("mkdocs.yml, whose playbook options (problems, calibration, insights, public, "
               "cache_dir, site_budget_mb, clips_base_url) apply as in the build (default: "
               "mkdocs.yml next to the content folder)")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="playbook",
        description="Validate and build a sales coaching playbook from buyer stories.",
    )
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str, func, content: bool = True) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.set_defaults(func=func)
        if content:
            sub.add_argument("--content", default="content",
                             help="the content folder (default: content)")
        return sub

    validate = command("validate", "check every story, criterion and the taxonomy", cmd_validate)
    validate.add_argument("--format", choices=("text", "github", "json"), default="text",
                          help="text for people, github for Actions annotations, json for tools")
    validate.add_argument("--strict", action="store_true", help="fail on warnings too")
    validate.add_argument("--no-audio", action="store_true",
                          help="skip checking clips against their recordings (no decoding)")
    validate.add_argument("--public", action="store_true", help=PUBLIC_HELP)
    validate.add_argument("-f", "--config-file", help=CONFIG_HELP)
    validate.add_argument("--docs", help="the hand-written pages to check "
                                         "(default: docs, next to the content folder)")

    build = command("build", "validate, then build the site with mkdocs-material", cmd_build,
                    content=False)
    build.add_argument("--strict", action="store_true", help="fail on warnings too")
    build.add_argument("-f", "--config-file", default="mkdocs.yml")
    build.add_argument("-d", "--site-dir", help="where to write the site (default: site/)")
    build.add_argument("--public", action="store_true", help=PUBLIC_HELP)
    build.add_argument("--builder", choices=("mkdocs", "zensical"), default="mkdocs",
                       help="mkdocs (Material for MkDocs, the default) or zensical "
                            "(Zensical over the generated pages; `make site BUILDER=zensical`)")

    serve = command("serve", "serve the site with live reload", cmd_serve, content=False)
    serve.add_argument("-f", "--config-file", default="mkdocs.yml")

    pages = command("pages", "write the generated Markdown pages to a folder", cmd_pages)
    pages.add_argument("--out", required=True, help="the folder to write (it is made to match)")
    pages.add_argument("--docs", default="docs",
                       help="hand-written pages to copy in as well (default: docs)")
    pages.add_argument("--strict", action="store_true", help="fail on warnings too")
    pages.add_argument("--public", action="store_true", help=PUBLIC_HELP)
    pages.add_argument("-f", "--config-file", help=CONFIG_HELP)

    codes = command("codes", "list every problem code, its default severity and meaning",
                    cmd_codes, content=False)
    codes.add_argument("--format", choices=("text", "markdown"), default="text")

    new = command("new", "start a new story or criterion file (prompts for what is missing "
                         "on a terminal)", cmd_new)
    new.add_argument("kind", choices=("story", "criterion"))
    for name in ("title", "id", "outcome", "loss-reason", "interviewed", "scale", "weight"):
        new.add_argument(f"--{name}")
    # Each vocabulary's field is a flag too (--industry fintech; comma-separated ids for a
    # list), read by `playbook new` against content/taxonomy.yml, as are a criterion's.

    audio = command("audio", "print a recording's length and format, or write a preview "
                             "of a moment; `playbook audio cut RECORDING --from mm:ss --to "
                             "mm:ss --story ID` cuts the moment into the story",
                    cmd_audio, content=False)
    audio.add_argument("recording", help="an interview recording, e.g. content/audio/x.mp3")
    audio.add_argument("--at", help="where the preview starts: mm:ss, h:mm:ss or seconds")
    # Read as text: PREVIEW_SECONDS refuses nan, inf and the like in one line.
    audio.add_argument("--for", dest="seconds", default="75",
                       help="the preview's length in seconds, up to 3600 (default: 75)")
    audio.add_argument("--out", help="where to write the preview "
                                     "(default: .cache/playbook/preview/)")

    # `playbook audio cut ...`: main() sends it here, as `audio` takes a recording.
    cut = commands.add_parser("audio-cut", prog="playbook audio cut",
                              description="cut the moment out of a whole recording into "
                                          "content/audio/<story>-<n> and write the clip, with "
                                          "where it was cut from, into the story")
    cut.set_defaults(func=cmd_audio_cut)
    cut.add_argument("--content", default="content",
                     help="the content folder (default: content)")
    cut.add_argument("recording", help="the whole recording (audio, or mp4, mov, webm video); "
                                       "it need not be in the repository")
    cut.add_argument("--from", required=True, help="where the moment starts: mm:ss, h:mm:ss "
                                                   "or seconds")
    cut.add_argument("--to", required=True, help="where it ends")
    cut.add_argument("--story", required=True, help="the story's id (its file name)")
    cut.add_argument("--clip", type=int, help="which of the story's clips to replace "
                                              "(default: the one showing this moment, else "
                                              "a new one)")
    cut.add_argument("--transcript", help="what the buyer says in the clip (default: kept, "
                                          "or a placeholder to replace)")

    calibrate = command("calibrate", "inter-rater agreement per criterion of a calibration "
                                     "session (default: the newest)", cmd_calibrate)
    calibrate.add_argument("session", nargs="?", help="the session's id (its file name)")
    calibrate.add_argument("--strict", action="store_true",
                           help="exit 1 when a criterion is below the threshold")
    calibrate.add_argument("--format", choices=("text", "json"), default="text")
    calibrate.add_argument("-f", "--config-file", help=CONFIG_HELP)

    insights = command("insights", "what wins: each criterion's win rate present and absent, "
                                   "with 95% intervals, overall and by every term", cmd_insights)
    insights.add_argument("--format", choices=("text", "json"), default="text",
                          help="text for people, json for other tools")
    insights.add_argument("-f", "--config-file", help=CONFIG_HELP)
    return top


def main(argv: list[str] | None = None) -> int:
    given = list(sys.argv[1:] if argv is None else argv)
    if given[:2] == ["audio", "cut"]:
        given[:2] = ["audio-cut"]
    if given[:1] == ["new"]:  # a vocabulary's flag is known only from the taxonomy
        args, extra = parser().parse_known_args(given)
        args.extra = extra
    else:
        args = parser().parse_args(given)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `playbook codes | head`: the reader left; nothing to report
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
