"""The `oncotrial` command: a thin wrapper over Django's management commands.

`oncotrial demo`, `oncotrial protocol check FILE`, `oncotrial audit verify`,
and every Django command (`oncotrial migrate`, `oncotrial runserver`, ...).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args[:2] == ["protocol", "check"]:
        # Checking a file needs no database and must work even when the
        # protocol in force is the broken one.
        from oncotrial.protocol.check import check_file

        if len(args) != 3:
            sys.exit("usage: oncotrial protocol check FILE")
        code, text = check_file(args[2])
        print(text, file=sys.stderr if code else sys.stdout)
        sys.exit(code)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oncotrial.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["oncotrial", *args])


if __name__ == "__main__":
    main()
