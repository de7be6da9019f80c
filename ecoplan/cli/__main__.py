import sys

from ecoplan.cli import main

sys.exit(main())
