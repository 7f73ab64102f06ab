#pragma once
// The one error type of the library: what went wrong, where (file and line), and the exit code.
#include <stdexcept>
#include <string>
#include <string_view>

namespace tinyprep {

/// Process exit codes, documented in `tinyprep --help`.
enum class ExitCode : int { kOk = 0, kData = 1, kUsage = 2, kInterrupted = 130 };

/// A failure that names the file (and line or record) it concerns; only main catches it.
class Error : public std::runtime_error {
 public:
  Error(std::string path, long line, const std::string& what, ExitCode code = ExitCode::kData)
      : std::runtime_error(what), path_(std::move(path)), line_(line), code_(code) {}
  explicit Error(const std::string& what, ExitCode code = ExitCode::kData)
      : Error("", 0, what, code) {}

  const std::string& path() const { return path_; }
  long line() const { return line_; }
  ExitCode code() const { return code_; }
  /// "path:line: what", "path: what" or "what", as the error prints.
  std::string located() const;

 private:
  std::string path_;
  long line_;
  ExitCode code_;
};

/// Text from an input, as an error message may quote it: in single quotes, at most `max`
/// bytes of it (then "..."), control characters, quotes, backslashes and bytes that are not
/// UTF-8 escaped (\n, \x1b), so that a message never carries much of a file nor raw bytes.
std::string excerpt(std::string_view text, size_t max = 40);

/// Bad options or arguments: exit code 2.
inline Error usage_error(const std::string& what) {
  return Error("", 0, what, ExitCode::kUsage);
}

/// The user pressed Ctrl-C (or the process got SIGTERM): exit code 130.
inline Error interrupted_error() {
  return Error("", 0, "interrupted", ExitCode::kInterrupted);
}

/// stdout's reader went away (`| head`): main exits quietly.
class BrokenPipe : public std::exception {
 public:
  const char* what() const noexcept override { return "broken pipe"; }
};

}  // namespace tinyprep
