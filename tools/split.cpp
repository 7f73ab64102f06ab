// tinyprep split [MANIFEST|DIR|-]: give every line a train / validation / test split.
#include "command.h"
#include "core/error.h"
#include "core/io.h"
#include "manifest/manifest.h"
#include "split/split_manifest.h"

namespace tinyprep {
namespace {

struct SplitCommandOptions {
  SplitOptions split;
  std::string ratios;
  std::string method = "hash";
  std::string output;
  bool in_place = false;
  CLI::Option* seed = nullptr;
  CLI::Option* group = nullptr;
  CLI::Option* name_field = nullptr;
};

const char* kSplitFooter = R"(
Methods:
  hash (default)   bucket = int(sha256(f"{seed}:{key}").hexdigest()[:16], 16) % 100_000_000,
                   key = the line's group (or --group FIELD), or its id without one;
                   bucket < VALIDATION x 10^6 -> validation, < (VALIDATION + TEST) x 10^6 ->
                   test, else train. A pure function of (key, seed, ratios): line order does
                   not matter, new lines never move old ones, a group never spans splits.
                   See docs/split.md.
  speech-commands  TensorFlow's which_set() from examples/speech_commands/input_data.py on the
                   file name of --name-field (default: path); --ratios default 80,10,10.
  --stratify       (hash only) reads every line first, then places whole groups so that each
                   label's counts follow the ratios (within one sample when groups allow).

Output: the manifest goes to stdout, or to -o FILE (atomic; --force replaces it), or back into
the input with --in-place. A label x split table goes to stderr. --json prints a JSON report on
stdout and therefore needs -o or --in-place for the manifest.
)";

int run_split(SplitCommandOptions& o) {
  SplitOptions& s = o.split;
  bool hash = o.method == "hash";
  s.method = hash ? SplitMethod::kHash : SplitMethod::kSpeechCommands;
  if (o.ratios.empty() && hash)
    throw usage_error("give --ratios TRAIN,VALIDATION,TEST, e.g. --ratios 80,10,10");
  s.ratios = parse_split_ratios(o.ratios.empty() ? "80,10,10" : o.ratios);
  if (!hash && s.stratify) throw usage_error("--stratify works with --method hash only");
  if (!hash && (o.seed->count() || o.group->count()))
    throw usage_error("--method speech-commands takes no --seed or --group");
  if (hash && o.name_field->count())
    throw usage_error("--name-field is for --method speech-commands");
  s.in_place = o.in_place;
  s.output = o.in_place ? in_place_output(s.input) : o.output.empty() ? "-" : o.output;
  if (s.json_report && is_stdio(s.output))
    throw usage_error(
        "--json prints the report on stdout: write the manifest with -o FILE or "
        "--in-place");
  split_manifest(s);
  return 0;
}

}  // namespace

RunFn setup_split(CLI::App& app) {
  auto o = std::make_shared<SplitCommandOptions>();
  SplitOptions& s = o->split;
  app.add_option("MANIFEST", s.input, "manifest file, dataset folder, or - for stdin (default)");
  app.add_option("--ratios", o->ratios, "TRAIN,VALIDATION,TEST percentages summing to 100");
  o->seed = app.add_option("--seed", s.seed, "seed of the hash split (default 0)");
  o->group = app.add_option("--group", s.group_field,
                            "field that keeps lines together in one split (default: group)");
  app.add_option("--method", o->method, "hash (default) or speech-commands")
      ->check(CLI::IsMember({"hash", "speech-commands"}));
  app.add_flag("--stratify", s.stratify, "hold every label's ratios, groups kept whole");
  app.add_flag("--keep-existing", s.keep_existing,
               "lines with a split keep it; new lines of their group join them");
  o->name_field = app.add_option("--name-field", s.name_field,
                                 "speech-commands: field holding the original file name");
  app.add_flag("--json", s.json_report, "print a JSON report on stdout (needs -o or --in-place)");
  auto out = app.add_option("-o,--output", o->output, "write the manifest to FILE");
  app.add_flag("--force", s.force, "replace an existing -o FILE");
  app.add_flag("--allow-outside", s.allow_outside,
               "accept a dataset's lines whose media lie outside its folder");
  app.add_flag("--in-place", o->in_place, "rewrite the input manifest (or DIR/samples.jsonl)")
      ->excludes(out);
  app.footer(std::string(kSplitFooter) + "\n" + app.get_footer());
  return [o] { return run_split(*o); };
}

}  // namespace tinyprep
