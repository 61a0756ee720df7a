"""Builds the keel package: the extension keel._keel is compiled by the project's own CMake
(KEEL_BUILD_PYTHON=ON, Release, position-independent code, no CLI/tests/benchmarks) in
build/python at the top of the source tree, so a rebuild is incremental. ccache is used when
installed (the top-level CMakeLists.txt picks it up). KEEL_PYTHON_JOBS sets the parallel jobs
(default 2)."""

import os
import re
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def project_version() -> str:
    text = (ROOT / "CMakeLists.txt").read_text()
    match = re.search(r"project\(\s*keel\s+VERSION\s+([0-9][0-9.]*)", text)
    if not match:
        raise RuntimeError("no `project(keel VERSION x.y.z)` in CMakeLists.txt")
    return match.group(1)


class CMakeExtension(Extension):
    def __init__(self, name):
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        out_dir = Path(self.get_ext_fullpath(ext.name)).resolve().parent
        out_dir.mkdir(parents=True, exist_ok=True)
        build_dir = Path(os.environ.get("KEEL_PYTHON_BUILD_DIR", ROOT / "build" / "python"))
        jobs = os.environ.get("KEEL_PYTHON_JOBS", "2")
        configure = [
            "cmake", "-S", str(ROOT), "-B", str(build_dir), "-G", "Ninja",
            "-DCMAKE_BUILD_TYPE=Release",
            "-DKEEL_BUILD_PYTHON=ON", "-DKEEL_BUILD_APPS=OFF", "-DKEEL_BUILD_TESTS=OFF",
            "-DKEEL_BUILD_EXAMPLES=OFF", "-DKEEL_BUILD_BENCHMARKS=OFF",
            f"-DPython3_EXECUTABLE={sys.executable}",
            f"-DKEEL_PYTHON_OUTPUT_DIR={out_dir}",
        ]
        subprocess.run(configure, check=True)
        subprocess.run(["cmake", "--build", str(build_dir), "--target", "_keel", "-j", jobs],
                       check=True)


setup(
    name="keel",
    version=project_version(),
    description="Portfolio construction and risk engine for crypto-asset portfolios (Python "
                "bindings of the Keel C++ core)",
    python_requires=">=3.9",
    packages=["keel"],
    package_data={"keel": ["py.typed", "*.pyi"]},
    install_requires=["numpy", "pandas"],
    ext_modules=[CMakeExtension("keel._keel")],
    cmdclass={"build_ext": CMakeBuild},
    zip_safe=False,
)
