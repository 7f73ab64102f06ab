// tinyprep export tfrecord|hdf5 [MANIFEST|-] -o OUT: TFRecord shards or an HDF5 file that
// TensorFlow, Keras and h5py load as they are; tinyprep export loader DIR|FILE: the Python that
// loads one. The work is in lib/export (export.h).
#include <cstdio>

#include "array/npy.h"
#include "command.h"
#include "core/error.h"
#include "core/parse.h"
#include "core/process.h"
#include "export/export.h"
#include "media/media.h"
#include "media/media_array.h"

namespace tinyprep {
namespace {

uint64_t parse_size(const std::string& text) {
  size_t pos = 0;
  double value = read_number<double>(text, pos).value_or(0);
  std::string unit = text.substr(pos);
  double scale = unit.empty() || unit == "B"    ? 1
                 : unit == "KiB" || unit == "K" ? 1024.0
                 : unit == "MiB" || unit == "M" ? 1024.0 * 1024
                 : unit == "GiB" || unit == "G" ? 1024.0 * 1024 * 1024
                 : unit == "KB"                 ? 1e3
                 : unit == "MB"                 ? 1e6
                 : unit == "GB"                 ? 1e9
                                                : -1;
  if (pos == 0 || scale < 0 || value * scale < 1)
    throw usage_error("--shard-size '" + text + "': expected a size such as 64MiB or 1GB");
  return static_cast<uint64_t>(value * scale);
}

// Raw media as arrays (lib/media): audio and CSV float32, images as pixels or encoded.
SampleArray load_media(const Sample& s, const ExportOptions& o) {
  std::string path = s.media_path().string();
  if (media_kind(path) == MediaKind::kUnknown)
    s.fail("'" + path + "' is not audio, an image or CSV, and the line has no 'features'");
  MediaArray m = load_media_array(path, o.image_encoding);
  return SampleArray{dtype_from_name(m.dtype), std::move(m.shape), std::move(m.data)};
}

}  // namespace

RunFn setup_export(CLI::App& app) {
  struct Options {
    ExportOptions e;
    std::vector<std::string> keys;
    size_t shards = 0;
    std::string shard_size, compression = "gzip", shard;
    bool gzip = false, print_loader = false, no_shuffle = false;
  };
  auto o = std::make_shared<Options>();
  app.description(
      "Writes every split the lines carry (lines without a split go to 'all'): TFRecord shards\n"
      "named as TFDS names them, with dataset_info.json, features.json, <label>.labels.txt and\n"
      "tinyprep.json beside them; or one HDF5 file with /<split>/x, y, id. Each sample's array\n"
      "is its features .npy, else its raw media (audio float32 in [-1, 1], CSV float32, image\n"
      "pixels uint8 (height, width, channels), or the encoded image with --image-encoding).");
  app.footer(
      "tinyprep export loader DIR|FILE prints the Python that loads an existing export.\n"
      "Sharded (N workers at once, e.g. a Slurm job array; docs/export.md \"Sharded exports\"):\n"
      "  tinyprep export tfrecord M -o OUT --shard K/N   worker K's shards and "
      "OUT/worker-K-of-N.json\n"
      "  tinyprep export finalize OUT                    once all N are done: one TFDS-named set\n"
      "  tinyprep export hdf5 M -o all.h5 --shard K/N    all.part-K-of-N.h5; then\n"
      "  tinyprep merge -o all.h5 all.part-*-of-N.h5     joins the parts");
  app.add_option("FORMAT", o->e.format,
                 "tfrecord, hdf5, loader (of an existing export) or finalize (of a sharded one)")
      ->required()
      ->check(CLI::IsMember({"tfrecord", "hdf5", "loader", "finalize"}));
  app.add_option("MANIFEST", o->e.manifest,
                 "manifest file, dataset folder or '-' (stdin); for loader: the export");
  app.add_option("-o,--out", o->e.out, "output folder (tfrecord) or file (hdf5)");
  app.add_option("--name", o->e.name,
                 "dataset name in shard names (default: the dataset's, else the manifest's)");
  app.add_option("--labels", o->e.labels,
                 "ordered label list (default: dataset.json's, else "
                 "sorted names)")
      ->delimiter(',');
  app.add_option("--key", o->keys, "rename an Example key: x|shape|label|label_name|id=NAME");
  auto* shards =
      app.add_option("--shards", o->shards, "shards per split")->check(CLI::PositiveNumber);
  app.add_option("--shard-size", o->shard_size, "start a new shard past this size (64MiB)")
      ->excludes(shards);
  app.add_flag("--gzip", o->gzip, "GZIP-compress TFRecord shards (compression_type='GZIP')");
  app.add_option("--compression", o->compression, "HDF5: gzip (level 4 + shuffle) or none")
      ->check(CLI::IsMember({"gzip", "none"}));
  app.add_option("--image-encoding", o->e.image_encoding,
                 "store images as encoded files (png or jpeg)")
      ->check(CLI::IsMember({"png", "jpeg"}));
  app.add_option("-j,--jobs", o->e.jobs, "threads (default: all cores)");
  app.add_flag("--force", o->e.force, "replace an existing export");
  app.add_flag("--allow-outside", o->e.allow_outside,
               "use a dataset's media even where they lie outside its folder");
  app.add_flag("--print-loader", o->print_loader, "print the Python that loads the export");
  app.add_option("--x-encoding", o->e.x_encoding,
                 "TFRecord integer x: raw (one bytes value, tf.io.decode_raw; default) or list "
                 "(int64_list)")
      ->check(CLI::IsMember({"raw", "list"}));
  app.add_option("--seed", o->e.seed, "seed of the shuffle of each split's examples (default 0)");
  app.add_flag("--no-shuffle", o->no_shuffle, "keep each split's examples in manifest order");
  app.add_option("--shard", o->shard,
                 "K/N: export only the lines worker K of N takes (by a hash of the id); "
                 "labels come from every line");
  return [o, &app] {
    ExportOptions& e = o->e;
    if (e.format == "loader" || e.format == "finalize") {
      for (const char* opt :
           {"-o", "--name", "--labels", "--key", "--shards", "--shard-size", "--gzip",
            "--compression", "--image-encoding", "--force", "--allow-outside", "--print-loader",
            "--x-encoding", "--seed", "--no-shuffle", "--shard"})
        if (app.count(opt)) throw usage_error(e.format + " takes no " + opt);
      if (!app.count("MANIFEST"))
        throw usage_error(e.format == "finalize" ? "finalize needs the folder the workers wrote"
                                                 : "loader needs the export: DIR or FILE");
      if (e.format == "finalize") {
        finalize_export(e.manifest, command_line("tinyprep export"), tinyprep_version());
        return 0;
      }
      std::string text = export_loader(e.manifest);
      std::fwrite(text.data(), 1, text.size(), stdout);
      return 0;
    }
    if (e.out.empty()) throw usage_error("-o OUT is required");
    bool tfrecord = e.format == "tfrecord";
    auto only = [&](const char* option, bool for_tfrecord) {
      if (app.count(option) && tfrecord != for_tfrecord)
        throw usage_error(std::string(option) + " applies to " +
                          (for_tfrecord ? "tfrecord" : "hdf5") + " only");
    };
    for (const char* opt : {"--key", "--shards", "--shard-size", "--gzip", "--x-encoding"})
      only(opt, true);
    e.shuffle = !o->no_shuffle;
    if (o->no_shuffle && app.count("--seed"))
      throw usage_error("--seed shuffles; --no-shuffle does not");
    only("--compression", false);
    for (const auto& k : o->keys) e.keys.set(k);
    e.shards.shards = o->shards;
    if (!o->shard_size.empty()) e.shards.shard_bytes = parse_size(o->shard_size);
    e.gzip_level = o->gzip ? 6 : 0;
    e.hdf5_gzip = o->compression == "gzip";
    if (app.count("--shard")) e.shard = parse_shard(o->shard);
    e.tinyprep_version = tinyprep_version();
    e.command = command_line("tinyprep export");
    ExportInfo info = run_export(e, load_media);
    if (o->print_loader) {
      bool part = e.format == "hdf5" && !e.shard.whole();
      std::string text = loader_python(info, part ? hdf5_part_path(e.out, e.shard) : e.out);
      std::fwrite(text.data(), 1, text.size(), stdout);
    }
    return 0;
  };
}

}  // namespace tinyprep
