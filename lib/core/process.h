#pragma once
// Facts about the running process that outputs record (as samtools records @PG CL:).
#include <string>

namespace tinyprep {

/// The command line as typed, arguments shell-quoted where needed, with the program shown as
/// "tinyprep"; `fallback` when it cannot be read.
std::string command_line(const std::string& fallback = "tinyprep");

/// tinyprep's version ("0.1.0", the project's version in CMakeLists.txt).
const char* tinyprep_version();

}  // namespace tinyprep
