"""Allow ``python -m ecomops``."""

from ecomops.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
