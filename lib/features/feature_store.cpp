#include "features/feature_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "array/npy_rows.h"
#include "core/diag.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/io.h"
#include "manifest/dataset.h"

namespace tinyprep {
namespace fs = std::filesystem;
namespace {

constexpr size_t kMaxNameBytes = 160;  // leaves room for the hash, ".npy" and temp suffixes
// Parts open at once (one per feature shape): clips kept at their own length have many shapes;
// the least recently used part is closed when another is needed.
constexpr size_t kMaxOpenParts = 16;
// Closed parts waiting for one syncfs and their renames; index lines waiting to be appended.
constexpr size_t kMaxClosedParts = 64;
constexpr size_t kIndexBuffer = 1 << 20;

std::string errno_text() {
  return std::strerror(errno);
}

void write_all(int fd, std::string_view bytes, const std::string& path) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw Error(path, 0, "cannot write: " + errno_text());
    done += static_cast<size_t>(n);
  }
}

std::string quoted(const std::string& text) {
  bool plain = true;
  for (unsigned char c : text) plain = plain && c >= 0x20 && c != '"' && c != '\\' && c < 0x80;
  if (plain) return "\"" + text + "\"";
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string shape_json(const std::vector<size_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

// The index line of one file, as nlohmann::json (keys in order) would dump it.
std::string index_line(const std::string& file, const std::string& sha256, const std::string& hash,
                       const std::vector<size_t>& shape, size_t bytes) {
  return "{\"bytes\":" + std::to_string(bytes) + ",\"config\":\"" + hash +
         "\",\"file\":" + quoted(file) + ",\"sha256\":\"" + sha256 +
         "\",\"shape\":" + shape_json(shape) + "}\n";
}

// The index line of one row of a part.
std::string row_line(const std::string& id, const std::string& part, uint64_t row,
                     const std::string& sha256, const std::string& hash,
                     const std::vector<size_t>& shape) {
  return "{\"config\":\"" + hash + "\",\"id\":" + quoted(id) + ",\"part\":\"" + part +
         "\",\"row\":" + std::to_string(row) + ",\"sha256\":\"" + sha256 +
         "\",\"shape\":" + shape_json(shape) + "}\n";
}

// The seq of "part-<k>-<seq>.npy" (also inside a temporary name), or -1.
long long part_seq(std::string_view name, const std::string& prefix) {
  if (!name.starts_with(prefix)) return -1;
  name.remove_prefix(prefix.size());
  size_t digits = 0;
  while (digits < name.size() && digits < 18 && name[digits] >= '0' && name[digits] <= '9')
    ++digits;
  if (digits == 0 || name.substr(digits, 4) != ".npy") return -1;
  return std::stoll(std::string(name.substr(0, digits)));
}

// FNV-1a, 64 bits: the key of a sample id in the packed index.
uint64_t id_key(std::string_view id) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : id) h = (h ^ c) * 1099511628211ull;
  return h;
}

// The first 8 bytes of a hex sha256; false when it is not hex.
bool sha8(std::string_view hex, uint64_t& out) {
  if (hex.size() < 16) return false;
  out = 0;
  for (size_t i = 0; i < 16; ++i) {
    const char c = hex[i];
    const int v = c >= '0' && c <= '9'   ? c - '0'
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                         : -1;
    if (v < 0) return false;
    out = out << 4 | static_cast<uint64_t>(v);
  }
  return true;
}

// "index.jsonl" (written before --shard existed) or "index-<K>.jsonl": its K, -1 for the old
// one, -2 for anything else.
long long index_file_k(const std::string& name) {
  if (name == "index.jsonl") return -1;
  if (!name.starts_with("index-") || !name.ends_with(".jsonl")) return -2;
  std::string k = name.substr(6, name.size() - 6 - 6);
  if (k.empty() || k.size() > 7 || k.find_first_not_of("0123456789") != std::string::npos)
    return -2;
  return std::stoll(k);
}

