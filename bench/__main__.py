"""Run every benchmark module in bench/ (python -m bench)."""

import importlib
import pkgutil
import sys
from pathlib import Path

if __name__ == "__main__":
    names = [
        m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name != "common"
    ]
    for name in sys.argv[1:] or names:
        print(f"== bench.{name}")
        importlib.import_module(f"bench.{name}").main()
