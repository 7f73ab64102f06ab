#pragma once
// Which file a standard stream is: the one question about "-" that lib/core/io.h does not answer
// itself (kept apart from io.h, which answers every other one).
#include <filesystem>
#include <optional>
#include <string_view>

namespace tinyprep {

/// For the name "-" of an output (`tinyprep import ... > m.jsonl`): the regular file standard
/// output is, as an absolute path, so that its manifest lines can be written relative to that
/// file's folder as `-o m.jsonl` would. None for any other name, for a pipe, a terminal or a
/// device, and when the file's name cannot be found (a deleted file, a system without
/// /proc/self/fd or F_GETPATH): then paths stay relative to the working directory.
std::optional<std::filesystem::path> stdout_file(std::string_view name);

/// The regular file open as descriptor `fd` (absolute), or none (see stdout_file).
std::optional<std::filesystem::path> regular_file_of_fd(int fd);

}  // namespace tinyprep
