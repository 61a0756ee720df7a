# `cmake --install <build> [--prefix P]` installs Keel as a CMake package that other projects use
# with find_package(keel CONFIG REQUIRED) and target_link_libraries(app PRIVATE keel::keel), or
# link one module (keel::core, keel::data, ..., keel::report) and get the modules to its left.
# The package test (tests/package) installs the build and compiles examples/ against it.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(KEEL_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/keel CACHE STRING
    "Where keelConfig.cmake is installed, relative to the prefix")

install(DIRECTORY include/keel DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

# keel_<module> is exported as keel::<module>, the name of its alias in this build. keel_report
# carries the Vega bundles in its own object file (cmake/KeelReport.cmake), so the installed
# archive needs nothing from web/.
foreach(target IN LISTS KEEL_MODULE_TARGETS)
  string(REGEX REPLACE "^keel_" "" module ${target})
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${module})
endforeach()
install(TARGETS ${KEEL_MODULE_TARGETS} keel
        EXPORT keelTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT keelTargets NAMESPACE keel:: DESTINATION ${KEEL_INSTALL_CMAKEDIR})

configure_package_config_file(cmake/keelConfig.cmake.in
                              ${CMAKE_CURRENT_BINARY_DIR}/generated/keelConfig.cmake
                              INSTALL_DESTINATION ${KEEL_INSTALL_CMAKEDIR})
# Before 1.0 a minor version may break the API: only the same major.minor is compatible.
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/generated/keelConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/generated/keelConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/generated/keelConfigVersion.cmake
        DESTINATION ${KEEL_INSTALL_CMAKEDIR})
