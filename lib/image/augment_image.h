#pragma once
// The pixel work of `tinyprep augment` on images: one call into libtinyprep_opencv.so
// (image_codec.h), loaded on first use. What to do is decided by the caller (lib/augment).
#include <optional>
#include <string>

#include "image/crop_image.h"
#include "image/image_file.h"

namespace tinyprep {

/// The steps, in this order: 16 -> 8 bits (x / 257, rounded); `crop` cut out and resized back to
/// the whole size (INTER_LINEAR); rotated by `rotate_degrees` (counter-clockwise, about the
/// centre ((w-1)/2, (h-1)/2), INTER_LINEAR, black outside); mirrored; then every colour channel
/// (not alpha) v -> round_half_even((v - m) * contrast + m + 255 * brightness), saturated to
/// 0..255, m the channel's mean over the image after the geometric steps.
struct ImageAugmentRequest {
  std::optional<PixelRect> crop;  ///< inside the image
  double rotate_degrees = 0;
  bool flip_horizontal = false;
  bool flip_vertical = false;
  double brightness = 0;  ///< a share of 255, added
  double contrast = 1;    ///< factor about the channel mean
};

/// Decoded pixels (1, 3 or 4 channels, 8 or 16 bits) augmented; 8-bit, same size and channels.
/// Throws Error naming `name`.
Image augment_image(const Image& image, const ImageAugmentRequest& request,
                    const std::string& name);

}  // namespace tinyprep
