# Toolchain for cross-compiling wudiag.exe on Debian with gcc-mingw-w64-x86-64
# (used by scripts/build-windows). WUDIAG_WIN_PREFIX names the folder holding
# the static SQLite, libxml2, libxslt and libarchive built for the target.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(WD_MINGW_HOST x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${WD_MINGW_HOST}-gcc)
set(CMAKE_RC_COMPILER ${WD_MINGW_HOST}-windres)
set(CMAKE_AR ${WD_MINGW_HOST}-ar CACHE FILEPATH "")
set(CMAKE_RANLIB ${WD_MINGW_HOST}-ranlib CACHE FILEPATH "")

set(WUDIAG_WIN_PREFIX "" CACHE PATH "Prefix of the static libraries built for Windows")
set(CMAKE_FIND_ROOT_PATH /usr/${WD_MINGW_HOST} ${WUDIAG_WIN_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

if(WUDIAG_WIN_PREFIX)
  # pkg-config looks only at the target's libraries, and with --static so the
  # private dependencies (ws2_32, zlib, ...) are linked too.
  set(ENV{PKG_CONFIG_LIBDIR} "${WUDIAG_WIN_PREFIX}/lib/pkgconfig")
  set(ENV{PKG_CONFIG_PATH} "")
  set(PKG_CONFIG_ARGN --static CACHE STRING "")
  # The headers of static builds must not ask for DLL imports.
  set(CMAKE_C_FLAGS_INIT "-DLIBXML_STATIC -DLIBXSLT_STATIC -DLIBEXSLT_STATIC -DLIBARCHIVE_STATIC")
  # One self-contained .exe: libgcc and winpthread linked in as well.
  set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -s")
  set(WUDIAG_STATIC ON)
endif()
