from hub.app.cli import main

main()
