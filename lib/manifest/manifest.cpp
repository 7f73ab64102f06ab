#include "manifest/manifest.h"

#include "manifest/fast_json.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/diag.h"
#include "core/error.h"
#include "core/stdio_file.h"

namespace tinyprep {
namespace fs = std::filesystem;

std::string Sample::str(const char* field) const {
  auto it = json.find(field);
  if (it == json.end() || it->is_null()) return "";
  if (!it->is_string()) fail(std::string("field '") + field + "' is not a string");
  return it->get<std::string>();
}

std::string Sample::id() const {
  std::string id = str("id");
  if (id.empty()) fail("line has no 'id'");
  return id;
}

std::string Sample::label() const {
  return str("label");
}
std::string Sample::split() const {
  return str("split");
}
std::string Sample::group() const {
  return str("group");
}

namespace {
// nlohmann's message without its "[json.exception.parse_error.101] " prefix, and the input it
// quotes ("last read: '...'") cut to a short, escaped excerpt.
std::string json_error_text(const Json::exception& e) {
  std::string what = e.what();
  size_t at = what.find("] ");
  if (at != std::string::npos) what = what.substr(at + 2);
  const std::string quote = "; last read: '";
  size_t start = what.find(quote);
  if (start == std::string::npos) return what;
  start += quote.size() - 1;
  size_t end = what.find("'; expected ", start + 1);
  if (end == std::string::npos) end = what.rfind('\'');
  if (end == std::string::npos || end <= start) return what;
  return what.substr(0, start) +
         excerpt(std::string_view(what).substr(start + 1, end - start - 1)) + what.substr(end + 1);
}

// A relative POSIX path without empty, "." or ".." parts: joined to a normalised folder it is
// normalised as it is.
bool plain_relative(std::string_view path) {
#ifdef _WIN32
  (void)path;
  return false;
#else
  if (path.empty() || path.front() == '/') return false;
  for (;;) {
    size_t end = path.find('/');
    std::string_view part = path.substr(0, end);
    if (part.empty() || part == "." || part == "..") return false;
    if (end == std::string_view::npos) return true;
    path.remove_prefix(end + 1);
  }
#endif
}
}  // namespace

fs::path Sample::resolve(const std::string& path) const {
  // base is absolute and normalised (readers make it so): the common case needs no
  // lexically_normal(), which costs a few microseconds per line.
  if (!base.empty() && plain_relative(path)) {
    std::string joined = base.native();
    if (joined.empty() || joined.back() != '/') joined += '/';
    return fs::path(joined + path);
  }
  fs::path p = fs::path(path);
  if (p.is_absolute() || base.empty()) return p;
  return (base / p).lexically_normal();
}

namespace {
// For a relative `path` that names no file from `base`, the working directory when the path
// names a file from there (a manifest written into another folder through a pipe).
std::optional<fs::path> found_from_cwd(const fs::path& base, const std::string& path) {
  fs::path p(path);
  std::error_code ec;
  if (base.empty() || p.is_absolute()) return std::nullopt;
  fs::path cwd = fs::current_path(ec);
  if (ec || cwd == base || !fs::exists(cwd / p, ec)) return std::nullopt;
  return cwd;
}
}  // namespace

fs::path Sample::media_path() const {
  std::string p = str("path");
  if (p.empty()) fail("line has no 'path'");
  fs::path file = resolve(p);
  // Missing files are left to the readers, except when we know why: only then is it checked.
  std::error_code ec;
  if (!base.empty() && !fs::exists(file, ec) && !ec && found_from_cwd(base, p))
    fail(p + ": " + missing_file(p));
  return file;
}

std::string Sample::missing_file(const std::string& path) const {
  std::optional<fs::path> cwd = found_from_cwd(base, path);
  if (!cwd) return "no such file";
  fs::path folder = base.lexically_relative(*cwd);
  std::string shown = folder.empty() || *folder.begin() == ".." ? base.generic_string() + "/"
                                                                : folder.generic_string() + "/";
  return "no such file relative to the manifest's folder " + shown +
         ", but there is one relative to the working directory: the manifest was written with "
         "paths for the working directory (through a pipe, e.g. `| jq ... > " +
         shown + "m.jsonl`); write it with tinyprep's -o or `> " + shown +
         "m.jsonl`, which make paths relative to the manifest's folder";
}

void Sample::fail(const std::string& what) const {
  throw Error(source, line, what);
}

void Sample::warn(const std::string& what) const {
  tinyprep::warn(source, line, what);
}

std::string manifest_file(const std::string& name) {
  std::error_code ec;
  if (!is_stdio(name) && fs::is_directory(name, ec)) {
    fs::path file = fs::path(name) / "samples.jsonl";
    if (!fs::exists(file, ec)) throw Error(name, 0, "is a folder without samples.jsonl");
    return file.string();
  }
  return name;
}

std::optional<fs::path> manifest_dataset_dir(const std::string& name) {
  if (is_stdio(name)) return std::nullopt;
  fs::path folder = fs::absolute(manifest_file(name)).lexically_normal().parent_path();
  std::error_code ec;
  if (fs::exists(folder / "dataset.json", ec)) return folder;
  return std::nullopt;
}

std::string in_place_output(const std::string& name) {
  if (is_stdio(name)) throw usage_error("--in-place needs a manifest file or dataset folder");
  std::error_code ec;
  return fs::is_directory(name, ec) ? (fs::path(name) / "samples.jsonl").string() : name;
}

ManifestReader::ManifestReader(const std::string& name, bool allow_outside)
    : lines_(manifest_file(name)),
      dataset_dir_(manifest_dataset_dir(name)),
      allow_outside_(allow_outside) {
  base_ = lines_.is_stdin() ? fs::current_path()
                            : fs::absolute(manifest_file(name)).lexically_normal().parent_path();
}

bool ManifestReader::next(Sample& sample) {
  while (lines_.next(text_)) {
    size_t start = text_.find_first_not_of(" \t");
    if (start == std::string::npos) continue;
    Json parsed;
    try {
      if (!parse_json_fast(text_, parsed)) {
        check_json_depth(text_, lines_.name(), lines_.line_number());
        parsed = Json::parse(text_);
      }
    } catch (const Json::exception& e) {  // parse_error; out_of_range for a number like 1e400
      throw Error(lines_.name(), lines_.line_number(), "not JSON: " + json_error_text(e));
    }
    if (!parsed.is_object()) throw Error(lines_.name(), lines_.line_number(), "not a JSON object");
    if (!allow_outside_ && dataset_dir_)
      if (const std::string* path = outside_dataset(parsed))
        throw Error(lines_.name(), lines_.line_number(),
                    "path " + excerpt(*path, 80) +
                        " escapes the dataset folder (--allow-outside accepts it)");
    sample.json = std::move(parsed);
    sample.source = lines_.name();
    sample.line = lines_.line_number();
    sample.base = base_;
    return true;
  }
  return false;
}

const std::string* ManifestReader::outside_dataset(const Json& line) {
  if (!dataset_dir_) return nullptr;
  if (!bounds_) bounds_ = std::make_unique<FolderBounds>(*dataset_dir_);
  return bounds_->outside(line);
}

FolderBounds::FolderBounds(fs::path folder) : folder_(std::move(folder)) {
  std::error_code ec;
  real_folder_ = fs::canonical(folder_, ec);
  if (ec) real_folder_ = folder_;
}

const std::string* FolderBounds::outside(const Json& line) {
  // The fields of kPathFields: "path" and "features.path".
  auto check = [&](const Json& object) -> const std::string* {
    auto it = object.find("path");
    if (it == object.end() || !it->is_string()) return nullptr;
    const auto& path = it->get_ref<const std::string&>();
    return path.empty() || inside(path) ? nullptr : &path;
  };
  if (const std::string* path = check(line)) return path;
  auto features = line.find("features");
  return features != line.end() && features->is_object() ? check(*features) : nullptr;
}

bool FolderBounds::inside(const std::string& path) {
  std::string rel;
  if (plain_relative(path)) {
    rel = path;  // the common line: no lexically_normal() needed
  } else {
    if (escapes_folder(path)) return false;
    rel = fs::path(path).lexically_normal().generic_string();
  }
  // Lexically inside; a symbolic link on the way may still lead out. Look at each part (each
  // folder once), and resolve the whole path only when one is a link.
  const std::string root = folder_.string() + '/';
  for (size_t end = rel.find('/');; end = rel.find('/', end + 1)) {
    const bool last = end == std::string::npos;
    std::string prefix = rel.substr(0, last ? rel.size() : end);
    if (!last && plain_dirs_.count(prefix)) continue;
    std::error_code ec;
    const fs::file_status status = fs::symlink_status(fs::path(root + prefix), ec);
    // Nothing there: nothing to read outside either (the command reports the missing file).
    if (ec || !fs::exists(status)) return true;
    if (fs::is_symlink(status)) {
      fs::path real = fs::weakly_canonical(folder_ / rel, ec);
      if (ec) return false;
      fs::path within = real.lexically_relative(real_folder_);
      return !within.empty() && *within.begin() != "..";
    }
    if (last) return true;
    plain_dirs_.insert(std::move(prefix));
  }
}

void check_json_depth(std::string_view text, const std::string& path, long line) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth)
        throw Error(path, line,
                    "arrays and objects nested more than " + std::to_string(kMaxJsonDepth) +
                        " levels deep");
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
}

