from pygen.cli import main

raise SystemExit(main())
