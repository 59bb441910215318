from zhzx_desktop.cli import main

raise SystemExit(main())
