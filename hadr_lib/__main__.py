"""``python -m hadr_lib`` runs the ``hadr`` command line."""

from .cli import main

raise SystemExit(main())
