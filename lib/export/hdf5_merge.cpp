// `tinyprep merge`: HDF5 parts of a sharded export (the checks here, the file in the plugin),
// and manifests.
#include "export/hdf5_merge.h"

#include <filesystem>
#include <map>
#include <set>
#include <unordered_map>

#include "core/diag.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/plugin.h"
#include "core/signals.h"
#include "export/export_info.h"
#include "export/hdf5_writer.h"
#include "manifest/manifest.h"

#ifndef TINYPREP_HDF5_PLUGIN_BUILD_PATH
#define TINYPREP_HDF5_PLUGIN_BUILD_PATH ""
#endif

namespace tinyprep {
namespace fs = std::filesystem;
namespace {

// What every part's x must share: dtype and shape; for encoded images (which may differ in
// size) the dtype and encoding.
Json x_kind(const Json& doc) {
  Json x = doc.value("x", Json::object());
  std::string encoding = x.is_object() ? x.value("encoding", "") : "";
  if (encoding == "png" || encoding == "jpeg") x.erase("shape");
  return x;
}

}  // namespace

void merge_hdf5(const Hdf5MergeOptions& o) {
  if (o.parts.empty()) throw usage_error("merge needs the parts to join");
  if (o.out.empty()) throw usage_error("-o OUT is required");
  std::error_code ec;
  fs::path out_abs = fs::absolute(o.out);
  std::set<fs::path> seen_paths;
  std::vector<Json> docs;
  for (const auto& part : o.parts) {
    if (!fs::is_regular_file(part, ec)) throw Error(part, 0, "no such file");
    if (fs::equivalent(part, o.out, ec))
      throw usage_error("-o " + o.out + " is one of the parts; write the merge elsewhere");
    if (!seen_paths.insert(fs::weakly_canonical(part, ec)).second)
      throw usage_error(part + " is given twice");
    try {
      docs.push_back(Json::parse(read_hdf5_root_attribute(part, "tinyprep_json")));
    } catch (const Json::exception& e) {
      throw Error(part, 0, std::string("its tinyprep_json attribute is not JSON: ") + e.what());
    }
    const Json& d = docs.back();
    if (!d.is_object() || d.value("format", "") != "hdf5")
      throw Error(part, 0, "is not an HDF5 export of tinyprep");
  }
  // One export: the same name, labels and feature config; the same x where there are rows.
  const Json& d0 = docs[0];
  const Json* ref = nullptr;  // the first part with examples
  std::map<uint32_t, std::string> workers;
  std::optional<uint32_t> worker_count;
  Json examples = Json::object();
  for (size_t i = 0; i < docs.size(); ++i) {
    const Json& d = docs[i];
    auto differ = [&](const char* what, const char* key) {
      Json a = d.value(key, Json()), b = d0.value(key, Json());
      if (a != b)
        throw Error(o.parts[i], 0,
                    std::string("is not a part of the export ") + o.parts[0] + " is: " + what +
                        " " + a.dump() + " vs " + b.dump());
    };
    differ("name", "name");
    differ("labels", "label_names");
    differ("feature config", "feature_config");
    differ("compression", "compression");
    uint64_t rows = 0;
    const Json part_splits = d.value("splits", Json::object());
    for (const auto& [split, s] : part_splits.items()) {
      uint64_t n = s.value("examples", uint64_t{0});
      rows += n;
      examples[split] = examples.value(split, uint64_t{0}) + n;
    }
    if (rows) {
      if (!ref)
        ref = &d;
      else if (x_kind(d) != x_kind(*ref))
        throw Error(o.parts[i], 0,
                    "is not a part of the export the others are: x " + x_kind(d).dump() + " vs " +
                        x_kind(*ref).dump());
    }
    if (d.contains("shard")) {
      uint32_t k = d["shard"].value("worker", 0u), n = d["shard"].value("workers", 1u);
      if (worker_count && *worker_count != n)
        throw Error(o.parts[i], 0,
                    "is worker " + std::to_string(k) + " of " + std::to_string(n) +
                        ", but the other parts are of " + std::to_string(*worker_count) +
                        " workers: not one export");
      worker_count = n;
      auto [it, fresh] = workers.emplace(k, o.parts[i]);
      if (!fresh)
        throw Error(o.parts[i], 0,
                    "is worker " + std::to_string(k) + " of " + std::to_string(n) + ", and so is " +
                        it->second);
    }
  }
  if (worker_count && workers.size() != *worker_count)
    for (uint32_t k = 0; k < *worker_count; ++k)
      if (!workers.count(k))
        warn(o.out, 0,
             "worker " + std::to_string(k) + " of " + std::to_string(*worker_count) +
                 "'s part is not among those merged: its rows are missing");
  if (!ref) ref = &d0;
  Json merged = *ref;
  merged.erase("shard");
  Json splits = Json::object();
  for (const auto& [split, n] : examples.items()) splits[split] = {{"examples", n}};
  merged["splits"] = splits;
  if (merged["order"].is_object())
    merged["order"]["by_part"] = "each part's rows in this order, the parts in the order merged";
  Json parts = Json::array();
  for (const auto& p : o.parts) parts.push_back(p);
  merged["provenance"]["merge"] = {{"command", o.command},
                                   {"tinyprep_version", o.tinyprep_version},
                                   {"parts", parts},
                                   {"virtual", o.virtual_dataset}};
  if (worker_count) merged["provenance"]["export"]["workers"] = *worker_count;

  Hdf5MergeRequest r;
  r.parts = o.parts;
  r.out = o.out;
  r.virtual_dataset = o.virtual_dataset;
  r.force = o.force;
  r.tinyprep_json = merged.dump(2) + "\n";
  // A virtual dataset names its sources relative to its own folder, so the parts and the
  // merged file can move together.
  for (const auto& p : o.parts)
    r.sources.push_back(fs::absolute(p).lexically_relative(out_abs.parent_path()).string());
  static auto merge = reinterpret_cast<Hdf5Merge>(
      plugin_symbol("libtinyprep_hdf5.so", "TINYPREP_HDF5_PLUGIN", TINYPREP_HDF5_PLUGIN_BUILD_PATH,
                    kHdf5MergeSymbol, "HDF5 merge"));
  merge(r);
  std::string counts;
  uint64_t total = 0;
  for (const auto& [split, n] : examples.items()) {
    counts += (counts.empty() ? "" : ", ") + split + " " + n.dump();
    total += n.get<uint64_t>();
  }
  note("", 0,
       "merged " + std::to_string(o.parts.size()) + " parts into " + o.out + ": " +
           std::to_string(total) + " examples (" + counts + ")" +
           (o.virtual_dataset ? ", as virtual datasets referencing the parts" : ""));
}

long merge_manifests(const std::vector<std::string>& inputs, const std::string& out, bool force) {
  if (inputs.empty()) throw usage_error("merge needs the manifests to join");
  struct Seen {
    size_t input;
    long line;
    std::string digest;
  };
  std::unordered_map<std::string, Seen> seen;
  ManifestWriter writer(out, force);
  long repeated = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    ManifestReader reader(inputs[i]);
    Sample s;
    while (reader.next(s)) {
      if ((s.line & 4095) == 0) check_interrupted();
      // The line as the output has it: paths relative to the output's folder.
      Json line = s.json;
      if (auto p = line.find("path"); p != line.end() && p->is_string())
        *p = rebase_path(p->get<std::string>(), s.base, writer.base());
      if (auto f = line.find("features"); f != line.end() && f->is_object())
        if (auto p = f->find("path"); p != f->end() && p->is_string())
          *p = rebase_path(p->get<std::string>(), s.base, writer.base());
      std::string text = dump_line(line);
      std::string id = s.id();
      auto [it, fresh] = seen.try_emplace(id, Seen{i, s.line, sha256_hex(text)});
      if (!fresh) {
        if (it->second.digest == sha256_hex(text)) {
          ++repeated;
          continue;
        }
        throw Error(s.source, s.line,
                    "id '" + id + "' is also on line " + std::to_string(it->second.line) + " of " +
                        display_name(inputs[it->second.input]) +
                        ", with different content: ids must be unique");
      }
      writer.write(line);
    }
  }
  writer.commit();
  note("", 0,
       "merged " + std::to_string(inputs.size()) + " manifests: " + std::to_string(writer.count()) +
           " lines" +
           (repeated ? "; " + std::to_string(repeated) +
                           " repeated lines (same id, same content) "
                           "kept once"
                     : ""));
  return writer.count();
}

}  // namespace tinyprep
