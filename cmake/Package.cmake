# Package.cmake - what `cmake --install` puts where, and the packages CPack
# makes of it: a Debian .deb (`cpack -G DEB` in a Linux build) and, in the
# mingw build of scripts/build-windows, a .zip of wudiag.exe with the capture
# script and the README. The templates and the knowledge base are built into
# the binary, so nothing else is needed at run time.
include(GNUInstallDirs)
set(WD_DOC_FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/LICENSE)

if(WIN32)
  # everything at the top of the zip: wudiag.exe is run from where it lies
  install(FILES ${PROJECT_SOURCE_DIR}/scripts/capture-evidence.ps1 ${WD_DOC_FILES}
          DESTINATION .)
else()
  # wudiag(1) with the version filled in, gzipped as Debian ships manual pages
  set(WD_MAN ${PROJECT_BINARY_DIR}/docs/wudiag.1)
  configure_file(${PROJECT_SOURCE_DIR}/docs/wudiag.1 ${WD_MAN} @ONLY)
  add_custom_command(OUTPUT ${WD_MAN}.gz
    COMMAND sh -c "gzip -9n -c '${WD_MAN}' > '${WD_MAN}.gz'"
    DEPENDS ${WD_MAN}
    VERBATIM)
  add_custom_target(wd_manpage ALL DEPENDS ${WD_MAN}.gz)
  install(FILES ${WD_MAN}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
  install(FILES ${PROJECT_SOURCE_DIR}/completion/wudiag.bash
          DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME wudiag)
  install(FILES ${WD_DOC_FILES} ${PROJECT_SOURCE_DIR}/docs/schema.md
          DESTINATION ${CMAKE_INSTALL_DOCDIR})
  install(FILES ${PROJECT_SOURCE_DIR}/cmake/debian-copyright
          DESTINATION ${CMAKE_INSTALL_DOCDIR} RENAME copyright)
endif()

set(CPACK_PACKAGE_NAME wudiag)
set(CPACK_PACKAGE_VENDOR "the wudiag developers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "diagnose Windows Update from captured evidence or the live system")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_RESOURCE_FILE_README ${PROJECT_SOURCE_DIR}/README.md)
if(WIN32)
  set(CPACK_GENERATOR ZIP)
  set(CPACK_PACKAGE_FILE_NAME wudiag-${PROJECT_VERSION}-windows-x64)
else()
  set(CPACK_GENERATOR DEB)
  set(CPACK_STRIP_FILES ON)
  set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # wudiag_<version>-<release>_<arch>.deb
  set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
  set(WUDIAG_PACKAGE_MAINTAINER "the wudiag developers <wudiag@localhost.invalid>"
      CACHE STRING "Maintainer field of the .deb")
  set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${WUDIAG_PACKAGE_MAINTAINER})
  set(CPACK_DEBIAN_PACKAGE_SECTION admin)
  set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
  # Depends from the libraries the binary links (libsqlite3-0, libxml2,
  # libxslt1.1, libarchive13, libevtx1, libbfio1, libc6), as dpkg-shlibdeps
  # finds them, so `apt install ./wudiag_*.deb` pulls them in.
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  set(CPACK_DEBIAN_PACKAGE_SUGGESTS "chromium | firefox-esr | www-browser")
  # the synopsis line is CPACK_PACKAGE_DESCRIPTION_SUMMARY; CPack indents this
  set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
"wudiag reads what decides whether Windows Update works on a PC - the update
services, the update event logs (.evtx or event XML), WindowsUpdate.log,
CBS.log and DISM.log, the update history, pending reboots, policy and free
disk space - from an evidence bundle captured on the PC with
capture-evidence.ps1, keeps each reading as a snapshot in a SQLite history
database, and writes an HTML or XML report that says what is wrong, shows
the evidence and gives the fix steps in the order to try them.")
endif()
include(CPack)
