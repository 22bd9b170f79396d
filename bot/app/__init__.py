"""Running the bot: configuration, wiring, the command line, the runner and the local sandbox chat."""
