# tinyprep_module(NAME DEPS <targets...>)
# Builds lib/<NAME>/*.cpp (but *_test.cpp) into the static library tinyprep_<NAME>, and
# lib/<NAME>/*_test.cpp into the Catch2 test binary <NAME>_tests registered with CTest.
function(tinyprep_module name)
  cmake_parse_arguments(ARG "" "" "DEPS;TEST_DEPS" ${ARGN})
  file(GLOB all_sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  set(lib_sources)
  set(test_sources)
  foreach(src IN LISTS all_sources)
    if(src MATCHES "_test\\.cpp$")
      list(APPEND test_sources ${src})
    else()
      list(APPEND lib_sources ${src})
    endif()
  endforeach()
  add_library(tinyprep_${name} STATIC ${lib_sources})
  target_include_directories(tinyprep_${name} PUBLIC ${CMAKE_SOURCE_DIR}/lib)
  target_link_libraries(tinyprep_${name} PUBLIC ${ARG_DEPS})
  if(TINYPREP_TESTS AND test_sources)
    add_executable(${name}_tests ${test_sources} $<TARGET_OBJECTS:tinyprep_catch_main>)
    target_link_libraries(${name}_tests PRIVATE tinyprep_${name} Catch2::Catch2 ${ARG_TEST_DEPS})
    target_link_options(${name}_tests PRIVATE ${TINYPREP_HOST_EXPORTS})
    target_compile_definitions(${name}_tests PRIVATE
      TINYPREP_TEST_DATA="${TINYPREP_TEST_DATA}"
      TINYPREP_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
    catch_discover_tests(${name}_tests TEST_PREFIX "${name}: ")
  endif()
endfunction()

# Link options for an executable that loads tinyprep plugins: its tinyprep:: functions,
# typeinfo and vtables go into the dynamic symbol table, where a plugin finds them.
set(TINYPREP_HOST_EXPORTS
    "LINKER:--export-dynamic-symbol=_ZN8tinyprep*"
    "LINKER:--export-dynamic-symbol=_ZNK8tinyprep*"
    "LINKER:--export-dynamic-symbol=_ZTIN8tinyprep*"
    "LINKER:--export-dynamic-symbol=_ZTSN8tinyprep*"
    "LINKER:--export-dynamic-symbol=_ZTVN8tinyprep*")

# tinyprep_plugin(NAME SOURCES... DEPS <targets...>)
# Builds libtinyprep_<NAME>.so beside the binary (build/tools): code that needs a heavy
# library, loaded on first use (core/plugin.h). Its other tinyprep:: references resolve to the
# loading executable's symbols (TINYPREP_HOST_EXPORTS), so it links no tinyprep library.
function(tinyprep_plugin name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  add_library(tinyprep_plugin_${name} MODULE ${ARG_UNPARSED_ARGUMENTS})
  target_include_directories(tinyprep_plugin_${name} PRIVATE ${CMAKE_SOURCE_DIR}/lib)
  target_link_libraries(tinyprep_plugin_${name} PRIVATE ${ARG_DEPS})
  set_target_properties(tinyprep_plugin_${name} PROPERTIES
    OUTPUT_NAME tinyprep_${name}
    LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tools)
endfunction()
