#pragma once
// Facts about the running process that outputs record (as samtools records @PG CL:).
#include <string>
#include <vector>

namespace tinyprep {

/// Keeps argv as the command line outputs record, the program shown as "tinyprep" (main calls
/// it once, before any command runs).
void set_command_args(int argc, const char* const* argv);

/// The command line as typed, one string per argument, the program shown as "tinyprep": what
/// set_command_args() kept, else what /proc/self/cmdline says, else empty.
const std::vector<std::string>& command_args();

/// Arguments as one shell line: each quoted ('...') where the shell would read it otherwise.
std::string quote_command(const std::vector<std::string>& args);

/// quote_command(command_args()); `fallback` when there are none.
std::string command_line(const std::string& fallback = "tinyprep");

/// tinyprep's version ("0.1.0", the project's version in CMakeLists.txt).
const char* tinyprep_version();

}  // namespace tinyprep
