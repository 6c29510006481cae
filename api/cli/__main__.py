"""`python -m api.cli`: the `crm` command run from this checkout's code."""

from api.cli import main

main()
