include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS stepsim_simulator stepsim_reports stepsim_framework EXPORT stepsimTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/simulator/include/
                  ${PROJECT_SOURCE_DIR}/reports/include/
                  ${PROJECT_SOURCE_DIR}/framework/include/
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS stepsim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(EXPORT stepsimTargets NAMESPACE stepsim::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/stepsim)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/stepsimConfig.cmake.in
  ${PROJECT_BINARY_DIR}/stepsimConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/stepsim)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/stepsimConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/stepsimConfig.cmake
              ${PROJECT_BINARY_DIR}/stepsimConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/stepsim)
