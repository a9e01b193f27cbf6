"""`python -m grantmon.cli`: the grantmon command, for schedulers and tests without the script."""

import sys

from grantmon.cli import main

sys.exit(main())
