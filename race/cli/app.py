"""The `race` group and what every command shares: one-line errors, exit codes, common flags.

Commands live one to a module beside this one and only parse and report; the work is done by
the library (``race.api`` and below), which raises typed errors. ``RaceGroup.main`` is the one
place where those errors, click's own usage errors, interrupts and signals become a single line
on stderr and an exit status.
"""

from __future__ import annotations

import errno
import os
import re
import sys
import warnings

import click

from race import __version__
from race.errors import RaceError
from race.signals import exit_status, termination_as_interrupt

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 1
DEFAULT_SCENE = "article"

EXAMPLES = """
\b
Examples:
  race                                   render the article scene (Adagrad vs RMSProp, 3D)
  race render configs/beale_everything.yaml -o beale.mp4
  race render configs/saddle.yaml --theme dark --set render.fps=24
  race preview configs/rosenbrock.yaml --step 200 -o frame.png
  race simulate configs/adagrad_vs_rmsprop.yaml -o traj.csv
  race list optimizers
"""


def one_line(text: str) -> str:
    """``text`` with newlines and other control characters (and lone surrogates) escaped, so
    a message naming a file called 'a\\nb' is still one line and always encodable."""
    return "".join(ch if ch.isprintable() or ch == " " else ascii(ch)[1:-1] for ch in text)


def say(text: str) -> None:
    """Print a line of results; a full or closed stdout becomes our one-line error."""
    try:
        click.echo(text)
    except OSError as exc:
        _silence_stdout()
        if exc.errno == errno.EPIPE:
            raise
        raise OSError(exc.errno, exc.strerror, "standard output") from None


def report_written(path, detail: str = "") -> None:
    """'wrote PATH (detail)' on stdout, or on stderr when the output itself went to stdout
    (``-o /dev/stdout`` into a pipe), so the message never mixes into the data."""
    line = f"wrote {one_line(os.fspath(path))}" + (f" ({detail})" if detail else "")
    try:
        same = os.path.samestat(os.stat(path), os.fstat(sys.stdout.fileno()))
    except (OSError, ValueError, AttributeError):
        same = False
    if same:
        click.echo(line, err=True)
    else:
        say(line)


def fail(message: str, status: int = EXIT_BAD_INPUT) -> int:
    try:
        sys.stderr.write(f"race: error: {one_line(message)}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    return status


class RaceGroup(click.Group):
    """A click group whose every failure is one line on stderr with a meaningful exit status.

    Bad input of any kind (a scene, a flag, an unknown command) exits 2; Ctrl-C, SIGTERM and
    SIGHUP exit 128 + the signal after the same cleanup; ``--debug`` re-raises for a traceback.
    Warnings (numerical, font fallback) are not shown: the output is ours, not the libraries'.
    """

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True,
             **extra):
        args = list(sys.argv[1:] if args is None else args)
        debug = "--debug" in args[:_first_positional(args)]
        status = 0
        with termination_as_interrupt(), warnings.catch_warnings():
            if not debug:
                warnings.simplefilter("ignore")
            try:
                result = super().main(args, prog_name or "race", complete_var,
                                      standalone_mode=False, **extra)
                status = result if isinstance(result, int) else 0
                _flush_stdout()
            except click.exceptions.Exit as exc:
                status = exc.exit_code
            except _Interrupted as exc:
                status = _interrupted(exc.interrupt)
            except click.Abort as exc:
                status = _interrupted(exc.__cause__ or exc.__context__)
            except KeyboardInterrupt as exc:
                status = _interrupted(exc)
            except click.ClickException as exc:
                status = fail(_usage_message(exc), EXIT_BAD_INPUT)
            except RaceError as exc:
                if debug:
                    raise
                status = fail(str(exc))
            except MemoryError:
                if debug:
                    raise
                status = fail("out of memory: the scene asks for more than this machine has; "
                              "lower its steps, starts or size (or the RACE_MAX_* limits)")
            except RecursionError:
                if debug:
                    raise
                status = fail("input nested too deeply")
            except OSError as exc:
                if debug:
                    raise
                status = _os_failure(exc)
            except Exception as exc:
                if debug:
                    raise
                text = str(exc).strip().splitlines()
                detail = f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
                status = fail(f"internal error: {detail} (run `race --debug ...` for the "
                              "traceback and please report it)", EXIT_INTERNAL)
        if standalone_mode:
            sys.exit(status)
        return status

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as exc:   # past click, which would print a blank line first
            raise _Interrupted(exc) from None


class _Interrupted(Exception):
    def __init__(self, interrupt: KeyboardInterrupt) -> None:
        super().__init__("interrupted")
        self.interrupt = interrupt


def _first_positional(args: list[str]) -> int:
    for index, arg in enumerate(args):
        if not arg.startswith("-"):
            return index
    return len(args)


def _usage_message(exc: click.ClickException) -> str:
    text = exc.format_message()
    context = getattr(exc, "ctx", None)
    if context is not None and context.parent is not None:
        text = f"{context.command_path.split(' ', 1)[-1]}: {text}"
    return re.sub(r"\s+", " ", text).strip()


def _interrupted(interrupt: BaseException | None) -> int:
    status = exit_status(interrupt) if interrupt is not None else 130
    try:
        sys.stderr.write("race: interrupted; earlier output files were left as they were\n")
    except (OSError, ValueError):
        pass
    return status


def _os_failure(exc: OSError) -> int:
    if exc.errno == errno.EPIPE:           # `race list ... | head`: the reader left; say nothing
        _silence_stdout()
        return EXIT_BAD_INPUT
    where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
    return fail(f"{where}{exc.strerror or exc}")


def _flush_stdout() -> None:
    """Write out what the command printed now, so a full or closed stdout is reported as our
    one line instead of an 'Exception ignored' at interpreter exit."""
    try:
        sys.stdout.flush()
    except OSError as exc:
        _silence_stdout()
        if exc.errno == errno.EPIPE:
            raise
        raise OSError(exc.errno, exc.strerror, "standard output") from None


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's last flush cannot fail again."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):
        pass


@click.group(cls=RaceGroup, invoke_without_command=True, epilog=EXAMPLES,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="race")
@click.option("--debug", is_flag=True, help="Show a traceback on errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Animate optimizers racing across 2D loss surfaces, exactly as torch.optim steps them.

    SCENE is a YAML file or the name of a shipped scene (see `race list scenes`).
    With no command, renders the article scene into outputs/.
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(ctx.command.get_command(ctx, "render"), scene=DEFAULT_SCENE)
