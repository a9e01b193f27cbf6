"""`python -m grantmon.cli`: the grantmon command."""

import sys

from grantmon.cli import main

sys.exit(main())
