#pragma once
// Files and standard streams. "-" means stdin/stdout here and nowhere else.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/staged_file.h"

namespace tinyprep {

/// True for the name "-" (standard input or output).
inline bool is_stdio(std::string_view name) {
  return name == "-";
}

/// The name an error shows for an input or output: "<stdin>"/"<stdout>" for "-".
std::string display_name(std::string_view name, bool output = false);

/// Reads a text file or stdin line by line, keeping the line number for errors.
class LineReader {
 public:
  /// Opens `name` ("-" for stdin); throws Error naming the file when it cannot be opened.
  explicit LineReader(const std::string& name);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  /// Reads the next line without its "\n" (and "\r"); false at the end. Throws on a read error.
  bool next(std::string& line);
  /// 1-based number of the line last returned.
  long line_number() const { return line_; }
  const std::string& name() const { return name_; }
  bool is_stdin() const { return file_ == stdin; }

 private:
  std::string name_;
  FILE* file_ = nullptr;
  char* buf_ = nullptr;
  size_t cap_ = 0;
  long line_ = 0;
};

/// The lines of a text held in memory, as LineReader gives them from a file: split at '\n',
/// trailing '\r' removed, numbered from 1; a last line without '\n' counts, an empty text has
/// none.
class TextLines {
 public:
  explicit TextLines(std::string_view text) : text_(text) {}
  /// The next line; false at the end.
  bool next(std::string_view& line);
  /// 1-based number of the line last returned.
  long line_number() const { return line_; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  long line_ = 0;
};

/// An output file (a StagedFile: written to a temporary name beside its final name and renamed
/// into place by commit()), or "-" for stdout.
class Output {
 public:
  /// Refuses an existing `path` unless `force`; throws Error naming the path.
  explicit Output(const std::string& path, bool force = false);
  ~Output();
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  /// Writes bytes; throws Error (disk full, I/O) or BrokenPipe (stdout closed).
  void write(std::string_view bytes);
  void write(const void* data, size_t size) { write({static_cast<const char*>(data), size}); }
  /// Flushes, syncs, closes and renames into place (stdout: flushes and checks).
  void commit();
  /// Bytes written so far.
  size_t size() const { return size_; }
  const std::string& path() const { return path_; }
  bool is_stdout() const { return !file_; }

 private:
  std::string path_;
  std::unique_ptr<StagedFile> file_;  // none for stdout
  size_t size_ = 0;
  bool committed_ = false;
};

/// Reads a whole file into `buffer` (reusing its capacity; it may grow past the file's size)
/// and returns a view of the bytes; throws Error naming the file.
std::string_view read_file_into(const std::string& path, std::string& buffer);

/// As read_file_into, but only a file of at most `max_bytes` (by its size when opened): a larger
/// one is not read and the result is empty (std::nullopt).
std::optional<std::string_view> read_small_file_into(const std::string& path, std::string& buffer,
                                                     size_t max_bytes);

/// Reads a whole file; throws Error naming it.
std::string read_file(const std::string& path);

/// Writes a whole file atomically (temporary name, then rename).
void write_file_atomic(const std::string& path, std::string_view bytes, bool force = true);

/// Throws BrokenPipe or Error when the last flush of stdout failed; call before exiting.
void finish_stdout();

}  // namespace tinyprep
