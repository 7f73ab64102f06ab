#pragma once
// Diagnostics on stderr: warnings and notes in the same "tinyprep <cmd>: file:line: ..." form.
#include <string>

namespace tinyprep {

/// Sets the command name that prefixes every diagnostic ("tinyprep import").
void set_diag_program(const std::string& name);
const std::string& diag_program();

/// Prints "tinyprep <cmd>: warning: path:line: what" to stderr; counts it.
void warn(const std::string& path, long line, const std::string& what);
inline void warn(const std::string& what) {
  warn("", 0, what);
}

/// Prints "tinyprep <cmd>: path:line: what" to stderr (information, not a problem).
void note(const std::string& path, long line, const std::string& what);
inline void note(const std::string& what) {
  note("", 0, what);
}

/// Number of warnings printed so far.
long warning_count();

/// True when stderr is a terminal: progress is shown only then.
bool stderr_is_terminal();

/// Draws `text` as the progress line (Progress calls it, only on a terminal). A warning or note
/// printed while it shows first clears it, then draws it again below the message.
void draw_progress_line(const std::string& text);
/// Clears the progress line, if one shows.
void clear_progress_line();

}  // namespace tinyprep
