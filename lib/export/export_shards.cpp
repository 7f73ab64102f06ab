// Sharded TFRecord exports: the worker files, and `export finalize` joining the workers'
// shards into one TFDS-named set.
#include "export/export_shards.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <vector>

#include "core/diag.h"
#include "core/error.h"
#include "core/io.h"
#include "core/signals.h"
#include "core/staged_file.h"
#include "export/export.h"
#include "export/tfrecord.h"

namespace tinyprep {
namespace fs = std::filesystem;

namespace {

constexpr const char* kPlanFile = ".finalize-plan.json";

// A decimal number without sign or leading zeros, as worker file names carry K and N.
std::optional<uint32_t> whole_number(std::string_view text) {
  if (text.empty() || text.size() > 7 || (text.size() > 1 && text[0] == '0')) return {};
  uint32_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return {};
    n = n * 10 + static_cast<uint32_t>(c - '0');
  }
  return n;
}

// "K of N", as messages name a worker.
std::string worker_words(uint32_t k, uint32_t n) {
  return "worker " + std::to_string(k) + " of " + std::to_string(n);
}

}  // namespace

std::string worker_file_name(uint32_t worker, uint32_t workers) {
  return "worker-" + std::to_string(worker) + "-of-" + std::to_string(workers) + ".json";
}

std::optional<std::pair<uint32_t, uint32_t>> parse_worker_file_name(const std::string& file) {
  std::string_view f(file);
  if (!f.starts_with("worker-") || !f.ends_with(".json")) return {};
  f = f.substr(7, f.size() - 12);
  size_t of = f.find("-of-");
  if (of == std::string_view::npos) return {};
  auto k = whole_number(f.substr(0, of));
  auto n = whole_number(f.substr(of + 4));
  if (!k || !n || *k >= *n) return {};
  return std::make_pair(*k, *n);
}

namespace {

// True when `file` ends with `pattern`, each '0' of the pattern standing for any digit.
bool ends_with_digits_like(const std::string& file, std::string_view pattern) {
  if (file.size() <= pattern.size()) return false;
  std::string_view tail = std::string_view(file).substr(file.size() - pattern.size());
  for (size_t i = 0; i < pattern.size(); ++i) {
    bool digit = tail[i] >= '0' && tail[i] <= '9';
    if (pattern[i] == '0' ? !digit : tail[i] != pattern[i]) return false;
  }
  return true;
}

}  // namespace

bool tfrecord_set_file(const std::string& file) {
  if (file == "dataset_info.json" || file == "features.json" || file == "tinyprep.json" ||
      file.ends_with(".labels.txt"))
    return true;
  return ends_with_digits_like(file, ".tfrecord-00000-of-00000");
}

bool worker_set_file(const std::string& file) {
  // "<name>-<split>.tfrecord-w00001of00003-00000", or the worker's metadata
  return parse_worker_file_name(file) ||
         ends_with_digits_like(file, ".tfrecord-w00000of00000-00000");
}

std::string worker_json(const ExportInfo& info) {
  Json files = Json::object();
  uint64_t examples = 0;
  for (const auto& s : info.splits) {
    Json list = Json::array();
    for (size_t i = 0; i < s.shard_files.size(); ++i)
      list.push_back({{"file", s.shard_files[i]},
                      {"examples", s.shard_lengths.at(i)},
                      {"num_bytes", s.shard_bytes.at(i)},
                      {"bytes", s.file_bytes.at(i)}});
    files[s.name] = list;
    examples += s.count;
  }
  Json j = {
      {"tinyprep_worker", 1},
      {"worker", info.worker},
      {"workers", info.workers},
      {"name", info.name},
      {"options_hash", info.options_hash},
      {"examples", examples},
      {"dataset",
       {{"description", info.description}, {"license", info.license}, {"version", info.version}}},
      {"files", files},
      {"export", Json::parse(tinyprep_json(info))}};
  return j.dump(2) + "\n";
}

