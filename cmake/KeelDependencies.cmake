# Every dependency comes from a Debian package installed by scripts/setup.sh.
find_package(Eigen3 3.4 REQUIRED NO_MODULE)
find_package(fmt REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(ZLIB REQUIRED)
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(CLP REQUIRED IMPORTED_TARGET clp)
# Mixed-integer programs (the exact method of keel allocate): COIN-OR Cbc on top of Clp.
pkg_check_modules(CBC REQUIRED IMPORTED_TARGET cbc)

# The command-line tool's own parsers (apps/keel only; no library target uses them).
if(KEEL_BUILD_APPS)
  find_package(CLI11 REQUIRED)
  find_package(tomlplusplus REQUIRED)
endif()
