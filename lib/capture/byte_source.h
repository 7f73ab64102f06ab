#pragma once
// A device's byte stream (a serial port, a pseudo-terminal, standard input) behind one small
// interface, so capture runs the same on Linux, macOS and Windows and tests drive it with a pty.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace tinyprep {

/// What a read returned. An unplugged device is an outcome, not an error: capture keeps what
/// it has. Real I/O errors are thrown as Error.
enum class ReadStatus {
  kData,         ///< `size` bytes arrived
  kTimeout,      ///< nothing arrived within the timeout
  kInterrupted,  ///< a signal (Ctrl-C) woke the wait; check interrupted()
  kClosed,       ///< the device went away (unplugged, pty closed) or the input ended
};

struct ReadResult {
  ReadStatus status = ReadStatus::kTimeout;
  size_t size = 0;
};

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  /// Reads up to `size` bytes, waiting at most `timeout_ms`; throws Error on an I/O error.
  virtual ReadResult read(char* buffer, size_t size, int timeout_ms) = 0;
  /// Writes all bytes (a start command, a frame request); false when the device went away,
  /// throws Error on an I/O error.
  virtual bool write(std::string_view bytes) = 0;
  /// Closes the device; later reads report kClosed. Safe to call twice.
  virtual void close() = 0;
  /// What a manifest's `source` field says: "serial:/dev/ttyACM0", "stdin".
  virtual std::string name() const = 0;
};

/// The baud rates a serial port may be opened at (1200 is refused: see open_serial_port).
bool is_supported_baud(int baud);

/// Opens a serial port or pseudo-terminal raw, 8N1, no flow control. Refuses 1200 baud with a
/// usage error (an Arduino resets to its bootloader when its port is opened at 1200 baud);
/// throws Error naming the port when it is missing, busy, not a serial port, or not permitted
/// (with the `dialout` group hint on Linux).
std::unique_ptr<ByteSource> open_serial_port(const std::string& path, int baud);

/// Standard input as a byte source (a pipe or file); throws Error when it is a terminal.
std::unique_ptr<ByteSource> open_stdin_source();

}  // namespace tinyprep
