from ecoplan.cli import run_command

run_command()
