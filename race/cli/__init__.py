"""The `race` command: parses arguments, calls the library's API, reports. Nothing else lives here.

One module per command; the group, the one-line error reporting and the exit codes are in
``app``, flags several commands share in ``options``.
"""

from race.cli import (bench, build, embed, listing, new, preview, render, schema, simulate,
                      validate)
from race.cli.app import EXAMPLES, main

for _module in (render, preview, simulate, validate, listing, new, schema, embed, build, bench):
    main.add_command(_module.command)

__all__ = ["EXAMPLES", "main"]
