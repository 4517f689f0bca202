"""python -m saylau_verify: the saylau-verify command."""

import sys

from saylau_verify.cli import main

sys.exit(main())