std::string rebase_path(const std::string& path, const fs::path& from, const fs::path& to) {
  if (from == to) return path;
  fs::path p = fs::path(path);
  if (p.is_absolute()) return path;
  fs::path abs = (fs::absolute(from) / p).lexically_normal();
  fs::path rel = abs.lexically_relative(fs::absolute(to).lexically_normal());
  if (rel.empty()) return abs.string();
  return rel.generic_string();
}

bool escapes_folder(const std::string& path) {
  fs::path p = fs::path(path);
  if (p.is_absolute() || p.has_root_name()) return true;
  fs::path norm = p.lexically_normal();
  return !norm.empty() && *norm.begin() == "..";
}

std::string dump_line(const Json& line) {
  return line.dump(-1, ' ', false, Json::error_handler_t::replace);
}

ManifestWriter::ManifestWriter(const std::string& name, bool force) : out_(name, force) {
  if (!is_stdio(name))
    base_ = fs::absolute(fs::path(name)).lexically_normal().parent_path();
  else if (auto file = stdout_file(name))  // `> other/m.jsonl` works as `-o other/m.jsonl`
    base_ = file->parent_path();
  else
    base_ = fs::current_path();  // a pipe or a terminal
}

void ManifestWriter::write(const Json& line) {
  buffer_ = dump_line(line);
  buffer_ += '\n';
  out_.write(buffer_);
  ++count_;
}

