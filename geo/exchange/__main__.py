"""``python -m geo.exchange``: the export command line (see :func:`geo.exchange.export.main`)."""

import sys

from geo.exchange.export import main

sys.exit(main())
