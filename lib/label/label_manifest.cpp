#include "label/label_manifest.h"

#include <algorithm>
#include <optional>
#include <set>

#include "core/diag.h"
#include "core/error.h"
#include "core/signals.h"
#include "manifest/dataset.h"

namespace tinyprep {
namespace {

// dataset.json's labels renamed in place (dropped ones removed), then new labels appended.
void update_label_list(const DatasetLock& lock, const LabelRules& rules,
                       const std::set<std::string>& written) {
  Dataset d = Dataset::open(lock.dir());
  std::vector<std::string> labels;
  auto add = [&](const std::string& l) {
    if (std::find(labels.begin(), labels.end(), l) == labels.end()) labels.push_back(l);
  };
  for (const auto& old : d.labels())
    if (auto now = rules.rename(old)) add(*now);
  for (const auto& l : written) add(l);
  if (labels == d.labels()) return;
  d.info()["labels"] = labels;
  d.save(lock);
  note(d.info_file().string() + ": label list updated");
}

}  // namespace

long label_manifest(LabelRules& rules, const LabelRunOptions& o) {
  // Held from the first read to the rename and dataset.json's save: a capture or import
  // appending meanwhile waits, instead of losing its lines to the replaced file.
  std::optional<DatasetLock> lock;
  if (o.in_place)
    if (auto dir = manifest_dataset_dir(o.input)) lock.emplace(*dir);
  ManifestWriter out(o.output, o.force || o.in_place);
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
  rules.check_unused();  // before the output is committed: a typo leaves nothing behind
  out.commit();
  if (lock) {
    update_label_list(*lock, rules, written);
    Dataset::open(lock->dir()).record_command(*lock);  // dataset.json's history
  }
  if (out.count() == 0) warn("every line was dropped: the output is empty");
  note(std::to_string(read) + " lines read, " + std::to_string(rules.changed()) + " relabelled, " +
       std::to_string(rules.dropped()) + " dropped, " + std::to_string(out.count()) + " written");
  return out.count();
}

}  // namespace tinyprep
