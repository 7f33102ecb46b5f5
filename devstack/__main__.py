"""``python -m devstack``: start the whole stack on this machine (``make run``)."""

from __future__ import annotations

import sys

from devstack import main

sys.exit(main())
