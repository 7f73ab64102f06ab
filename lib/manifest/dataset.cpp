#include "manifest/dataset.h"

#include <algorithm>
#include <cctype>

#include "core/error.h"

namespace tinyprep {
namespace fs = std::filesystem;

bool Dataset::is_dataset(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "dataset.json", ec);
}

Dataset Dataset::open(const fs::path& dir) {
  Dataset d;
  d.dir_ = fs::absolute(dir).lexically_normal();
  if (!is_dataset(dir)) throw Error(dir.string(), 0, "is not a dataset folder (no dataset.json)");
  d.info_ = read_json_file(d.info_file().string());
  if (!d.info_.is_object()) throw Error(d.info_file().string(), 0, "is not a JSON object");
  return d;
}

Dataset Dataset::create(const fs::path& dir, const std::string& name, bool force) {
  std::error_code ec;
  if (is_dataset(dir) && !force)
    throw Error(dir.string(), 0, "is already a dataset (use --force to reset dataset.json)");
  fs::create_directories(dir / "data", ec);
  if (ec) throw Error(dir.string(), 0, "cannot create: " + ec.message());
  Dataset d;
  d.dir_ = fs::absolute(dir).lexically_normal();
  d.info_ = Json{
      {"name", name},        {"version", "1.0.0"},      {"description", ""},       {"license", ""},
      {"modality", nullptr}, {"labels", Json::array()}, {"format", Json::object()}};
  d.save();
  if (!fs::exists(d.manifest(), ec)) write_file_atomic(d.manifest().string(), "", false);
  return d;
}

std::string Dataset::name() const {
  auto it = info_.find("name");
  if (it != info_.end() && it->is_string() && !it->get<std::string>().empty())
    return it->get<std::string>();
  return dir_.filename().string();
}

std::vector<std::string> Dataset::labels() const {
  std::vector<std::string> out;
  auto it = info_.find("labels");
  if (it == info_.end() || !it->is_array()) return out;
  for (const auto& l : *it)
    if (l.is_string()) out.push_back(l.get<std::string>());
  return out;
}

bool Dataset::add_label(const std::string& label) {
  auto current = labels();
  if (std::find(current.begin(), current.end(), label) != current.end()) return false;
  if (!info_.contains("labels") || !info_["labels"].is_array()) info_["labels"] = Json::array();
  info_["labels"].push_back(label);
  return true;
}

void Dataset::save() const {
  write_file_atomic(info_file().string(), info_.dump(2) + "\n", true);
}

std::string Dataset::reserve_media_path(const std::string& label, std::string& id,
                                        const std::string& ext) const {
  fs::path folder = dir_ / "data" / fs::path(label);
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) throw Error(folder.string(), 0, "cannot create: " + ec.message());
  std::string base = id;
  for (int n = 2;; ++n) {
    fs::path candidate = folder / fs::path(id + ext);
    if (!fs::exists(candidate, ec)) break;
    id = base + "-" + std::to_string(n);
  }
  return (fs::path("data") / fs::path(label) / fs::path(id + ext)).generic_string();
}

bool is_valid_utf8(std::string_view s) {
  size_t i = 0, n = s.size();
  while (i < n) {
    unsigned char c = s[i];
    size_t extra;
    if (c < 0x80)
      extra = 0;
    else if (c >= 0xC2 && c <= 0xDF)
      extra = 1;
    else if (c >= 0xE0 && c <= 0xEF)
      extra = 2;
    else if (c >= 0xF0 && c <= 0xF4)
      extra = 3;
    else
      return false;
    if (n - i <= extra) return false;
    for (size_t k = 1; k <= extra; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
    i += extra + 1;
  }
  return true;
}

void check_file_name_part(const std::string& name, const std::string& kind,
                          const std::string& where, long line) {
  if (name.empty()) throw Error(where, line, "empty " + kind);
  if (!is_valid_utf8(name)) throw Error(where, line, kind + " is not valid UTF-8");
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f)
      throw Error(where, line, kind + " '" + name + "' contains a control character");
  if (name == "." || name == "..")
    throw Error(where, line, kind + " '" + name + "' is not allowed");
  for (unsigned char c : name)
    if (c == '/' || c == '\\')
      throw Error(where, line, kind + " '" + name + "' contains '" + char(c) + "'");
}

std::string make_id(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (c >= 0x80 || std::isalnum(c) || c == '-' || c == '_' || c == '.')
      out += static_cast<char>(c);
    else
      out += '_';
  }
  while (!out.empty() && out.front() == '.') out.erase(out.begin());
  if (out.empty()) out = "sample";
  return out;
}

}  // namespace tinyprep
