#pragma once
// Ctrl-C and SIGTERM set a flag; long loops poll it and unwind, so temporary files are removed.

namespace tinyprep {

/// Installs SIGINT/SIGTERM handlers that set the interrupted flag, and ignores SIGPIPE.
void install_signal_handlers();

/// True once SIGINT or SIGTERM arrived.
bool interrupted();

/// Throws the "interrupted" Error (exit 130) when interrupted() is true.
void check_interrupted();

/// Sets the flag as a signal would (tests and unplug handling).
void request_interrupt();

}  // namespace tinyprep
