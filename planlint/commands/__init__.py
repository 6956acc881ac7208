"""One module per CLI command; each provides HELP, add_arguments(parser) and run(args) -> int."""