void ManifestWriter::write(const Sample& sample) {
  if (sample.base == base_ || sample.base.empty()) return write(sample.json);
  Json copy = sample.json;
  auto it = copy.find("path");
  if (it != copy.end() && it->is_string())
    *it = rebase_path(it->get<std::string>(), sample.base, base_);
  auto feat = copy.find("features");
  if (feat != copy.end() && feat->is_object()) {
    auto fp = feat->find("path");
    if (fp != feat->end() && fp->is_string())
      *fp = rebase_path(fp->get<std::string>(), sample.base, base_);
  }
  write(copy);
}

void append_manifest_line(const fs::path& manifest, const Json& line) {
  std::string text = dump_line(line) + "\n";
  int fd = ::open(manifest.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(manifest.string(), 0, std::string("cannot open: ") + strerror(errno));
  ssize_t n = ::write(fd, text.data(), text.size());
  int err = errno;
  bool ok = n == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) throw Error(manifest.string(), 0, std::string("cannot append: ") + strerror(err));
}

Json read_json_file(const std::string& path) {
  std::string text = read_file(path);
  check_json_depth(text, path, 0);
  try {
    return Json::parse(text);
  } catch (const Json::exception& e) {
    throw Error(path, 0, "not JSON: " + json_error_text(e));
  }
}

}  // namespace tinyprep
