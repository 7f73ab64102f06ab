// tinyprep stats [MANIFEST|DIR|-]: counts per label and split, durations, rates, sizes.
#include <cstdio>

#include "command.h"
#include "inspect/stats.h"

namespace tinyprep {

RunFn setup_stats(CLI::App& app) {
  struct Options {
    std::string input = "-";
    bool json = false;
  };
  auto o = std::make_shared<Options>();
  app.description(
      "A table of sample counts per label x split, total audio duration, and histograms of\n"
      "sample rates, channels, image sizes and CSV shapes. Reads only the manifest lines.");
  app.add_option("MANIFEST", o->input, "manifest file, dataset folder or '-' (stdin)");
  app.add_flag("--json", o->json, "machine-readable output");
  return [o] {
    DatasetStats stats = compute_stats(o->input);
    std::string text = o->json ? stats.to_json().dump(2) + "\n" : stats.table();
    std::fwrite(text.data(), 1, text.size(), stdout);
    return 0;
  };
}

}  // namespace tinyprep
