from trial.cli import main

raise SystemExit(main())
