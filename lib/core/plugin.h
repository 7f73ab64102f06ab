#pragma once
// Code that pulls in heavy shared libraries is loaded on first use, so that a command that
// does not need them does not pay for loading them (each costs milliseconds at every start):
//  - tinyprep's own plugins (libtinyprep_<name>.so, built beside the binary) hold the code that
//    calls HDF5 or OpenCV; they use the binary's own functions (the binary exports the
//    tinyprep:: symbols, see cmake/TinyprepModule.cmake), so there is one copy of everything;
//  - C libraries with a small interface (PortAudio, libserialport, libsndfile) are opened with
//    dlopen and called through function pointers (Library).
#include <string>

namespace tinyprep {

/// Returns `symbol` from tinyprep's plugin `file_name`, loading it on first use. Looks in
/// $env_var, beside the binary, in ../lib/tinyprep/ from it, then at `build_path`. Throws
/// Error("<what> cannot be loaded: <why>").
void* plugin_symbol(const char* file_name, const char* env_var, const char* build_path,
                    const char* symbol, const char* what);

/// dlopen()s the shared library `soname` once per process; throws Error("<what> cannot be
/// loaded: <why> (<hint>)") when it is missing.
void* load_library(const char* soname, const char* what, const char* hint);

/// The function `name` of a library from load_library; throws Error when it lacks it.
void* library_symbol(void* library, const char* soname, const char* name);

/// A library opened with load_library whose functions are bound to pointers by name. A struct
/// derived from it is the library's table: one TINYPREP_LIBRARY_FUNCTION line a function, bound
/// in declaration order when the struct is made (keep it in a function-local static):
///   struct Sndfile : Library {
///     Sndfile() : Library("libsndfile.so.1", "audio decoding", "install libsndfile1") {}
///     TINYPREP_LIBRARY_FUNCTION(open, sf_open);
///   };
class Library {
 public:
  Library(const char* soname, const char* what, const char* hint)
      : soname_(soname), handle_(load_library(soname, what, hint)) {}

 protected:
  /// The library's function `name` as a pointer of type F; throws Error when it lacks it.
  template <class F>
  F function(const char* name) const {
    return reinterpret_cast<F>(library_symbol(handle_, soname_, name));
  }

 private:
  const char* soname_;
  void* handle_;
};

/// In a struct derived from Library: the member `member`, a pointer to the C function `symbol`
/// (declared by the library's header), bound to the library's `symbol`.
#define TINYPREP_LIBRARY_FUNCTION(member, symbol) \
  decltype(&::symbol) member = function<decltype(&::symbol)>(#symbol)

}  // namespace tinyprep