// The header of a part of `rows` rows: np.save's header for that array. Its length does not
// depend on `rows` (np.save leaves room for the first axis to grow), so it is written with 0
// rows when the part opens and rewritten in place when it closes.
std::string part_header(DType dtype, uint64_t rows, const std::vector<size_t>& row_shape) {
  std::vector<size_t> shape{0};
  shape.insert(shape.end(), row_shape.begin(), row_shape.end());
  std::string header = encode_npy(dtype, shape, nullptr);
  const std::string digits = std::to_string(rows);
  const size_t at = header.find("'shape': (0");
  const size_t spaces = header.size() - 2 - header.find_last_not_of(' ', header.size() - 2);
  if (at == std::string::npos || spaces + 1 < digits.size())
    throw Error("internal error: unexpected .npy header for a part");
  header.replace(at + 10, 1, digits);
  header.erase(header.size() - digits.size(), digits.size() - 1);  // padding kept before '\n'
  return header;
}

}  // namespace

struct FeatureStore::OpenPart {
  std::unique_ptr<StagedFile> file;
  std::string name;
  DType dtype = DType::kFloat32;
  std::vector<size_t> shape;  // a row's
  size_t row_bytes = 0;
  size_t header_bytes = 0;
  uint64_t rows = 0;
  uint64_t last_use = 0;
};

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

std::string FeatureStore::part_name(uint32_t k, uint64_t seq) {
  std::string digits = std::to_string(seq);
  if (digits.size() < 6) digits.insert(0, 6 - digits.size(), '0');
  return "part-" + std::to_string(k) + "-" + digits + ".npy";
}

FeatureStore::FeatureStore(const std::string& dir, const FeatureConfig& config,
                           const FeatureStoreOptions& options)
    : dir_(dir),
      hash_(feature_config_hash(config)),
      options_(options),
      index_name_("index-" + std::to_string(options.shard.index) + ".jsonl") {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw Error(dir, 0, "is a file; -o names the feature folder");
  fs::create_directories(dir, ec);
  if (ec) throw Error(dir, 0, "cannot make the folder: " + ec.message());
  // Refused before anything is computed (a read-only disk).
  if (::access(dir.c_str(), W_OK) != 0)
    throw Error(dir, 0, "cannot write into the folder: " + errno_text());
  // One lock per worker K: the N workers of --shard K/N write here at once, each its own
  // parts, index and temporaries; a second run of the same K is refused.
  FolderLock::Options lock;
  lock.busy = "another 'tinyprep features' is writing into this folder";
  if (!options.shard.whole())
    lock.busy += " as worker " + std::to_string(options.shard.index) + " (--shard " +
                 options.shard.text() + ")";
  lock.lock_file = ".lock-" + std::to_string(options.shard.index);
  lock_.emplace(dir, lock);
  dir_fd_.fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd_.fd < 0) throw Error(dir, 0, "cannot open: " + errno_text());

  remove_stale_temporaries();
  open_config(config);
  load_indexes();
}

FeatureStore::~FeatureStore() = default;

FeatureStore::Fd::~Fd() {
  if (fd >= 0) ::close(fd);
}

void FeatureStore::open_config(const FeatureConfig& config) {
  const std::string config_path = (fs::path(dir_) / "config.json").string();
  const std::string tag = feature_config_tag(config);
  // Whether the config.json there (another worker may have just written it) holds this
  // configuration; made_by is not part of it.
  auto same = [&]() {
    std::string old_hash, old_tag = "?";
    try {
      Json old = read_json_file(config_path);
      old_hash = old.value("hash", "");
      old_tag = old.value("config", "?");
    } catch (const Error&) {
    }
    if (old_hash != hash_ && !options_.force)
      throw Error(config_path, 0,
                  "holds features of another configuration (" + old_tag + ", this run: " + tag +
                      "); use another folder, or --force to recompute them here");
    return old_hash == hash_;
  };
  std::error_code ec;
  const bool existed = fs::exists(config_path, ec);
  if (existed) reused_ = same();
  if (reused_) return;
  Json doc;
  doc["config"] = tag;
  doc["hash"] = hash_;
  doc["params"] = feature_config_json(config);
  if (!options_.made_by.is_null()) doc["made_by"] = options_.made_by;
  const std::string text = doc.dump(2) + "\n";
  if (!existed) {
    // Workers starting at once: the first config.json stays; the others check theirs against it.
    StagedFile file(config_path);
    file.write(text);
    if (file.commit_unless_exists() || same()) return;
  }
  write_file_atomic(config_path, text, true);  // --force
}