namespace {

// One worker's file, read and checked.
struct Worker {
  uint32_t k = 0;
  std::string path;
  Json doc;
};

Worker read_worker(const fs::path& dir, uint32_t k, uint32_t n) {
  Worker w;
  w.k = k;
  w.path = (dir / worker_file_name(k, n)).string();
  try {
    w.doc = Json::parse(read_file(w.path));
    const Json& d = w.doc;
    if (!d.is_object() || d.value("tinyprep_worker", 0) != 1 || d.at("worker") != k ||
        d.at("workers") != n || !d.at("files").is_object() || !d.at("export").is_object() ||
        !d.at("name").is_string() || !d.at("options_hash").is_string())
      throw Error(w.path, 0, "not a worker file of `tinyprep export tfrecord --shard`");
  } catch (const Json::exception& e) {
    throw Error(
        w.path, 0,
        std::string("not a worker file of `tinyprep export tfrecord --shard`: ") + e.what());
  }
  return w;
}

// The plan: every rename and file finalize makes, written before the first change.
Json make_plan(const fs::path& dir, const std::string& command, const std::string& version) {
  std::error_code ec;
  // Worker files by N.
  std::map<uint32_t, std::set<uint32_t>> found;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (auto kn = parse_worker_file_name(entry.path().filename().string()))
      found[kn->second].insert(kn->first);
  if (found.empty()) {
    if (fs::exists(dir / "dataset_info.json", ec))
      throw Error(dir.string(), 0,
                  "has no worker-K-of-N.json: nothing to finalize (dataset_info.json is there: "
                  "already finalized?)");
    throw Error(dir.string(), 0,
                "has no worker-K-of-N.json: no worker of `export tfrecord --shard K/N` has "
                "finished here");
  }
  if (found.size() > 1) {
    auto a = found.begin(), b = std::next(a);
    throw Error(dir.string(), 0,
                "holds the workers of two different exports: " +
                    worker_file_name(*a->second.begin(), a->first) + " and " +
                    worker_file_name(*b->second.begin(), b->first));
  }
  const uint32_t n = found.begin()->first;
  for (uint32_t k = 0; k < n; ++k)
    if (!found.begin()->second.count(k))
      throw Error(dir.string(), 0,
                  worker_words(k, n) + " has not finished: no " + worker_file_name(k, n));

  std::vector<Worker> workers;
  for (uint32_t k = 0; k < n; ++k) workers.push_back(read_worker(dir, k, n));
  // One export: the same name, feature config, labels and options in every worker.
  const Worker& w0 = workers[0];
  const Worker* ref = nullptr;  // the first worker that exported anything (dtype, shape)
  for (const auto& w : workers) {
    auto differ = [&](const char* what, const Json& a, const Json& b) {
      if (a == b) return;
      throw Error(w.path, 0,
                  worker_words(w.k, n) + " and worker 0 are of two different exports: " + what +
                      " " + a.dump() + " vs " + b.dump());
    };
    const Json& e = w.doc["export"];
    differ("name", w.doc["name"], w0.doc["name"]);
    differ("feature config", e.value("feature_config", Json()),
           w0.doc["export"].value("feature_config", Json()));
    differ("labels", e.value("label_names", Json()), w0.doc["export"].value("label_names", Json()));
    differ("options (hash)", w.doc["options_hash"], w0.doc["options_hash"]);
    std::vector<std::string> a, b;
    for (const auto& [split, _] : w.doc["files"].items()) a.push_back(split);
    for (const auto& [split, _] : w0.doc["files"].items()) b.push_back(split);
    differ("splits", Json(a), Json(b));
    if (w.doc.value("examples", 0) == 0) continue;
    if (!ref) {
      ref = &w;
    } else {
      // Encoded images may differ in size: then only their dtype and encoding must agree.
      auto kind = [](Json x) {
        std::string encoding = x.is_object() ? x.value("encoding", "") : "";
        if (encoding == "png" || encoding == "jpeg") x.erase("shape");
        return x;
      };
      differ("x", kind(e.value("x", Json())), kind(ref->doc["export"].value("x", Json())));
    }
  }
  if (!ref) ref = &w0;

  // Every shard is there with the size its worker wrote.
  const std::string name = w0.doc["name"];
  std::vector<std::string> splits;
  for (const auto& [split, _] : w0.doc["files"].items()) splits.push_back(split);
  std::sort(splits.begin(), splits.end(), split_order_less);
  for (const auto& w : workers)
    for (const auto& split : splits)
      for (const auto& f : w.doc["files"][split]) {
        fs::path p = dir / f.at("file").get<std::string>();
        uint64_t want = f.at("bytes").get<uint64_t>();
        if (!fs::exists(p, ec))
          throw Error(p.string(), 0,
                      "is missing: " + worker_words(w.k, n) + " wrote it (" +
                          fs::path(w.path).filename().string() + ")");
        uint64_t size = fs::file_size(p, ec);
        if (ec || size != want)
          throw Error(p.string(), 0,
                      "has " + std::to_string(size) + " bytes but " + worker_words(w.k, n) +
                          " wrote " + std::to_string(want));
      }

  // The finalized export's description: the reference worker's, with the splits summed.
  const Json& re = ref->doc["export"];
  ExportInfo info = export_info_from_json(re, ref->path);
  const Json& ds = ref->doc["dataset"];
  info.description = ds.value("description", "");
  info.license = ds.value("license", "");
  info.version = ds.value("version", info.version);
  info.feature_config = re.value("feature_config", Json());
  info.provenance = re.value("provenance", Json::object());
  info.provenance["export"]["workers"] = n;
  info.provenance["finalize"] = {{"command", command}, {"tinyprep_version", version}};
  info.order = re.value("order", Json());
  info.order["workers"] = n;
  info.order["by_worker"] =
      "each worker's examples in this order; worker 0's shards first, then worker 1's, ...";
  Json renames = Json::array();
  std::set<std::string> targets;
  info.splits.clear();
  for (const auto& split : splits) {
    SplitInfo si;
    si.name = split;
    size_t total = 0;
    for (const auto& w : workers) total += w.doc["files"][split].size();
    size_t i = 0;
    for (const auto& w : workers)
      for (const auto& f : w.doc["files"][split]) {
        std::string to = shard_file_name(name, split, i++, total);
        renames.push_back({f.at("file"), to});
        targets.insert(to);
        si.shard_lengths.push_back(f.at("examples").get<uint64_t>());
        si.num_bytes += f.at("num_bytes").get<uint64_t>();
        si.count += f.at("examples").get<uint64_t>();
      }
    info.splits.push_back(si);
  }
  Json metadata = Json::array();
  auto add = [&](const std::string& file, const std::string& text) {
    metadata.push_back({file, text});
    targets.insert(file);
  };
  add(info.keys.label + ".labels.txt", labels_txt(info));
  add("features.json", features_json(info));
  add("tinyprep.json", tinyprep_json(info));
  add("dataset_info.json", dataset_info_json(info));  // last: it marks a complete export
  // The files of an earlier export in the folder, which this one replaces.
  Json remove_first = Json::array();
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string file = entry.path().filename().string();
    if (tfrecord_set_file(file) && !targets.count(file)) remove_first.push_back(file);
  }
  Json remove_last = Json::array();
  for (uint32_t k = 0; k < n; ++k) {
    remove_last.push_back(worker_file_name(k, n));
    remove_last.push_back("." + fs::path(worker_file_name(k, n)).stem().string() + ".lock");
  }
  return {{"tinyprep_finalize_plan", 1},
          {"workers", n},
          {"examples",
           [&] {
             Json c = Json::object();
             for (const auto& s : info.splits) c[s.name] = s.count;
             return c;
           }()},
          {"remove_first", remove_first},
          {"renames", renames},
          {"metadata", metadata},
          {"remove_last", remove_last}};
}

