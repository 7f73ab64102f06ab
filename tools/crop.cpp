// tinyprep crop [MANIFEST|-] --size WxH --mode MODE --color gray|rgb -o OUTDIR: every image
// cropped and resized to one size, for image classification models.
#include "crop/crop.h"
#include "command.h"
#include "core/error.h"

namespace tinyprep {
namespace {

struct CropCli {
  CropOptions run;
  std::string preset, size, mode, color, box_pad, shard;
};

int run_crop_command(CropCli& cli) {
  CropOptions& o = cli.run;
  if (!cli.preset.empty()) {  // 96x96 fit-shortest, gray or RGB; options given win
    if (cli.size.empty()) cli.size = "96x96";
    if (cli.mode.empty()) cli.mode = "fit-shortest";
    if (cli.color.empty()) cli.color = cli.preset == "person_detection" ? "gray" : "rgb";
  }
  if (cli.size.empty()) throw usage_error("--size WxH is required (or a --preset)");
  parse_crop_size(cli.size, o.spec);
  o.spec.mode = parse_crop_mode(cli.mode.empty() ? "fit-shortest" : cli.mode);
  if (!cli.color.empty() && cli.color != "gray" && cli.color != "rgb")
    throw usage_error("--color must be gray or rgb, not '" + cli.color + "'");
  o.spec.gray = cli.color == "gray";
  if (!cli.box_pad.empty()) o.box_pad = parse_box_pad(cli.box_pad);
  if (!cli.shard.empty()) o.shard = parse_shard(cli.shard);
  CropResult r = run_crop(o);
  if (r.failed)
    throw Error(std::to_string(r.failed) + " of " + std::to_string(r.samples) +
                " images failed (listed above); the others are in " + o.outdir);
  return 0;
}

}  // namespace

RunFn setup_crop(CLI::App& app) {
  auto cli = std::make_shared<CropCli>();
  app.description(
      "Crop and resize every image of a manifest to one size: a PNG (or .npy) per image in\n"
      "OUTDIR, and the manifest lines with `path` the new image, `source` the original id and\n"
      "`image` its size on stdout (or -O), in input order. Geometry as OpenCV-Python code does\n"
      "it (round(w*s), centred (n-W)//2); area interpolation when shrinking, linear when\n"
      "enlarging; gray with ITU-R 601 weights; EXIF orientation honoured; alpha onto black.\n"
      "A line's `box` field ([x, y, w, h] pixels) is cropped first. Re-running skips images\n"
      "already cropped with the same settings.\n\n"
      "--shard K/N: only the lines whose id worker K of N takes (a hash of the id), so N\n"
      "processes into one OUTDIR (each with its own -O) together crop every line once; each\n"
      "locks its shard only and keeps its own OUTDIR/index.shard-K-of-N.jsonl (a later run\n"
      "without --shard merges them into index.jsonl). Concatenate the N manifests.\n\n"
      "Modes: squash (ignore aspect), fit-shortest (centre-crop), fit-longest (letterbox).\n"
      "Presets: person_detection (96x96 gray fit-shortest), ei-96 (96x96 RGB fit-shortest).\n\n"
      "Examples:\n"
      "  tinyprep crop --preset person_detection -o crops/ photos.jsonl > crops.jsonl\n"
      "  tinyprep crop --size 64x48 --mode fit-longest --color rgb -o crops/ --boxes coco.json -");
  app.add_option("MANIFEST", cli->run.input, "manifest, dataset folder or - (default: stdin)");
  app.add_option("--preset", cli->preset, "person_detection or ei-96")
      ->check(CLI::IsMember({"person_detection", "ei-96"}));
  app.add_option("--size", cli->size, "output size WIDTHxHEIGHT")->type_name("WxH");
  app.add_option("--mode", cli->mode, "squash, fit-shortest or fit-longest (default fit-shortest)");
  app.add_option("--color", cli->color, "gray or rgb (default rgb)");
  app.add_option("-o,--outdir", cli->run.outdir, "folder for the images (made when missing)")
      ->required();
  app.add_option("-O,--output", cli->run.output, "manifest to write (default '-': stdout)");
  app.add_flag("--npy", cli->run.npy, "write uint8 (H, W, C) .npy files instead of PNG");
  app.add_option("--box-pad", cli->box_pad, "widen each side of a box by this share (10%)");
  app.add_option("--boxes", cli->run.boxes_file,
                 "boxes from a COCO-style JSON or a CSV file,x,y,w,h,label: a line per box");
  app.add_option("-j,--jobs", cli->run.jobs, "threads (default 0: all cores)");
  app.add_flag("--force", cli->run.force, "replace --output");
  app.add_option("--shard", cli->shard, "worker K of N: only the lines whose id it takes")
      ->type_name("K/N");
  return [cli] { return run_crop_command(*cli); };
}

}  // namespace tinyprep
