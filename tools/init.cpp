// tinyprep init DIR: make an empty dataset folder.
#include <algorithm>
#include <filesystem>

#include "command.h"
#include "core/diag.h"
#include "manifest/dataset.h"

namespace tinyprep {
namespace {

struct InitOptions {
  std::string dir;
  std::string name;
  std::string modality;
  std::string description;
  std::string license;
  std::vector<std::string> labels;
  bool force = false;
};

int run_init(const InitOptions& o) {
  for (const auto& label : o.labels) check_label(label, "--labels");
  // Under the dataset's lock, so that of two inits (or an init and an import or capture) one
  // makes the dataset and the other sees it whole.
  Json fields = Json::object();
  if (!o.modality.empty()) fields["modality"] = o.modality;
  if (!o.description.empty()) fields["description"] = o.description;
  if (!o.license.empty()) fields["license"] = o.license;
  Json labels = Json::array();
  for (const auto& label : o.labels)
    if (std::find(labels.begin(), labels.end(), label) == labels.end()) labels.push_back(label);
  fields["labels"] = labels;
  DatasetLock lock(o.dir);
  std::string name = o.name.empty() ? lock.dir().filename().string() : o.name;  // "kws/": "kws"
  if (name.empty()) name = "dataset";
  Dataset::create(lock, name, o.force, fields);
  note("made dataset '" + name + "' in " + o.dir);
  return 0;
}

}  // namespace

RunFn setup_init(CLI::App& app) {
  auto o = std::make_shared<InitOptions>();
  app.add_option("DIR", o->dir, "folder to make (created when missing)")->required();
  app.add_option("--name", o->name, "dataset name (default: the folder's name)");
  app.add_option("--modality", o->modality, "audio, image or imu")
      ->check(CLI::IsMember({"audio", "image", "imu"}));
  app.add_option("--description", o->description, "one-line description");
  app.add_option("--license", o->license, "license of the recordings, e.g. CC-BY-4.0");
  app.add_option("--labels", o->labels, "ordered label list, comma-separated")->delimiter(',');
  app.add_flag("--force", o->force, "reset dataset.json of an existing dataset");
  return [o] { return run_init(*o); };
}

}  // namespace tinyprep