// Temporary files left by a run that was killed (SIGKILL, power loss) before it could remove
// them: those of processes that no longer run, except other workers' parts (their own runs
// remove those).
void FeatureStore::remove_stale_temporaries() {
  const std::string own = "part-" + std::to_string(options_.shard.index) + "-";
  size_t removed = remove_stale_temps(
      dir_,
      [](const std::string& name, const void* context) {
        const std::string& prefix = *static_cast<const std::string*>(context);
        return !name.starts_with("part-") || name.starts_with(prefix);
      },
      &own);
  if (removed)
    note(dir_, 0,
         "removed " + std::to_string(removed) + " temporary " + (removed == 1 ? "file" : "files") +
             " of an earlier, killed run");
}

// Every worker's index: a sample computed by any of them is found (index.jsonl, index-0.jsonl,
// index-1.jsonl, ..., this worker's own last; a later line for the same sample wins).
void FeatureStore::load_indexes() {
  std::vector<std::pair<long long, std::string>> files;
  uintmax_t index_bytes = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    std::string name = entry.path().filename().string();
    long long k = index_file_k(name);
    if (k < -1) continue;
    files.emplace_back(k, name);
    std::error_code size_ec;
    const uintmax_t size = entry.file_size(size_ec);
    if (!size_ec) index_bytes += size;
  }
  std::sort(files.begin(), files.end());
  // A line of an entry has a 64-digit config hash and a sha256: over 128 bytes. Reserved and
  // not reached costs no memory (the pages are never touched), and the vector is not copied as
  // it grows.
  entries_.reserve(static_cast<size_t>(index_bytes / 128 + 1));
  for (const auto& [k, name] : files)
    if (name != index_name_) load_index(name, false);
  bool own_found = false, own_one_layout = true;
  for (const auto& [k, name] : files)
    if (name == index_name_) {
      own_found = true;
      own_first_ = seq_;
      own_one_layout = load_index(name, true);
    }
  // Sorted by key, then line: the last line of each key is the one kept.
  std::sort(entries_.begin(), entries_.end(), [](const IndexEntry& x, const IndexEntry& y) {
    return x.key != y.key ? x.key < y.key : x.seq < y.seq;
  });
  size_t n = 0;
  for (size_t i = 0; i < entries_.size(); ++i)
    if (i + 1 == entries_.size() || entries_[i + 1].key != entries_[i].key)
      entries_[n++] = entries_[i];
  entries_.resize(n);
  shape_ids_.clear();
  part_checks_.resize(part_names_.size());
  part_ids_.clear();
  if (own_found && own_one_layout) compact_own_index(seq_ - own_first_);
  for (IndexEntry& e : entries_) e.seq = 0;  // now first_use()'s line
  if (options_.layout == FeatureLayout::kPacked) {
    // Parts are numbered on from every number this worker used: a part on disk, or one the
    // index names (a part a killed run never finished), so a name never comes back.
    const std::string prefix = "part-" + std::to_string(options_.shard.index) + "-";
    for (const auto& entry : fs::directory_iterator(dir_, ec)) {
      long long seq = part_seq(entry.path().filename().string(), prefix);
      if (seq >= 0) next_seq_ = std::max<uint64_t>(next_seq_, seq + 1);
    }
  }
}

bool FeatureStore::load_index(const std::string& name, bool own) {
  const std::string path = (fs::path(dir_) / name).string();
  LineReader lines(path);
  const bool packed = options_.layout == FeatureLayout::kPacked;
  const std::string prefix = "part-" + std::to_string(options_.shard.index) + "-";
  std::string text;
  long other_layout = 0;
  while (lines.next(text)) {
    const uint32_t seq = seq_++;
    // A line cut short by a crash (or being written by another worker), or anything else
    // unexpected, only costs a recomputation.
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object()) continue;
    auto part = j.find("part");
    const bool is_row = part != j.end() && part->is_string();
    if (is_row && own) {
      long long part_number = part_seq(part->get_ref<const std::string&>(), prefix);
      if (part_number >= 0) next_seq_ = std::max<uint64_t>(next_seq_, part_number + 1);
    }
    if (j.value("config", "") != hash_) continue;
    if (is_row != packed) {
      ++other_layout;
      continue;
    }
    try {
      IndexEntry e;
      e.seq = seq;
      if (!sha8(j.at("sha256").get_ref<const std::string&>(), e.sha8)) continue;
      auto shape = j.at("shape").get<std::vector<size_t>>();
      if (packed) {
        const uint64_t row = j.at("row").get<uint64_t>();
        if (row > UINT32_MAX) continue;  // (a part of over 4 billion rows: recomputed)
        const std::string& part_file = part->get_ref<const std::string&>();
        auto [p, fresh] = part_ids_.emplace(part_file, static_cast<uint32_t>(part_names_.size()));
        if (fresh) part_names_.push_back(part_file);
        e.value = row | uint64_t{p->second} << 32;
        e.key = id_key(j.at("id").get_ref<const std::string&>());
      } else {
        e.value = j.at("bytes").get<uint64_t>();
        e.key = id_key(j.at("file").get_ref<const std::string&>());
      }
      auto [s, fresh] = shape_ids_.emplace(shape, static_cast<uint32_t>(shapes_.size()));
      if (fresh) shapes_.push_back(std::move(shape));
      e.shape = s->second | (own ? IndexEntry::kOwn : 0);
      entries_.push_back(e);
    } catch (const nlohmann::json::exception&) {
    }
  }
  return other_layout == 0;
}

