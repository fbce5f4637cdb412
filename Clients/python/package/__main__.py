"""`python -m crmd_client METHOD [JSON|-]`: the command line of the installed client."""
import sys

from crmd_client import main

sys.exit(main())
