#include "features/feature_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/diag.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/io.h"
#include "manifest/dataset.h"

namespace tinyprep {
namespace fs = std::filesystem;
namespace {

constexpr size_t kMaxNameBytes = 160;  // leaves room for the hash, ".npy" and temp suffixes

std::string errno_text() {
  return std::strerror(errno);
}

void write_all(int fd, const std::string& bytes, const std::string& path) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw Error(path, 0, "cannot write: " + errno_text());
    done += static_cast<size_t>(n);
  }
}

// The index line of one file, as nlohmann::json (keys in order) would dump it; file names are
// made safe by file_name(), so only an unusual one needs nlohmann's escaping.
std::string index_line(const std::string& file, const std::string& sha256, const std::string& hash,
                       const std::vector<size_t>& shape, size_t bytes) {
  std::string quoted_file;
  bool plain = true;
  for (unsigned char c : file) plain = plain && c >= 0x20 && c != '"' && c != '\\';
  quoted_file = plain ? "\"" + file + "\"" : nlohmann::json(file).dump();
  std::string line = "{\"bytes\":" + std::to_string(bytes) + ",\"config\":\"" + hash +
                     "\",\"file\":" + quoted_file + ",\"sha256\":\"" + sha256 + "\",\"shape\":[";
  for (size_t i = 0; i < shape.size(); ++i) line += (i ? "," : "") + std::to_string(shape[i]);
  return line + "]}\n";
}

}  // namespace

std::string FeatureStore::file_name(const std::string& id) {
  std::string name;
  if (is_valid_utf8(id)) {
    name = make_id(id);
  } else {
    for (unsigned char c : id) name += (std::isalnum(c) || c == '-' || c == '_') ? char(c) : '_';
  }
  if (name.size() > kMaxNameBytes) {
    size_t cut = kMaxNameBytes;
    while (cut > 0 && (static_cast<unsigned char>(name[cut]) >> 6) == 2) --cut;  // UTF-8 boundary
    name.resize(cut);
  }
  if (name != id) name += "-" + sha1_hex(id).substr(0, 8);
  return name + ".npy";
}

FeatureStore::FeatureStore(const std::string& dir, const FeatureConfig& config, bool force)
    : dir_(dir), hash_(feature_config_hash(config)) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw Error(dir, 0, "is a file; -o names the feature folder");
  fs::create_directories(dir, ec);
  if (ec) throw Error(dir, 0, "cannot make the folder: " + ec.message());
  // Refused before anything is computed (a read-only disk), as opening a lock file for writing
  // in it once did; the lock itself is on the folder and needs no write access.
  if (::access(dir.c_str(), W_OK) != 0)
    throw Error(dir, 0, "cannot write into the folder: " + errno_text());
  lock_.emplace(dir, "another 'tinyprep features' is writing into this folder");
  dir_fd_.fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd_.fd < 0) throw Error(dir, 0, "cannot open: " + errno_text());

  remove_stale_temporaries();
  const std::string config_path = (fs::path(dir) / "config.json").string();
  const std::string tag = feature_config_tag(config);
  if (fs::exists(config_path, ec)) {
    std::string old_hash, old_tag = "?";
    try {
      Json old = read_json_file(config_path);
      old_hash = old.value("hash", "");
      old_tag = old.value("config", "?");
    } catch (const Error&) {
    }
    reused_ = old_hash == hash_;
    if (!reused_ && !force)
      throw Error(config_path, 0,
                  "holds features of another configuration (" + old_tag + ", this run: " + tag +
                      "); use another folder, or --force to recompute them here");
  }
  if (!reused_) {
    Json doc;
    doc["config"] = tag;
    doc["hash"] = hash_;
    doc["params"] = feature_config_json(config);
    write_file_atomic(config_path, doc.dump(2) + "\n", true);
  }
  load_index();
}

FeatureStore::Fd::~Fd() {
  if (fd >= 0) ::close(fd);
}

// Temporary files left by a run that was killed (SIGKILL, power loss) before it could remove
// them: the lock says no other run is writing here, so every one of them is stale.
void FeatureStore::remove_stale_temporaries() {
  std::error_code ec;
  long removed = 0;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > 1 && name[0] == '.' && name.find(".tmp-") != std::string::npos &&
        fs::remove(entry.path(), ec))
      ++removed;
  }
  if (removed)
    note(dir_, 0,
         "removed " + std::to_string(removed) + " temporary " + (removed == 1 ? "file" : "files") +
             " of an earlier, killed run");
}

void FeatureStore::load_index() {
  const std::string path = (fs::path(dir_) / "index.jsonl").string();
  std::error_code ec;
  if (!fs::exists(path, ec)) return;
  LineReader lines(path);
  std::string text;
  long total = 0;
  while (lines.next(text)) {
    ++total;
    // A line cut short by a crash, or anything else unexpected, only costs a recomputation.
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object() || j.value("config", "") != hash_) continue;
    try {
      Entry e{j.at("sha256").get<std::string>(), j.at("shape").get<std::vector<size_t>>(),
              j.at("bytes").get<size_t>()};
      index_[j.at("file").get<std::string>()] = std::move(e);
    } catch (const nlohmann::json::exception&) {
    }
  }
  // Entries of other configurations or superseded ones pile up over runs: rewrite when they
  // outnumber the live ones.
  if (total > 1000 && static_cast<size_t>(total) > 2 * index_.size()) {
    std::string out;
    for (const auto& [file, e] : index_) out += index_line(file, e.sha256, hash_, e.shape, e.bytes);
    write_file_atomic(path, out, true);
  }
}

std::optional<std::vector<size_t>> FeatureStore::lookup(const std::string& file,
                                                        const std::string& sha256) const {
  auto it = index_.find(file);
  if (it == index_.end() || it->second.sha256 != sha256) return std::nullopt;
  struct stat st;
  if (::fstatat(dir_fd_.fd, file.c_str(), &st, 0) != 0 ||
      static_cast<size_t>(st.st_size) != it->second.bytes)
    return std::nullopt;
  return it->second.shape;
}

StagedFeature FeatureStore::stage(const std::string& file, const std::string& sha256,
                                  const std::vector<size_t>& shape, const std::string& bytes) {
  // Synced with the others by commit(): one syncfs, not an fsync per file.
  auto npy = std::make_unique<StagedFile>(
      dir_ + "/" + file,
      StagedFileOptions{.durability = Durability::kBatch, .buffer_bytes = 1 << 12});
  npy->write(bytes);
  npy->close();
  return {std::move(npy), file, sha256, shape};
}

void FeatureStore::sync() {
  // One syncfs costs about what a single fsync does (a journal commit); an fsync per file would
  // dominate the run (~3 ms each against ~0.1 ms of work).
  if (::syncfs(dir_fd_.fd) != 0) throw Error(dir_, 0, "cannot sync: " + errno_text());
}

void FeatureStore::commit(std::vector<StagedFeature>& files) {
  if (files.empty()) return;
  sync();
  std::string lines;
  for (StagedFeature& s : files) {
    s.npy->commit();
    lines += index_line(s.file, s.sha256, hash_, s.shape, s.npy->size());
  }
  const std::string index = (fs::path(dir_) / "index.jsonl").string();
  int fd = ::openat(dir_fd_.fd, "index.jsonl", O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(index, 0, "cannot open: " + errno_text());
  Fd index_fd{fd};  // closed on every way out
  write_all(fd, lines, index);
  files.clear();
}

void FeatureStore::finish() {
  sync();
}

}  // namespace tinyprep