const FeatureStore::IndexEntry* FeatureStore::find_entry(uint64_t key) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), key,
                             [](const IndexEntry& e, uint64_t k) { return e.key < k; });
  return it != entries_.end() && it->key == key ? &*it : nullptr;
}

long FeatureStore::first_use(const std::string& id, const std::string& file, long line) {
  const uint64_t key = id_key(options_.layout == FeatureLayout::kPacked ? id : file);
  auto it = std::lower_bound(entries_.begin(), entries_.end(), key,
                             [](const IndexEntry& e, uint64_t k) { return e.key < k; });
  if (it == entries_.end() || it->key != key) return names_.insert(key, line);
  if (it->seq != 0) return it->seq;
  it->seq = static_cast<uint32_t>(std::clamp<long>(line, 1, UINT32_MAX));
  return 0;
}

// Entries of other configurations or superseded ones pile up over runs: this worker's index is
// rewritten when they outnumber its live ones, keeping the lines the live entries came from, as
// they are and in their order (streamed: no line is held).
void FeatureStore::compact_own_index(uint64_t own_lines) {
  std::vector<uint32_t> keep;
  for (const IndexEntry& e : entries_)
    if (e.own()) keep.push_back(e.seq - own_first_);
  if (own_lines <= 1000 || own_lines <= 2 * keep.size()) return;
  std::sort(keep.begin(), keep.end());
  const std::string path = (fs::path(dir_) / index_name_).string();
  LineReader lines(path);
  Output out(path, true);
  std::string text;
  size_t next = 0;
  for (uint32_t i = 0; next < keep.size() && lines.next(text); ++i)
    if (i == keep[next]) {
      text += '\n';
      out.write(text);
      ++next;
    }
  out.commit();
}

