import re
import subprocess
import sys

import keel
from conftest import ROOT


def test_version_is_the_project_version():
    text = (ROOT / "CMakeLists.txt").read_text()
    version = re.search(r"project\(\s*keel\s+VERSION\s+([0-9.]+)", text).group(1)
    assert keel.__version__ == version
    assert keel._keel.__version__ == version


def test_import_in_a_fresh_interpreter_prints_the_version():
    out = subprocess.run([sys.executable, "-c", "import keel; print(keel.__version__)"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == keel.__version__


def test_error_classes():
    assert issubclass(keel.InvalidInputError, ValueError)
    assert issubclass(keel.InvalidInputError, keel.KeelError)
    assert issubclass(keel.NumericalError, ArithmeticError)
    assert issubclass(keel.SolveError, keel.NoSolutionError)
    assert issubclass(keel.KeelWarning, UserWarning)


def test_public_api_is_exported():
    for name in keel.__all__:
        assert hasattr(keel, name), name
