#include "core/error.h"

namespace tinyprep {

std::string Error::located() const {
  if (path_.empty()) return what();
  if (line_ > 0) return path_ + ":" + std::to_string(line_) + ": " + what();
  return path_ + ": " + what();
}

}  // namespace tinyprep
