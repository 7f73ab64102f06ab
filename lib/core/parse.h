#pragma once
// Numbers in option values, one rule and one message: std::from_chars over the text (an
// optional leading '+', no spaces, no hexadecimal), in range for the type, finite.
#include <charconv>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "core/error.h"

namespace tinyprep {

/// The number at the start of `text` and, in `used`, how many characters it took; nullopt when
/// it does not start with one, or the number is out of T's range or not finite.
template <class T>
std::optional<T> read_number(std::string_view text, size_t& used) {
  static_assert(std::is_arithmetic_v<T> && !std::is_same_v<T, bool>);
  used = 0;
  const size_t plus = !text.empty() && text[0] == '+' ? 1 : 0;
  if (plus && text.size() > 1 && text[1] == '-') return std::nullopt;
  T value{};
  const char* first = text.data() + plus;
  const char* last = text.data() + text.size();
  auto [end, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || end == first) return std::nullopt;
  if constexpr (std::is_floating_point_v<T>)
    if (!std::isfinite(value)) return std::nullopt;
  used = static_cast<size_t>(end - text.data());
  return value;
}

/// The whole of `text` as a number; throws usage_error("<what>: '<text>' is not a number"),
/// "... is not a whole number" for an integer type.
template <class T>
T parse_number(std::string_view text, std::string_view what) {
  size_t used = 0;
  std::optional<T> value = read_number<T>(text, used);
  if (!value || used != text.size())
    throw usage_error(std::string(what) + ": '" + std::string(text) + "' is not a " +
                      (std::is_integral_v<T> ? "whole number" : "number"));
  return *value;
}

/// "WIDTHxHEIGHT" ("176x144") -> width, height, each 1 to 16384; throws usage_error naming
/// `option` ("--size must be WIDTHxHEIGHT (e.g. <example>), not 'big'") otherwise.
void parse_size(const std::string& text, const std::string& option, int* width, int* height,
                std::string_view example = "176x144");

}  // namespace tinyprep