std::optional<std::vector<size_t>> FeatureStore::lookup(const std::string& file,
                                                        const std::string& sha256) const {
  const IndexEntry* e = find_entry(id_key(file));
  uint64_t sha = 0;
  if (e == nullptr || !sha8(sha256, sha) || sha != e->sha8) return std::nullopt;
  struct stat st;
  if (::fstatat(dir_fd_.fd, file.c_str(), &st, 0) != 0 ||
      static_cast<uint64_t>(st.st_size) != e->value)
    return std::nullopt;
  return shapes_[e->shape_index()];
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

void FeatureStore::append_index(const std::string& lines) {
  if (lines.empty()) return;
  const std::string index = (fs::path(dir_) / index_name_).string();
  if (index_fd_.fd < 0) {
    index_fd_.fd =
        ::openat(dir_fd_.fd, index_name_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (index_fd_.fd < 0) throw Error(index, 0, "cannot open: " + errno_text());
  }
  write_all(index_fd_.fd, lines, index);
}

void FeatureStore::commit(std::vector<StagedFeature>& files) {
  if (files.empty()) return;
  sync();
  std::string lines;
  for (StagedFeature& s : files) {
    s.npy->commit();
    lines += index_line(s.file, s.sha256, hash_, s.shape, s.npy->size());
  }
  append_index(lines);
  files.clear();
}

std::optional<PackedRow> FeatureStore::lookup_row(const std::string& id,
                                                  const std::string& sha256) const {
  const IndexEntry* found = find_entry(id_key(id));
  uint64_t sha = 0;
  if (found == nullptr || !sha8(sha256, sha) || sha != found->sha8) return std::nullopt;
  const IndexEntry& e = *found;
  std::lock_guard lock(check_mutex_);
  PartCheck& c = part_checks_[e.part()];
  if (!c.checked) {
    // Once per part: there, a sound header, and how many rows' bytes it really holds (a part
    // cut short behind our back keeps only its whole rows).
    c.checked = true;
    try {
      NpyPartInfo info = inspect_npy_part(dir_ + "/" + part_names_[e.part()]);
      c.ok = true;
      c.rows = info.complete_rows;
      c.row_shape.assign(info.header.shape.begin() + 1, info.header.shape.end());
    } catch (const Error&) {
    }
  }
  if (!c.ok || e.row() >= c.rows || c.row_shape != shapes_[e.shape_index()]) return std::nullopt;
  return PackedRow{part_names_[e.part()], e.row(), shapes_[e.shape_index()]};
}

PackedRow FeatureStore::add_row(const std::string& id, const std::string& sha256, DType dtype,
                                const std::vector<size_t>& shape, std::string_view bytes) {
  const size_t row_bytes = element_count(shape) * dtype_size(dtype);
  if (bytes.size() != row_bytes)
    throw Error("internal error: a row of " + std::to_string(bytes.size()) + " bytes for shape " +
                shape_text(shape));
  size_t i = 0;
  while (i < open_.size() && (open_[i]->shape != shape || open_[i]->dtype != dtype)) ++i;
  if (i < open_.size()) {
    const OpenPart& p = *open_[i];
    if (p.rows > 0 && p.header_bytes + (p.rows + 1) * p.row_bytes > options_.part_bytes) {
      close_part(i);
      i = open_.size();
    }
  }
  if (i == open_.size()) {
    if (open_.size() >= kMaxOpenParts) {
      size_t lru = 0;
      for (size_t k = 1; k < open_.size(); ++k)
        if (open_[k]->last_use < open_[lru]->last_use) lru = k;
      close_part(lru);
    }
    auto p = std::make_unique<OpenPart>();
    p->name = part_name(options_.shard.index, next_seq_++);
    p->dtype = dtype;
    p->shape = shape;
    p->row_bytes = row_bytes;
    const std::string header = part_header(dtype, 0, shape);
    p->header_bytes = header.size();
    p->file = std::make_unique<StagedFile>(dir_ + "/" + p->name,
                                           StagedFileOptions{.durability = Durability::kBatch});
    p->file->write(header);
    open_.push_back(std::move(p));
    i = open_.size() - 1;
  }
  OpenPart& p = *open_[i];
  p.file->write(bytes);
  p.last_use = ++uses_;
  const uint64_t row = p.rows++;
  pending_index_ += row_line(id, p.name, row, sha256, hash_, shape);
  if (pending_index_.size() >= kIndexBuffer) flush_index();
  return PackedRow{p.name, static_cast<size_t>(row), shape};
}

void FeatureStore::flush_index() {
  append_index(pending_index_);
  pending_index_.clear();
}

// A part is complete: its header gets the number of rows, and it waits (closed) for the next
// checkpoint to be made durable and renamed into place.
void FeatureStore::close_part(size_t i) {
  std::unique_ptr<OpenPart> p = std::move(open_[i]);
  open_.erase(open_.begin() + static_cast<long>(i));
  p->file->close();
  const std::string header = part_header(p->dtype, p->rows, p->shape);
  const std::string& temp = p->file->temp_path();
  Fd fd{::open(temp.c_str(), O_WRONLY | O_CLOEXEC)};
  if (fd.fd < 0) throw Error(p->file->final_path(), 0, "cannot write: " + errno_text());
  size_t done = 0;
  while (done < header.size()) {
    ssize_t n = ::pwrite(fd.fd, header.data() + done, header.size() - done, done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw Error(p->file->final_path(), 0, "cannot write: " + errno_text());
    done += static_cast<size_t>(n);
  }
  closed_.push_back(std::move(p->file));
  if (closed_.size() >= kMaxClosedParts) checkpoint();
}

void FeatureStore::checkpoint() {
  if (closed_.empty()) return;
  // The rows' index lines first, then the parts' bytes durable (one syncfs), then the renames:
  // a part under its final name is complete and its rows are in the index.
  flush_index();
  sync();
  for (auto& file : closed_) {
    file->commit();
    ++parts_written_;
  }
  closed_.clear();
}

void FeatureStore::finish() {
  while (!open_.empty()) close_part(0);
  checkpoint();
  flush_index();
  sync();
}

}  // namespace tinyprep
