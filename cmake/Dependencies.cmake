# Finds wudiag's dependencies. Each is a Debian package; a missing one stops
# the configure step with the package to install (scripts/install-deps does it).
find_package(PkgConfig REQUIRED)
# A fully static build (the mingw toolchain file sets WUDIAG_STATIC) links
# lib*.a only, never a DLL's import library.
if(WUDIAG_STATIC)
  set(CMAKE_FIND_LIBRARY_SUFFIXES .a)
endif()

function(wd_require_pkg var module debian_pkg)
  pkg_check_modules(${var} IMPORTED_TARGET ${module})
  if(NOT ${var}_FOUND)
    message(FATAL_ERROR
      "wudiag needs ${module}: install the Debian package '${debian_pkg}' "
      "(or run scripts/install-deps)")
  endif()
endfunction()

wd_require_pkg(WD_SQLITE sqlite3 libsqlite3-dev)
wd_require_pkg(WD_XML2 libxml-2.0 libxml2-dev)
wd_require_pkg(WD_XSLT libxslt libxslt1-dev)
wd_require_pkg(WD_EXSLT libexslt libxslt1-dev)
wd_require_pkg(WD_ARCHIVE libarchive libarchive-dev)
if(NOT WIN32)
  wd_require_pkg(WD_EVTX libevtx libevtx-dev)
  # libevtx.h includes libbfio.h, which libevtx-dev does not pull in.
  find_path(WD_BFIO_INCLUDE libbfio.h)
  if(NOT WD_BFIO_INCLUDE)
    message(FATAL_ERROR "wudiag needs libbfio.h: install the Debian package 'libbfio-dev'")
  endif()
  # the .evtx reader opens in-memory logs through libbfio's memory range
  find_library(WD_BFIO_LIB bfio)
  if(NOT WD_BFIO_LIB)
    message(FATAL_ERROR "wudiag needs libbfio: install the Debian package 'libbfio-dev'")
  endif()
endif()
# PostgreSQL for fleets (`wudiag push`, `wudiag fleet`, --db URL). The
# Windows build has no libpq: there those verbs read merged SQLite files only.
if(WUDIAG_POSTGRES)
  wd_require_pkg(WD_PQ libpq libpq-dev)
endif()
if(WUDIAG_BUILD_TESTS)
  wd_require_pkg(WD_CRITERION criterion libcriterion-dev)
  # the JSON report is checked against its JSON Schema by a real validator
  if(NOT WIN32 AND NOT CMAKE_CROSSCOMPILING)
    execute_process(COMMAND /usr/bin/python3 -c "import jsonschema"
                    RESULT_VARIABLE WD_JSONSCHEMA_MISSING OUTPUT_QUIET ERROR_QUIET)
    if(WD_JSONSCHEMA_MISSING)
      message(FATAL_ERROR "wudiag's tests need python3-jsonschema: install the Debian package "
                          "'python3-jsonschema' (or run scripts/install-deps)")
    endif()
  endif()
endif()
