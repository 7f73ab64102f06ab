#include "export/export_input.h"

#include <unistd.h>

#include "core/error.h"
#include "core/io.h"

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

SampleArray load_features(const Sample& s) {
  const Json& f = s.json["features"];
  std::string path = s.resolve(f["path"].get<std::string>()).string();
  NpyArray a;
  try {
    a = read_npy(path);
  } catch (const Error& e) {
    s.fail("features of '" + s.id() + "': " + e.located());
  }
  auto declared = f.find("shape");
  if (declared != f.end() && declared->is_array()) {
    std::vector<size_t> shape;
    for (const auto& d : *declared)
      if (d.is_number_unsigned()) shape.push_back(d.get<size_t>());
    if (shape != a.shape)
      s.fail("features of '" + s.id() + "': " + path + " has shape " + shape_text(a.shape) +
             " but the line says " + shape_text(shape));
  }
  return {a.dtype, std::move(a.shape), std::move(a.data)};
}

}  // namespace tinyprep
