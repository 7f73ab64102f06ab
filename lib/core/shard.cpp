#include "core/shard.h"

#include "core/error.h"
#include "core/hash.h"
#include "core/parse.h"

namespace tinyprep {

uint32_t shard_of(std::string_view id, uint32_t count) {
  const std::string hex = sha256_hex(id);
  uint64_t h = 0;
  for (size_t i = 0; i < 16; ++i) {
    const char c = hex[i];
    h = h << 4 | static_cast<uint64_t>(c <= '9' ? c - '0' : c - 'a' + 10);
  }
  return static_cast<uint32_t>(h % count);
}

bool Shard::takes(std::string_view id) const {
  return count == 1 || shard_of(id, count) == index;
}

std::string Shard::text() const {
  return whole() ? std::string() : std::to_string(index) + "/" + std::to_string(count);
}

FolderLock::Options shard_folder_lock(std::string_view command, const Shard& shard) {
  FolderLock::Options lock;
  lock.busy = "another 'tinyprep " + std::string(command) + " --shard " + shard.text() +
              "' is writing into this folder";
  lock.lock_file = "." + std::string(command) + "-shard-" + std::to_string(shard.index) + "-of-" +
                   std::to_string(shard.count) + ".lock";
  return lock;
}

Shard parse_shard(std::string_view text, std::string_view option) {
  const std::string what = std::string(option) + " '" + std::string(text) + "'";
  const size_t slash = text.find('/');
  auto digits = [](std::string_view s) {
    if (s.empty() || s.size() > 7) return false;
    for (char c : s)
      if (c < '0' || c > '9') return false;
    return true;
  };
  if (slash == std::string_view::npos || !digits(text.substr(0, slash)) ||
      !digits(text.substr(slash + 1)))
    throw usage_error(what + ": expected K/N, worker K of N counted from 0 (e.g. 0/4)");
  Shard s;
  s.index = parse_number<uint32_t>(text.substr(0, slash), option);
  s.count = parse_number<uint32_t>(text.substr(slash + 1), option);
  if (s.count == 0 || s.count > 1000000)
    throw usage_error(what + ": N must be 1 to 1000000 workers");
  if (s.index >= s.count)
    throw usage_error(what + ": K must be below N (workers are numbered 0 to " +
                      std::to_string(s.count - 1) + ")");
  return s;
}

}  // namespace tinyprep
