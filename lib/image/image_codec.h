#pragma once
// The entry points of libtinyprep_opencv.so, the plugin that decodes and encodes still images
// with OpenCV's imgcodecs (loaded on first use, see core/plugin.h). They throw Error naming
// `name` on failure; pixels are RGB(A), as in image_file.h.
#include <string>
#include <string_view>

#include "image/image_file.h"

namespace tinyprep {

using ImageProbe = ImageInfo (*)(std::string_view bytes, const std::string& name);
using ImageDecode = Image (*)(std::string_view bytes, const std::string& name);
using ImageEncode = std::string (*)(const Image& image, const std::string& ext,
                                    const std::string& name);

inline constexpr const char* kImageProbeSymbol = "tinyprep_image_probe_v1";
inline constexpr const char* kImageDecodeSymbol = "tinyprep_image_decode_v1";
inline constexpr const char* kImageEncodeSymbol = "tinyprep_image_encode_v1";

/// A JPEG decoded at 1/factor of its size (factor 2, 4 or 8; libjpeg's DCT scaling), 8-bit,
/// gray (the luma) or RGB, EXIF orientation not applied.
using ImageDecodeReduced = Image (*)(std::string_view bytes, int factor, bool gray,
                                     const std::string& name);
inline constexpr const char* kImageDecodeReducedSymbol = "tinyprep_image_decode_reduced_v1";

}  // namespace tinyprep

namespace tinyprep {

struct CropRequest;
using ImageCrop = Image (*)(const Image& image, const CropRequest& request,
                            const std::string& name);
inline constexpr const char* kImageCropSymbol = "tinyprep_image_crop_v2";

}  // namespace tinyprep

namespace tinyprep {

struct ImageAugmentRequest;
using ImageAugment = Image (*)(const Image& image, const ImageAugmentRequest& request,
                               const std::string& name);
inline constexpr const char* kImageAugmentSymbol = "tinyprep_image_augment_v1";

}  // namespace tinyprep
