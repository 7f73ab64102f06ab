#pragma once
// Boxes for `tinyprep crop --boxes FILE`: a COCO-style JSON ({images: [{id, file_name}],
// annotations: [{image_id, bbox: [x, y, w, h], category_id}], categories: [{id, name}]}) or a
// CSV of `file,x,y,w,h,label` lines (a first line naming the columns is skipped).
#include <map>
#include <string>
#include <vector>

namespace tinyprep {

struct LabelledBox {
  double x = 0, y = 0, width = 0, height = 0;
  std::string label;  ///< "" when the file gives none
};

/// Boxes by file name as the file gives it, in the file's order. Throws Error naming the file
/// and line (CSV) on a malformed entry.
std::map<std::string, std::vector<LabelledBox>> read_boxes(const std::string& path);

}  // namespace tinyprep
