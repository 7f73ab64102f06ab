# cmake -DNM=nm -DHOST=<executable> -DPLUGINS=<a.so;b.so> -DSTAMP=<file> -P CheckPluginSymbols.cmake
# Fails when a plugin needs a tinyprep:: symbol (function, typeinfo, vtable) that the host's
# dynamic symbol table does not define: dlopen(RTLD_NOW) would refuse the plugin at run time, so
# a refactor that drops such a symbol from the binary must fail the build instead.
execute_process(COMMAND ${NM} -D --defined-only ${HOST} OUTPUT_VARIABLE host_out
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cannot list the symbols of ${HOST}")
endif()
string(REGEX MATCHALL "[^ \n]*8tinyprep[^ \n]*" host_symbols "${host_out}")
set(missing "")
foreach(plugin IN LISTS PLUGINS)
  execute_process(COMMAND ${NM} -D --undefined-only ${plugin} OUTPUT_VARIABLE plugin_out
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "cannot list the symbols of ${plugin}")
  endif()
  string(REGEX MATCHALL "[^ \n]*8tinyprep[^ \n]*" needed "${plugin_out}")
  foreach(symbol IN LISTS needed)
    list(FIND host_symbols "${symbol}" found)
    if(found EQUAL -1)
      get_filename_component(name ${plugin} NAME)
      string(APPEND missing "\n  ${name} needs ${symbol}")
    endif()
  endforeach()
endforeach()
if(missing)
  message(FATAL_ERROR "plugins need tinyprep symbols that ${HOST} does not export "
                      "(link the object that defines them into the binary, or move the code into "
                      "the plugin):${missing}")
endif()
file(WRITE ${STAMP} "ok\n")
