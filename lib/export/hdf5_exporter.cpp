// Hdf5Exporter: one HDF5 file written through the HDF5 plugin (hdf5_writer.h).
#include <filesystem>

#include "core/diag.h"
#include "core/staged_file.h"
#include "export/exporter.h"
#include "export/hdf5_writer.h"

namespace tinyprep {
namespace fs = std::filesystem;
namespace {

bool same_name(const std::string& file, const void* context) {
  return file == *static_cast<const std::string*>(context);
}

class Hdf5Exporter final : public Exporter {
 public:
  explicit Hdf5Exporter(const ExportOptions& o) : o_(o) {}

  void describe(ExportInfo& info) const override { info.hdf5_gzip = o_.hdf5_gzip; }

  void open(const ExportInfo&, const ManifestScan&) override {
    Hdf5Options h;
    h.gzip = o_.hdf5_gzip;
    h.threads = o_.jobs;
    std::string file = fs::path(o_.out).filename().string();
    if (size_t n = remove_stale_temps(fs::path(o_.out).parent_path().string(), same_name, &file))
      note(o_.out, 0,
           "removed " + std::to_string(n) + " temporary files of an earlier, killed run");
    hdf5_ = open_hdf5_writer(o_.out, h, o_.force);
  }

  void write(LoadedSample& sample) override {
    const SampleArray& a = sample.array;
    if (!o_.image_encoding.empty())
      hdf5_->append_encoded(sample.split, a.data, sample.label_index, sample.id);
    else
      hdf5_->append(sample.split, a.dtype, a.shape, a.data.data(), sample.label_index, sample.id);
  }

  void publish(const ExportInfo& info) override {
    hdf5_->set_attributes(info.label_names, info.feature_config.dump(), o_.tinyprep_version,
                          o_.command, tinyprep_json(info));
    hdf5_->publish();
  }

  std::vector<std::string> files() const override { return {o_.out}; }

 private:
  const ExportOptions& o_;
  std::unique_ptr<Hdf5Writer> hdf5_;
};

}  // namespace

std::unique_ptr<Exporter> make_hdf5_exporter(const ExportOptions& options) {
  return std::make_unique<Hdf5Exporter>(options);
}

}  // namespace tinyprep
