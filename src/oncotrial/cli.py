"""The `oncotrial` command: a thin wrapper over Django's management commands.

`oncotrial demo`, `oncotrial protocol check FILE`, `oncotrial audit verify`,
`oncotrial recist evaluate CASE.json`, and every Django command
(`oncotrial migrate`, `oncotrial runserver`, ...).
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
    if args[:2] == ["recist", "evaluate"]:
        # A pure computation over a case file: no database, no settings.
        from oncotrial.clinical.response_case import main as evaluate_case_file

        sys.exit(evaluate_case_file(args[2:]))
    # Django's command names use underscores; the documented verbs use hyphens.
    if args and args[0] == "simulate-cohort":
        args = ["simulate_cohort", *args[1:]]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oncotrial.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["oncotrial", *args])


if __name__ == "__main__":
    main()
