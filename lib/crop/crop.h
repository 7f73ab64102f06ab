#pragma once
// `tinyprep crop`: manifest lines of images in, each image cropped and resized to a fixed size
// into a folder (PNG or .npy), the lines out in input order with `path` the new image,
// `source` the original id and `image` its new facts.
#include <string>

#include "core/shard.h"
#include "image/crop_image.h"

namespace tinyprep {

struct CropOptions {
  std::string input = "-";   ///< manifest, dataset folder or "-"
  std::string outdir;        ///< -o
  std::string output = "-";  ///< -O, "-" for stdout
  CropSpec spec;
  bool npy = false;        ///< .npy (uint8, H x W x C) instead of PNG
  double box_pad = 0;      ///< each side of a box widened by this fraction of its size
  std::string boxes_file;  ///< --boxes: one output line per box
  unsigned jobs = 0;       ///< threads, 0 = all cores
  bool force = false;      ///< replace --output
  Shard shard;             ///< --shard K/N: only the lines whose id worker K takes
};

struct CropResult {
  long samples = 0;  ///< lines read
  long written = 0;  ///< images written
  long skipped = 0;  ///< already in OUTDIR for the same (sha256, box, settings)
  long failed = 0;   ///< lines with an error (printed, left out of the output)
  long no_box = 0;   ///< lines left out because --boxes has no box for their file
};

/// "WxH" -> spec.width, spec.height; throws usage_error.
void parse_crop_size(const std::string& text, CropSpec& spec);
/// "squash", "fit-shortest", "fit-longest"; throws usage_error.
CropMode parse_crop_mode(const std::string& text);
/// "10%" (or "10") -> 0.1; throws usage_error.
double parse_box_pad(const std::string& text);

/// Runs the command. An image that fails is reported naming its line and file; the others go
/// on; the result says how many failed (the caller turns that into exit 1).
CropResult run_crop(const CropOptions& options);

}  // namespace tinyprep
