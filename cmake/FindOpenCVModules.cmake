# Debian's per-module OpenCV packages (libopencv-core-dev, -imgproc-dev, ...) ship headers and
# libraries but no OpenCVConfig.cmake (that comes only with the whole libopencv-dev), so find
# each module we use by hand and make an imported target OpenCV::<module>.
find_path(OpenCV_INCLUDE_DIR opencv2/core.hpp PATH_SUFFIXES opencv4 REQUIRED)
find_path(OpenCV_ARCH_INCLUDE_DIR opencv2/cvconfig.h
  PATHS /usr/include/${CMAKE_LIBRARY_ARCHITECTURE}/opencv4)
set(OpenCV_INCLUDE_DIRS ${OpenCV_INCLUDE_DIR})
if(OpenCV_ARCH_INCLUDE_DIR)
  list(APPEND OpenCV_INCLUDE_DIRS ${OpenCV_ARCH_INCLUDE_DIR})
endif()
foreach(module IN LISTS OpenCVModules_FIND_COMPONENTS)
  find_library(OpenCV_${module}_LIBRARY opencv_${module} REQUIRED)
  if(NOT TARGET OpenCV::${module})
    add_library(OpenCV::${module} UNKNOWN IMPORTED)
    set_target_properties(OpenCV::${module} PROPERTIES
      IMPORTED_LOCATION ${OpenCV_${module}_LIBRARY}
      INTERFACE_INCLUDE_DIRECTORIES "${OpenCV_INCLUDE_DIRS}")
  endif()
endforeach()
set(OpenCVModules_FOUND TRUE)
