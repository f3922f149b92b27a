"""``python -m filet.cli``: the same command line as ``filet``."""

from filet.cli import main

main()
