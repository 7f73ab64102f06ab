#pragma once
// The one way to name the values of an enum: a constexpr table of {value, name} rows per enum,
// read both ways by enum_name() and enum_from_name(), and listed in messages by names_text().
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace tinyprep {

/// One row of an enum's name table.
template <class E>
struct EnumName {
  E value;
  const char* name;
};

/// The name of `value` in `table`, or `fallback` when the table lacks it.
template <class E, size_t N>
constexpr const char* enum_name(const EnumName<E> (&table)[N], E value, const char* fallback = "") {
  for (const EnumName<E>& row : table)
    if (row.value == value) return row.name;
  return fallback;
}

/// The value named `name` in `table`, or nullopt.
template <class E, size_t N>
constexpr std::optional<E> enum_from_name(const EnumName<E> (&table)[N], std::string_view name) {
  for (const EnumName<E>& row : table)
    if (name == row.name) return row.value;
  return std::nullopt;
}

/// The names of `table` for a message: "start, center or loudest" (`last` = "or").
template <class E, size_t N>
std::string names_text(const EnumName<E> (&table)[N], const char* last = "or") {
  std::string out;
  for (size_t i = 0; i < N; ++i) {
    if (i) out += i + 1 == N ? std::string(" ") + last + " " : std::string(", ");
    out += table[i].name;
  }
  return out;
}

}  // namespace tinyprep
