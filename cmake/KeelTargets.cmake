set(KEEL_MODULE_TARGETS "")

function(keel_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                           -Woverloaded-virtual -Wimplicit-fallthrough)
  if(KEEL_WARNINGS_AS_ERRORS)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  # GCC 12 at -O3 with -march=native (AVX-512 here) reports third-party false positives after
  # inlining, attributed to our translation units although the headers are system includes:
  # thousands of -Wmaybe-uninitialized and some -Wuninitialized from Eigen's AVX-512 packet code
  # (the _mm512_undefined_* operands of masked intrinsics), and -Wrestrict from libstdc++'s
  # std::string operator+ (GCC bug 105329). The release build only: the ci and dev builds keep
  # these warnings on (as errors in ci), so a real uninitialised read in our code is still caught.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_BUILD_TYPE STREQUAL "Release")
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized -Wno-uninitialized
                                             -Wno-restrict)
  endif()
endfunction()

# keel_add_module(name [deps...]): a static library from src/<name>/*.cpp with public headers in
# include/keel/<name>/. New source files are picked up without editing CMake.
function(keel_add_module name)
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${name}/*.cpp)
  set(target keel_${name})
  if(sources)
    add_library(${target} STATIC ${sources})
    target_include_directories(${target}
      PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:include>
      PRIVATE ${PROJECT_SOURCE_DIR}/src)
    keel_set_warnings(${target})
    set(scope PUBLIC)
  else()
    add_library(${target} INTERFACE)
    target_include_directories(${target}
      INTERFACE $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:include>)
    set(scope INTERFACE)
  endif()
  add_library(keel::${name} ALIAS ${target})
  foreach(dep IN LISTS ARGN)
    target_link_libraries(${target} ${scope} keel_${dep})
  endforeach()
  if(name STREQUAL "core")
    target_link_libraries(${target} ${scope} Eigen3::Eigen fmt::fmt nlohmann_json::nlohmann_json
                                             Threads::Threads)
  elseif(name STREQUAL "data")
    target_link_libraries(${target} PRIVATE ZLIB::ZLIB)
  elseif(name STREQUAL "optimize")
    target_link_libraries(${target} ${scope} PkgConfig::CLP PkgConfig::CBC)
  endif()
  set(KEEL_MODULE_TARGETS ${KEEL_MODULE_TARGETS} ${target} PARENT_SCOPE)
endfunction()
