"""`race build`: every scene of some folders rendered in parallel, only what changed."""

from __future__ import annotations

import time

import click

from race.cli.app import fail, one_line, say
from race.cli.options import render_options, render_overrides

EPILOG = """
\b
Examples:
  race build                              every scene in configs/ into outputs/
  race build course/ -o site --gallery    and site/index.html showing them all
  race build course/ -f mp4 -f gif -j 2   each as an MP4 and a GIF, two at a time
  race build course/ --scheduler tcp://10.0.0.5:8786   on a Dask cluster
"""


@click.command("build", epilog=EPILOG)
@click.argument("scenes", nargs=-1, metavar="[SCENES_OR_FOLDERS]...")
@click.option("-o", "--out-dir", default="outputs", show_default=True, type=click.Path(),
              help="Folder to build into; every output goes inside it.")
@click.option("-j", "--jobs", type=click.IntRange(min=1),
              help="Scenes rendered at once, each in its own process (default: the CPU "
                   "count).")
@click.option("--scheduler", metavar="ADDRESS",
              help="Render on the Dask cluster whose scheduler is at ADDRESS "
                   "(tcp://host:8786) instead of local processes; needs race[dask].")
@click.option("-f", "--format", "formats", multiple=True, metavar="FORMAT",
              help="Render each scene in this format: gif, mp4, webm, webp, apng, mov, png, "
                   "html, pptx, or frames for a folder of PNGs (repeatable). Default: the "
                   "format of the scene's own output, else gif.")
@click.option("--gallery", is_flag=True,
              help="Also write OUT_DIR/index.html showing every animation.")
@click.option("--force", is_flag=True,
              help="Render every scene even if up to date, and replace files in OUT_DIR "
                   "that race build did not write.")
@render_options
def command(scenes: tuple[str, ...], out_dir: str, jobs: int | None, scheduler: str | None,
            formats: tuple[str, ...], gallery: bool, force: bool, fps: int | None,
            size: str | None, theme: str | None, preset: str | None, max_bytes: str | None,
            overrides: tuple[str, ...]) -> int:
    """Render every scene of SCENES_OR_FOLDERS (default: configs/) into OUT_DIR, in
    parallel, skipping those whose outputs are up to date.

    Each scene gets its own output under OUT_DIR, named after its own `output:` (its file
    name only), else NAME.gif; a scene in a subfolder keeps that subfolder. One line is
    printed per scene built, a failing scene does not stop the others, and the exit status
    is 1 if any failed. Render flags (--preset, --fps, --size, --theme, --set) apply to every
    scene.
    """
    from race.builds import build
    from race.overrides import parse_override

    if scheduler is not None and jobs is not None:
        raise click.BadParameter("sets the local worker processes; with --scheduler the "
                                 "cluster's workers run the scenes", param_hint="-j/--jobs")
    flags = [parse_override(text, flag)
             for flag, text in render_overrides(overrides, fps, size, theme, preset, max_bytes)]
    executor = client = None
    if scheduler is not None:
        from race.builds.pool import dask_executor

        executor, client = dask_executor(scheduler)
    begin = time.perf_counter()
    try:
        results = build(list(scenes) or None, out_dir, jobs=jobs, executor=executor,
                        force=force, gallery=gallery, formats=formats, overrides=flags,
                        report=_report, note=say)
    finally:
        if client is not None:
            client.close()
    say(summary(results, out_dir, time.perf_counter() - begin))
    return 1 if any(result.error for result in results) else 0


def _report(result) -> None:
    if result.error is not None:
        fail(result.error)
        return
    for line in result.notes:
        click.echo(f"race: {one_line(result.name)}: {one_line(line)}", err=True)
    shown = ", ".join(one_line(str(path)) for path in result.outputs)
    say(f"built {one_line(result.name)}: {shown} ({result.seconds:.1f} s, "
        f"{megabytes(result.bytes)})")


def summary(results, out_dir: str, seconds: float) -> str:
    """The last line: what was built, what was up to date, what failed."""
    built = [r for r in results if r.error is None and not r.skipped]
    skipped = sum(1 for r in results if r.skipped)
    failed = sum(1 for r in results if r.error is not None)
    rest = ([f"{skipped} up to date"] if skipped and built else []) + \
        ([f"{failed} failed"] if failed else [])
    tail = "".join(f"; {part}" for part in rest)
    if not built:
        return (f"nothing to build: {skipped} scene{_s(skipped)} up to date in "
                f"{one_line(out_dir)}{tail}")
    work = sum(r.seconds for r in built)
    return (f"built {len(built)} scene{_s(len(built))} in {seconds:.1f} s "
            f"({work:.1f} s of rendering, {megabytes(sum(r.bytes for r in built))} written)"
            f"{tail}")


def megabytes(count: int) -> str:
    return f"{count / 1e6:.2f} MB" if count >= 1e5 else f"{count / 1e3:.1f} kB"


def _s(count: int) -> str:
    return "" if count == 1 else "s"
