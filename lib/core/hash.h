#pragma once
// Content hashes (OpenSSL's libcrypto: hardware-accelerated and audited, see docs/decisions.md).
#include <string>
#include <string_view>

namespace tinyprep {

/// SHA-256 of bytes as 64 lowercase hex digits.
std::string sha256_hex(std::string_view bytes);
/// SHA-256 of a file's content; throws Error naming the file when it cannot be read.
std::string sha256_file_hex(const std::string& path);
/// SHA-1 of bytes as 40 lowercase hex digits (TensorFlow's speech_commands split rule uses it).
std::string sha1_hex(std::string_view bytes);

}  // namespace tinyprep
