from kommunekompass.cli import main

main()
