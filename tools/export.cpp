// tinyprep export tfrecord|hdf5 [MANIFEST|-] -o OUT: TFRecord shards or an HDF5 file that
// TensorFlow, Keras and h5py load as they are. The work is in lib/export (export.h).
#include <cstdio>
#include <fstream>

#include "audio/audio_file.h"
#include "command.h"
#include "core/error.h"
#include "core/io.h"
#include "export/export.h"
#include "image/image_file.h"
#include "imu/csv_file.h"
#include "media/media.h"

namespace tinyprep {
namespace {

// The command line as typed, shell-quoted where needed (recorded in every export).
std::string command_line() {
  std::ifstream f("/proc/self/cmdline", std::ios::binary);
  std::string all((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::string out;
  size_t start = 0;
  for (size_t end; (end = all.find('\0', start)) != std::string::npos; start = end + 1) {
    std::string arg = all.substr(start, end - start);
    if (start == 0) arg = "tinyprep";
    bool plain = !arg.empty() && arg.find_first_not_of(
                                     "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                     "0123456789-_./=,:@%+") == std::string::npos;
    if (!plain) {
      std::string q = "'";
      for (char c : arg) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
      arg = q + "'";
    }
    out += (out.empty() ? "" : " ") + arg;
  }
  return out.empty() ? "tinyprep export" : out;
}

uint64_t parse_size(const std::string& text) {
  size_t pos = 0;
  double value = 0;
  try {
    value = std::stod(text, &pos);
  } catch (const std::exception&) {
    pos = 0;
  }
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

// Raw media as arrays: audio float32 in [-1, 1], CSV float32 (rows, columns), images as
// uint8 (or uint16) pixels (height, width, channels), or encoded with --image-encoding.
SampleArray load_media(const Sample& s, const ExportOptions& o) {
  std::string path = s.media_path().string();
  SampleArray a;
  switch (media_kind(path)) {
    case MediaKind::kAudio: {
      AudioClip clip = read_audio(path);
      a.shape = {static_cast<size_t>(clip.info.frames)};
      if (clip.info.channels > 1) a.shape.push_back(static_cast<size_t>(clip.info.channels));
      a.data.assign(reinterpret_cast<const char*>(clip.samples.data()),
                    clip.samples.size() * sizeof(float));
      return a;
    }
    case MediaKind::kCsv: {
      CsvTable t = read_csv(path);
      a.shape = {t.rows(), t.columns};
      a.data.assign(reinterpret_cast<const char*>(t.values.data()), t.values.size() * 4);
      return a;
    }
    case MediaKind::kImage: {
      std::string ext = std::filesystem::path(path).extension().string();
      for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      bool same = (o.image_encoding == "png" && ext == ".png") ||
                  (o.image_encoding == "jpeg" && (ext == ".jpg" || ext == ".jpeg"));
      if (same) {  // the file as it is: no decoding, no loss
        ImageInfo info = probe_image(path);
        a.shape = {static_cast<size_t>(info.height), static_cast<size_t>(info.width),
                   static_cast<size_t>(info.channels)};
        a.dtype = DType::kUInt8;
        a.data = read_file(path);
        return a;
      }
      Image image = read_image(path);
      a.shape = {static_cast<size_t>(image.info.height), static_cast<size_t>(image.info.width),
                 static_cast<size_t>(image.info.channels)};
      a.dtype = image.info.depth_bits == 16 ? DType::kUInt16 : DType::kUInt8;
      if (o.image_encoding.empty()) {
        a.data = std::move(image.pixels);
      } else {
        a.dtype = DType::kUInt8;
        a.data = encode_image(image, o.image_encoding == "png" ? ".png" : ".jpg", path);
      }
      return a;
    }
    default:
      s.fail("'" + path + "' is not audio, an image or CSV, and the line has no 'features'");
  }
}

}  // namespace

RunFn setup_export(CLI::App& app) {
  struct Options {
    ExportOptions e;
    std::vector<std::string> keys;
    size_t shards = 0;
    std::string shard_size, compression = "gzip";
    bool gzip = false, print_loader = false;
  };
  auto o = std::make_shared<Options>();
  app.description(
      "Writes every split the lines carry (lines without a split go to 'all'): TFRecord shards\n"
      "named as TFDS names them, with dataset_info.json, features.json, <label>.labels.txt and\n"
      "tinyprep.json beside them; or one HDF5 file with /<split>/x, y, id. Each sample's array\n"
      "is its features .npy, else its raw media (audio float32 in [-1, 1], CSV float32, image\n"
      "pixels uint8 (height, width, channels), or the encoded image with --image-encoding).");
  app.add_option("FORMAT", o->e.format, "tfrecord or hdf5")
      ->required()
      ->check(CLI::IsMember({"tfrecord", "hdf5"}));
  app.add_option("MANIFEST", o->e.manifest, "manifest file, dataset folder or '-' (stdin)");
  app.add_option("-o,--out", o->e.out, "output folder (tfrecord) or file (hdf5)")->required();
  app.add_option("--name", o->e.name, "dataset name in shard names (default: the dataset's)");
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
  app.add_flag("--print-loader", o->print_loader, "print the Python that loads the export");
  return [o, &app] {
    ExportOptions& e = o->e;
    bool tfrecord = e.format == "tfrecord";
    auto only = [&](const char* option, bool for_tfrecord) {
      if (app.count(option) && tfrecord != for_tfrecord)
        throw usage_error(std::string(option) + " applies to " +
                          (for_tfrecord ? "tfrecord" : "hdf5") + " only");
    };
    for (const char* opt : {"--key", "--shards", "--shard-size", "--gzip"}) only(opt, true);
    only("--compression", false);
    for (const auto& k : o->keys) e.keys.set(k);
    e.shards.shards = o->shards;
    if (!o->shard_size.empty()) e.shards.shard_bytes = parse_size(o->shard_size);
    e.gzip_level = o->gzip ? 6 : 0;
    e.hdf5_gzip = o->compression == "gzip";
    e.tinyprep_version = TINYPREP_VERSION;
    e.command = command_line();
    ExportInfo info = run_export(e, load_media);
    if (o->print_loader) {
      std::string text = loader_python(info, e.out);
      std::fwrite(text.data(), 1, text.size(), stdout);
    }
    return 0;
  };
}

}  // namespace tinyprep
