"""``python -m geo.service``: the OGC API – Features service (see :func:`geo.service.config.main`)."""

import sys

from geo.service.config import main

sys.exit(main())