void remove_if_there(const fs::path& p) {
  std::error_code ec;
  if (!fs::remove(p, ec) && ec) throw Error(p.string(), 0, "cannot remove: " + ec.message());
}

// Carries out a plan; every step can be done again after a kill.
void run_plan(const fs::path& dir, const Json& plan) {
  for (const auto& f : plan.at("remove_first")) remove_if_there(dir / f.get<std::string>());
  std::error_code ec;
  for (const auto& r : plan.at("renames")) {
    check_interrupted();
    fs::path from = dir / r.at(0).get<std::string>(), to = dir / r.at(1).get<std::string>();
    if (fs::exists(from, ec)) {
      fs::rename(from, to, ec);
      if (ec)
        throw Error(from.string(), 0, "cannot rename to " + to.string() + ": " + ec.message());
    } else if (!fs::exists(to, ec)) {
      throw Error(from.string(), 0,
                  "is missing, and so is its finalized name " + to.filename().string() +
                      " (was it removed during the finalize?)");
    }
  }
  sync_folder(dir.string());
  for (const auto& m : plan.at("metadata")) {
    StagedFile f((dir / m.at(0).get<std::string>()).string());
    f.write(m.at(1).get<std::string>());
    f.commit();
  }
  sync_folder(dir.string());
  for (const auto& f : plan.at("remove_last")) remove_if_there(dir / f.get<std::string>());
  remove_if_there(dir / kPlanFile);
  sync_folder(dir.string());
}

}  // namespace

