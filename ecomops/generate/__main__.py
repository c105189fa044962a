"""``python -m ecomops.generate``."""

import sys

from . import main

sys.exit(main())
