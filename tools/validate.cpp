// tinyprep validate [MANIFEST|DIR|-]: check a manifest and every file it names.
#include <cstdio>

#include "command.h"
#include "core/diag.h"
#include "inspect/validate.h"

namespace tinyprep {
namespace {

struct Options {
  ValidateOptions validate;
  std::string expect, shard;
  bool json = false;
  bool quick = false;
};

int run_validate(Options& o) {
  if (!o.expect.empty()) o.validate.expect = Expectation::parse(o.expect);
  o.validate.check_media = !o.quick;
  if (!o.shard.empty()) o.validate.shard = parse_shard(o.shard);
  ValidateReport report = validate_manifest(o.validate);
  if (o.json) {
    std::string text = report.to_json().dump(2) + "\n";
    std::fwrite(text.data(), 1, text.size(), stdout);
  } else {
    for (const auto& p : report.problems) {
      if (p.error)
        std::fprintf(stderr, "%s: %s\n", diag_program().c_str(), p.text().c_str());
      else
        std::fprintf(stderr, "%s: warning: %s\n", diag_program().c_str(), p.text().c_str());
    }
    std::fprintf(stderr, "%s: %ld samples, %ld errors, %ld warnings\n", diag_program().c_str(),
                 report.samples, report.errors(), report.warnings());
  }
  return report.errors() ? 1 : 0;
}

}  // namespace

RunFn setup_validate(CLI::App& app) {
  auto o = std::make_shared<Options>();
  app.description(
      "Check a manifest: schema, missing files, sha256 mismatches, duplicate ids, duplicate\n"
      "content (under two labels: an error; under one: a warning), unreadable media, and format\n"
      "drift against dataset.json's format or --expect (sample rate, stereo, length, clipping,\n"
      "all-zero audio, mixed image sizes). One line per problem; exit 1 when any is an error.\n\n"
      "--shard K/N: worker K of N checks the lines whose id it takes (a hash of the id; a line\n"
      "without an id is worker 0's); N workers together report each line's problems once.\n"
      "Checks across lines: duplicate ids are whole (one id is one worker's); duplicate content\n"
      "compares the worker's files with the recorded sha256 of every line; the manifest's own\n"
      "problems (dataset.json, unreferenced feature parts, no samples) are worker 0's; mixed\n"
      "sample rates and image sizes are judged among the worker's lines only.");
  app.add_option("MANIFEST", o->validate.input, "manifest file, dataset folder or '-' (stdin)");
  app.add_option("--expect", o->expect,
                 "expected format: rate=16000,channels=1,length-ms=1000,tolerance-ms=0,"
                 "size=96x96,image-channels=1");
  app.add_flag("--quick", o->quick, "check existence and hashes only, do not decode media");
  app.add_flag("--json", o->json, "machine-readable report on stdout");
  app.add_option("-j,--jobs", o->validate.jobs, "threads (default: all cores)");
  app.add_option("--shard", o->shard, "worker K of N: check only the lines whose id it takes")
      ->type_name("K/N");
  return [o] { return run_validate(*o); };
}

}  // namespace tinyprep
