#include "label/label_manifest.h"

#include <algorithm>
#include <set>

#include "core/diag.h"
#include "core/error.h"
#include "core/signals.h"
#include "manifest/dataset.h"

namespace tinyprep {
namespace {

// dataset.json's labels renamed in place (dropped ones removed), then new labels appended.
void update_label_list(const std::filesystem::path& dir, const LabelRules& rules,
                       const std::set<std::string>& written) {
  Dataset d = Dataset::open(dir);
  std::vector<std::string> labels;
  auto add = [&](const std::string& l) {
    if (std::find(labels.begin(), labels.end(), l) == labels.end()) labels.push_back(l);
  };
  for (const auto& old : d.labels())
    if (auto now = rules.rename(old)) add(*now);
  for (const auto& l : written) add(l);
  if (labels == d.labels()) return;
  d.info()["labels"] = labels;
  d.save();
  note(d.info_file().string() + ": label list updated");
}

}  // namespace

long label_manifest(LabelRules& rules, const LabelRunOptions& o) {
  ManifestWriter out(o.output, o.force);
  ManifestReader in(o.input, o.allow_outside);
  std::set<std::string> written;
  long read = 0;
  for (Sample s; in.next(s);) {
    check_interrupted();
    ++read;
    if (!rules.apply(s)) continue;
    std::string label = s.label();
    if (!label.empty()) written.insert(label);
    out.write(s);
  }
  if (read == 0) throw Error(in.name(), 0, "has no samples: nothing to label");
  out.commit();
  if (o.update_dataset && in.dataset_dir()) update_label_list(*in.dataset_dir(), rules, written);
  rules.warn_unused();
  if (out.count() == 0) warn("every line was dropped: the output is empty");
  note(std::to_string(read) + " lines read, " + std::to_string(rules.changed()) + " relabelled, " +
       std::to_string(rules.dropped()) + " dropped, " + std::to_string(out.count()) + " written");
  return out.count();
}

}  // namespace tinyprep
