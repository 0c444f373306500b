import sys

from favorbook.cli import main

sys.exit(main())
