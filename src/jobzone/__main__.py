from jobzone.cli import main

main()
