include(GNUInstallDirs)
install(DIRECTORY include/keel DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