void finalize_export(const std::string& dir_name, const std::string& command,
                     const std::string& tinyprep_version) {
  fs::path dir(dir_name);
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw Error(dir_name, 0, "is not a folder (finalize takes the folder the workers wrote into)");
  FolderLock lock(dir_name, "another export or finalize is writing into this folder");
  // No worker may still be writing: each holds its own lock file.
  std::vector<std::unique_ptr<FolderLock>> worker_locks;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string file = entry.path().filename().string();
    if (!file.starts_with(".worker-") || !file.ends_with(".lock")) continue;
    auto kn = parse_worker_file_name(file.substr(1, file.size() - 6) + ".json");
    if (!kn) continue;
    FolderLock::Options o;
    o.lock_file = file;
    o.busy = worker_words(kn->first, kn->second) + " is still running (it holds " + file + ")";
    worker_locks.push_back(std::make_unique<FolderLock>(dir_name, o));
  }
  if (size_t n = remove_stale_temps(
          dir_name,
          [](const std::string& f, const void*) { return f == kPlanFile || tfrecord_set_file(f); },
          nullptr))
    note(dir_name, 0,
         "removed " + std::to_string(n) + " temporary files of an earlier, killed run");
  fs::path plan_path = dir / kPlanFile;
  Json plan;
  if (fs::exists(plan_path, ec)) {
    try {
      plan = Json::parse(read_file(plan_path.string()));
    } catch (const Json::exception& e) {
      throw Error(plan_path.string(), 0, std::string("not a finalize plan: ") + e.what());
    }
    note(dir_name, 0,
         std::string("completing the finalize that an earlier run began (") + kPlanFile + ")");
  } else {
    plan = make_plan(dir, command, tinyprep_version);
    StagedFile f(plan_path.string());
    f.write(plan.dump() + "\n");
    f.commit();
    sync_folder(dir_name);
  }
  check_interrupted();
  run_plan(dir, plan);
  std::string counts;
  uint64_t total = 0;
  for (const auto& [split, c] : plan.at("examples").items()) {
    counts += (counts.empty() ? "" : ", ") + split + " " + c.dump();
    total += c.get<uint64_t>();
  }
  note("", 0,
       "finalized " + std::to_string(total) + " examples (" + counts + ") of " +
           plan.at("workers").dump() + " workers in " + dir_name + ": " +
           std::to_string(plan.at("renames").size()) + " shards");
}

}  // namespace tinyprep
