#include "export/export_input.h"

#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "array/npy_rows.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/io.h"
#include "manifest/fast_json.h"

namespace tinyprep {
namespace fs = std::filesystem;

Spool::Spool() {
  path_ =
      (fs::temp_directory_path() / ("tinyprep-export-stdin-" + std::to_string(getpid()) + ".jsonl"))
          .string();
  Output out(path_, true);
  LineReader in("-");
  std::string line;
  while (in.next(line)) {
    line += '\n';
    out.write(line);
  }
  out.commit();
}

Spool::~Spool() {
  ::unlink(path_.c_str());
}

ExportLines::ExportLines(const std::string& name, const Spool* spool, bool allow_outside)
    : reader_(spool ? spool->path() : name, allow_outside || spool),
      source_(spool ? "<stdin>" : ""),
      base_(spool ? fs::current_path() : reader_.base()) {}

bool ExportLines::next(Sample& s) {
  if (!reader_.next(s)) return false;
  if (!source_.empty()) s.source = source_;
  s.base = base_;
  return true;
}

uint64_t shuffle_key(uint64_t seed, const std::string& id) {
  return std::stoull(sha256_hex(std::to_string(seed) + ":" + id).substr(0, 16), nullptr, 16);
}

namespace {
// The line without its "\n" and "\r" (as LineReader strips them).
size_t trimmed_size(const char* text, ssize_t n) {
  while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r')) --n;
  return static_cast<size_t>(n);
}

// Gives the pages of freed memory back to the system. The deques' blocks are small
// allocations inside malloc's heap, which keeps freed ones resident: without this the peak
// held the scan's keys and line numbers next to what replaced them (issue 16: 26 instead of
// about 10 bytes per line from 100,000 to 300,000 lines).
void release_freed_memory() {
#ifdef __GLIBC__
  malloc_trim(0);
#endif
}
}  // namespace

void LineNumbers::push_back(uint32_t line) {
  const uint32_t step = line - pushed_;
  if (step >= 1 && step <= UINT8_MAX) {
    steps_.push_back(static_cast<uint8_t>(step));
  } else {
    steps_.push_back(0);
    whole_.push_back(line);
  }
  pushed_ = line;
}

void LineNumbers::pop_front() {
  read_ = front();
  if (!steps_.front()) whole_.pop_front();
  steps_.pop_front();
}

void ShuffleOrder::add(uint64_t key, const std::string& split, uint32_t line) {
  if (!last_split_ || *last_split_ != split) {
    auto it = keyed_.try_emplace(split).first;
    last_split_ = &it->first;
    last_keyed_ = &it->second;
  }
  last_keyed_->push_back({key, static_cast<uint32_t>(lines_.size())});
  lines_.push_back(line);
}

std::deque<uint32_t> ShuffleOrder::order(const std::vector<std::string>& splits) {
  std::deque<uint32_t> order;
  for (const auto& split : splits) {
    auto it = keyed_.find(split);
    if (it == keyed_.end()) continue;
    auto& keyed = it->second;
    // By key; indices break ties, so equal keys stay in manifest order.
    std::sort(keyed.begin(), keyed.end(), [](const Keyed& a, const Keyed& b) {
      const uint64_t ka = a.key, kb = b.key;
      const uint32_t ia = a.index, ib = b.index;
      return ka != kb ? ka < kb : ia < ib;
    });
    for (; !keyed.empty(); keyed.pop_front()) order.push_back(keyed.front().index);
    keyed_.erase(it);
  }
  keyed_.clear();
  last_split_ = nullptr;
  last_keyed_ = nullptr;
  release_freed_memory();
  return order;
}

ReorderedLines::ReorderedLines(ExportLines& lines, const std::string& file,
                               std::deque<uint32_t> order, LineNumbers line_numbers,
                               bool allow_outside)
    : lines_(lines),
      file_(file),
      order_(std::move(order)),
      check_outside_(!allow_outside && lines.dataset_dir()) {
  f_ = std::fopen(file_.c_str(), "rb");
  if (!f_) throw Error(lines_.source(), 0, "cannot open: " + std::string(std::strerror(errno)));
  // A constructor that throws runs no destructor: what the scan took is given back here.
  try {
    const size_t samples = line_numbers.size();
    block_offset_.resize((samples + kBlock - 1) / kBlock);
    block_line_.resize(block_offset_.size());
    uint64_t offset = 0;
    uint32_t physical = 0;
    size_t sample = 0;
    ssize_t n;
    // The line numbers are dropped as they are used, so they and the deltas are not all held.
    while (sample < samples && (n = getline(&buf_, &cap_, f_)) >= 0) {
      ++physical;
      if (physical == line_numbers.front()) {
        locate(sample++, offset, physical);
        line_numbers.pop_front();
      }
      offset += static_cast<uint64_t>(n);
    }
    if (sample != samples)
      throw Error(lines_.source(), 0, "the manifest changed during the export");
  } catch (...) {
    std::fclose(f_);
    std::free(buf_);
    throw;
  }
  release_freed_memory();
}

void ReorderedLines::locate(size_t i, uint64_t offset, uint32_t line) {
  const size_t block = i / kBlock;
  if (i % kBlock == 0) block_offset_[block] = offset, block_line_[block] = line;
  const uint64_t offset_delta = offset - block_offset_[block];
  const uint32_t line_delta = line - block_line_[block];
  // Samples come in order: i is the deques' size.
  if (offset_delta < kFar && line_delta <= UINT16_MAX) {
    offset_delta_.push_back(static_cast<uint32_t>(offset_delta));
    line_delta_.push_back(static_cast<uint16_t>(line_delta));
  } else {
    offset_delta_.push_back(kFar);
    line_delta_.push_back(0);
    far_[static_cast<uint32_t>(i)] = {offset, line};
  }
}

ReorderedLines::~ReorderedLines() {
  if (f_) std::fclose(f_);
  std::free(buf_);
}

bool ReorderedLines::next(Sample& s) {
  if (next_ == order_.size()) return false;
  const uint32_t i = order_[next_++];
  uint64_t offset;
  long line;
  if (offset_delta_[i] != kFar) {
    offset = block_offset_[i / kBlock] + offset_delta_[i];
    line = static_cast<long>(block_line_[i / kBlock]) + line_delta_[i];
  } else {
    const auto& [far_offset, far_line] = far_.at(i);
    offset = far_offset;
    line = far_line;
  }
  const std::string source = lines_.source();
  ssize_t n = -1;
  if (::fseeko(f_, static_cast<off_t>(offset), SEEK_SET) == 0) n = getline(&buf_, &cap_, f_);
  Json parsed;
  try {
    if (n >= 0) {
      const std::string_view text(buf_, trimmed_size(buf_, n));
      if (!parse_json_fast(text, parsed)) parsed = Json::parse(text);
    }
  } catch (const Json::exception&) {
  }
  // The first pass read every line as a JSON object (and refused deep nesting).
  if (!parsed.is_object()) throw Error(source, line, "the manifest changed during the export");
  if (check_outside_ && lines_.reader().outside_dataset(parsed))
    throw Error(source, line, "the manifest changed during the export");
  s.json = std::move(parsed);
  s.source = source;
  s.line = line;
  s.base = lines_.base();
  return true;
}

SampleArray load_features(const Sample& s) {
  SampleArray a;
  load_features_into(s, a);
  return a;
}

void load_features_into(const Sample& s, SampleArray& out) {
  const Json& f = s.json["features"];
  std::string path = s.resolve(f["path"].get<std::string>()).string();
  // Packed layout: the sample is row `row` of a stacked part; without `row`, a per-sample .npy.
  std::optional<size_t> row;
  if (auto r = f.find("row"); r != f.end()) {
    if (!r->is_number_unsigned())
      s.fail("features of '" + s.id() + "': 'row' must be a non-negative integer, not " +
             r->dump());
    row = r->get<size_t>();
  }
  NpyArray a;
  a.data = std::move(out.data);
  try {
    if (row)
      read_npy_row_into(path, *row, a);
    else
      a = read_npy(path);
  } catch (const Error& e) {
    s.fail("features of '" + s.id() + "'" + (row ? " (row " + std::to_string(*row) + ")" : "") +
           ": " + e.located());
  }
  auto declared = f.find("shape");
  if (declared != f.end() && declared->is_array()) {
    std::vector<size_t> shape;
    for (const auto& d : *declared)
      if (d.is_number_unsigned()) shape.push_back(d.get<size_t>());
    if (shape != a.shape)
      s.fail("features of '" + s.id() + "': " + path +
             (row ? " row " + std::to_string(*row) : std::string()) + " has shape " +
             shape_text(a.shape) + " but the line says " + shape_text(shape));
  }
  out = {a.dtype, std::move(a.shape), std::move(a.data)};
}

}  // namespace tinyprep
