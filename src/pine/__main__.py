from pine.cli import main

raise SystemExit(main())
