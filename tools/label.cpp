// tinyprep label [MANIFEST|DIR|-]: rename, set, fold and filter labels line by line.
#include "command.h"
#include "core/error.h"
#include "label/label_manifest.h"
#include "manifest/manifest.h"

namespace tinyprep {
namespace {

struct LabelCommandOptions {
  LabelOptions rules;
  LabelRunOptions run;
  std::string output;
  bool in_place = false;
};

const char* kLabelFooter = R"(
The rules apply to each line in this order: --from-path, --set (--where), --map / --map-file
(once, not chained), --unknown, then --keep and --drop on the resulting label. Lines without a
label are left alone, except that --keep drops them. A label in --keep, --drop or --map that no
line has is an error (exit 1) naming the labels present, before any output is written;
--allow-missing makes it a warning. A --map-file entry, --wanted label or --where field that no
line has is a warning.

Output: the manifest goes to stdout, or to -o FILE (atomic; --force replaces it), or back into
the input with --in-place (a dataset folder's dataset.json label list follows the renames).
Dropped lines' media files stay where they are.
)";

int run_label(LabelCommandOptions& o) {
  o.run.in_place = o.in_place;
  o.run.output = o.in_place ? in_place_output(o.run.input) : o.output.empty() ? "-" : o.output;
  LabelRules rules(o.rules);
  label_manifest(rules, o.run);
  return 0;
}

}  // namespace

RunFn setup_label(CLI::App& app) {
  auto o = std::make_shared<LabelCommandOptions>();
  LabelOptions& r = o->rules;
  app.add_option("MANIFEST", o->run.input,
                 "manifest file, dataset folder, or - for stdin (default)");
  app.add_option("--from-path", r.from_path, "label = capture group 1 of REGEX searched in path");
  app.add_option("--set", r.set, "set this label on every line (or those --where matches)");
  app.add_option("--where", r.where, "FIELD=VALUE (dots reach nested fields); repeatable, all hold")
      ->allow_extra_args(false);
  app.add_option("--map", r.maps, "OLD=NEW; repeatable")->allow_extra_args(false);
  app.add_option("--map-file", r.map_file, "file of 'old,new' lines")->check(CLI::ExistingFile);
  app.add_option("--unknown", r.unknown, "label for every label not --wanted, e.g. _unknown_");
  app.add_option("--wanted", r.wanted, "the labels to keep as they are, comma-separated")
      ->delimiter(',')
      ->allow_extra_args(false);
  app.add_option("--keep", r.keep, "keep only lines with these labels, comma-separated")
      ->delimiter(',')
      ->allow_extra_args(false);
  app.add_option("--drop", r.drop, "drop lines with these labels, comma-separated; repeatable")
      ->delimiter(',')
      ->allow_extra_args(false);
  app.add_flag("--allow-missing", r.allow_missing,
               "a --keep, --drop or --map label that no line has is a warning, not an error");
  auto out = app.add_option("-o,--output", o->output, "write the manifest to FILE");
  app.add_flag("--force", o->run.force, "replace an existing -o FILE");
  app.add_flag("--allow-outside", o->run.allow_outside,
               "accept a dataset's lines whose media lie outside its folder");
  app.add_flag("--in-place", o->in_place, "rewrite the input manifest (or DIR/samples.jsonl)")
      ->excludes(out);
  app.footer(std::string(kLabelFooter) + "\n" + app.get_footer());
  return [o] { return run_label(*o); };
}

}  // namespace tinyprep
