// tinyprep report [MANIFEST|DIR|-] -o report.html: a dataset on one self-contained page.
#include <memory>

#include "command.h"
#include "core/parse.h"
#include "report/report.h"

namespace tinyprep {

RunFn setup_report(CLI::App& app) {
  struct Cli {
    ReportOptions run;
    std::string examples, max_embed_mb, jobs;
  };
  auto cli = std::make_shared<Cli>();
  ReportOptions& r = cli->run;
  app.description(
      "Write one self-contained HTML page about a dataset (inline CSS, pictures as data: URIs\n"
      "and inline SVG, no script, no network): samples per label x split, durations, histograms\n"
      "of rates, channels and lengths, the tinyprep steps recorded in the lines, groups found\n"
      "in two splits (leakage), the problems validate finds (exit 1 when it finds errors; the\n"
      "page is written all the same), and per label --examples samples: waveform, log-mel and\n"
      "a player for audio, a contact sheet for images, the axes of IMU CSV, a heat map of\n"
      "features.");
  app.add_option("MANIFEST", r.input, "manifest, dataset folder or - (default: stdin)");
  app.add_option("-o,--output", r.output, "the HTML file to write")->required();
  app.add_option("--examples", cli->examples, "samples shown per label (default 4)")
      ->type_name("N");
  app.add_option("--max-embed-mb", cli->max_embed_mb,
                 "audio embedded in the page up to this many MB in total, then linked by "
                 "relative path (default 20)")
      ->type_name("MB");
  app.add_option("-j,--jobs", cli->jobs, "threads for the checks (default 0: all cores)")
      ->type_name("N");
  app.add_option("--title", r.title,
                 "the page's title (default: dataset.json's name or the file name)");
  app.add_flag("--force", r.force, "replace an existing output");
  return [cli] {
    ReportOptions& o = cli->run;
    if (!cli->examples.empty()) o.examples = parse_number<int>(cli->examples, "--examples");
    if (!cli->max_embed_mb.empty())
      o.max_embed_mb = parse_number<double>(cli->max_embed_mb, "--max-embed-mb");
    if (!cli->jobs.empty()) o.jobs = parse_number<unsigned>(cli->jobs, "--jobs");
    return run_report(o);
  };
}

}  // namespace tinyprep
