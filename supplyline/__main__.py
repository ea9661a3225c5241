"""``python -m supplyline``: the same command line as ``supplyline``."""

from supplyline.cli import app

app(prog_name="supplyline")
