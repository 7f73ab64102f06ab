#include "core/parse.h"

namespace tinyprep {

void parse_size(const std::string& text, const std::string& option, int* width, int* height,
                std::string_view example) {
  const std::string what =
      option + " must be WIDTHxHEIGHT (e.g. " + std::string(example) + "), not '" + text + "'";
  const size_t x = text.find('x');
  if (x == std::string::npos) throw usage_error(what);
  const std::string_view w_text = std::string_view(text).substr(0, x);
  const std::string_view h_text = std::string_view(text).substr(x + 1);
  size_t used = 0;
  const std::optional<int> w = read_number<int>(w_text, used);
  if (!w || used != w_text.size()) throw usage_error(what);
  const std::optional<int> h = read_number<int>(h_text, used);
  if (!h || used != h_text.size()) throw usage_error(what);
  if (*w < 1 || *h < 1 || *w > 16384 || *h > 16384)
    throw usage_error(option + ": each side must be 1 to 16384 pixels, not '" + text + "'");
  *width = *w;
  *height = *h;
}

}  // namespace tinyprep
