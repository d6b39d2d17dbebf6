"""One module per `pipeline` command; `cli.py` parses the command line and calls these."""
