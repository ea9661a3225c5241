"""``python -m supplyline``: the same command line as ``supplyline``."""

from supplyline.cli import app

if __name__ == "__main__":  # (imported, as the docstring tests import every module: nothing)
    app(prog_name="supplyline")
