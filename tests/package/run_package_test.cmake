# The find-package test (ctest label `package`), run as
#   cmake -DKEEL_BUILD_DIR=... -DKEEL_SOURCE_DIR=... -DWORK_DIR=... [-DCCACHE=...]
#         -DGENERATOR=... -DCXX_COMPILER=... -DBUILD_TYPE=... -DCXX_FLAGS=... -DCONFIG_CXX_FLAGS=...
#         -DLINKER_FLAGS=...
#         -DVEGA=ON|OFF (the build embedded the Vega bundles)
#         -P run_package_test.cmake
# 1. installs the already-built Keel into WORK_DIR/prefix (cmake --install, nothing is rebuilt);
# 2. configures tests/package/consumer against that prefix alone: find_package(keel CONFIG
#    REQUIRED), a smoke program that links one module, and the three programs of examples/;
# 3. builds them and runs the smoke program and every example.
# The consumer uses the main build's compiler, flags (sanitizers link the same way) and ccache,
# with paths hashed relative to the source tree, so a rerun compiles nothing new.
cmake_minimum_required(VERSION 3.24)

foreach(var IN ITEMS KEEL_BUILD_DIR KEEL_SOURCE_DIR WORK_DIR GENERATOR CXX_COMPILER)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "run_package_test.cmake: pass -D${var}=...")
  endif()
endforeach()

set(prefix ${WORK_DIR}/prefix)
set(consumer_build ${WORK_DIR}/consumer)

function(run step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "package test: ${step} failed (${code}):\n${out}")
  endif()
  message(STATUS "package test: ${step} ok")
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

# Headers and package files are replaced every time, so nothing removed from the tree survives in
# the prefix; the large archives are left to cmake --install, which skips unchanged ones.
file(REMOVE_RECURSE ${prefix}/include ${prefix}/lib/cmake ${prefix}/lib64/cmake ${consumer_build})
run("install into ${prefix}" ${CMAKE_COMMAND} --install ${KEEL_BUILD_DIR} --prefix ${prefix})

if(DEFINED CCACHE AND NOT CCACHE STREQUAL "")
  set(ENV{CCACHE_BASEDIR} ${KEEL_SOURCE_DIR})
  set(ENV{CCACHE_NOHASHDIR} 1)
  set(launcher -DCMAKE_CXX_COMPILER_LAUNCHER=${CCACHE})
endif()
# The consumer's executables leave out the debug information of the archives: linking ~150 MB of
# DWARF per program took ten times as long as the rest of the test, and proves nothing more.
string(STRIP "${LINKER_FLAGS} -Wl,--strip-debug" LINKER_FLAGS)
if(NOT BUILD_TYPE STREQUAL "")
  string(TOUPPER "${BUILD_TYPE}" build_type_upper)
  set(config_flags "-DCMAKE_CXX_FLAGS_${build_type_upper}=${CONFIG_CXX_FLAGS}")
endif()
# Only the temporary prefix: a Keel installed elsewhere on the machine must not be found instead.
run("configure the consumer"
    ${CMAKE_COMMAND} -S ${KEEL_SOURCE_DIR}/tests/package/consumer -B ${consumer_build}
    -G ${GENERATOR} -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCMAKE_BUILD_TYPE=${BUILD_TYPE}
    "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}" ${config_flags} "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}"
    ${launcher}
    -DCMAKE_PREFIX_PATH=${prefix} -DKEEL_EXPECTED_PREFIX=${prefix}
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DKEEL_EXAMPLES_DIR=${KEEL_SOURCE_DIR}/examples)
run("build the consumer" ${CMAKE_COMMAND} --build ${consumer_build})

if(VEGA)
  set(vega_expectation with-vega)
else()
  set(vega_expectation without-vega)
endif()
run("run keel_package_smoke" ${consumer_build}/keel_package_smoke ${vega_expectation})
message("${last_output}")
foreach(example IN ITEMS max_sharpe walk_forward risk_profile)
  run("run examples/${example}" ${consumer_build}/examples/keel_example_${example})
  message("${last_output}")
endforeach()
