// tinyprep merge -o OUT INPUTS...: HDF5 parts of a sharded export (export hdf5 --shard K/N)
// joined into one file (a copy, or --virtual datasets referencing the parts), or manifests
// joined into one. The work is in lib/export (hdf5_merge.h).
#include "command.h"
#include "core/error.h"
#include "core/process.h"
#include "export/hdf5_merge.h"

namespace tinyprep {

RunFn setup_merge(CLI::App& app) {
  struct Options {
    Hdf5MergeOptions h;
    std::vector<std::string> inputs;
  };
  auto o = std::make_shared<Options>();
  app.description(
      "Joins the HDF5 parts that the workers of `export hdf5 --shard K/N` wrote (per split: x,\n"
      "y, id, the parts' rows one after another in the order given; attributes kept; the parts\n"
      "must agree on name, labels, feature config, dtype and shape), or manifests (-o m.jsonl:\n"
      "their lines in order, paths rebased to the output's folder; a repeated id with the same\n"
      "line is kept once, one with a different line is refused).");
  app.footer(
      "Examples:\n"
      "  tinyprep merge -o all.h5 all.part-0-of-3.h5 all.part-1-of-3.h5 all.part-2-of-3.h5\n"
      "  tinyprep merge --virtual -o all.h5 all.part-*-of-3.h5   (no copy: reads the parts)\n"
      "  tinyprep merge -o all.jsonl a.jsonl b.jsonl");
  app.add_option("INPUTS", o->inputs, "HDF5 parts, or manifests (.jsonl, '-' for stdin)")
      ->required();
  app.add_option("-o,--out", o->h.out,
                 "the merged file: .jsonl (or '-') merges manifests, else HDF5 parts")
      ->required();
  app.add_flag("--virtual", o->h.virtual_dataset,
               "HDF5: virtual datasets that reference the parts' rows instead of a copy (keep "
               "the parts beside it)");
  app.add_flag("--force", o->h.force, "replace an existing OUT");
  return [o] {
    const std::string& out = o->h.out;
    if (out == "-" || out.ends_with(".jsonl")) {
      if (o->h.virtual_dataset) throw usage_error("--virtual applies to HDF5 parts only");
      merge_manifests(o->inputs, out, o->h.force);
      return 0;
    }
    o->h.parts = o->inputs;
    o->h.command = command_line("tinyprep merge");
    o->h.tinyprep_version = tinyprep_version();
    merge_hdf5(o->h);
    return 0;
  };
}

}  // namespace tinyprep
